package io.revisor.bench.scenario;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.etcd.jetcd.KeyValue;
import io.revisor.bench.client.InProcessCache;
import io.revisor.bench.client.ListBodies;
import io.revisor.bench.client.ListBodies.ListMeta;
import io.revisor.bench.client.Objects1k;
import io.revisor.bench.client.RawEtcd;
import io.revisor.bench.load.ClosedLoop;
import io.revisor.bench.Plan;
import io.revisor.bench.load.Measurement;
import io.revisor.bench.report.Ids;
import io.revisor.bench.report.Row;
import io.vertx.core.http.HttpMethod;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Scenario 3 on one namespace of N 1 KiB Dashboards: gets by name (latest; raw: a single-key range) and lists:
 * consistent (resourceVersion unset), RV=0, and paged (limit 500, following continue tokens, consistent). The raw
 * side of a list reads the whole prefix in one range, or in ranges of 500 keys at the first page's revision, and
 * decodes every value with Jackson ({@code readTree}): what serving a list from etcd costs at the least.
 *
 * <p>Revisor's list bodies are not parsed while timed (the list's metadata is read from the end of the body), so a
 * list's time is the server's and the transfer's, not this client's parsing. One untimed list of each variant is
 * parsed completely first and must hold every object.
 */
public final class ReadScenario {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Objects1k KIND = Objects1k.DASHBOARD;
  private static final String NAMESPACE = "bench-read";
  private static final String PREFIX = RawEtcd.PREFIX + "read/";

  private ReadScenario() {}

  public static void run(Context ctx) {
    var plan = ctx.plan();
    int n = plan.readObjects();
    WriteScenarios.populate(ctx, KIND, NAMESPACE, PREFIX, n, new AtomicLongArray(n), new AtomicLongArray(n));
    ctx.log().printf(Locale.ROOT, "  populated %,d objects on each side%n", n);

    Run revisorGets = ctx.run(() -> ClosedLoop.run(plan.getConcurrency(), plan.getOps(), plan.writeTime(),
        (w, i) -> ctx.request(w, HttpMethod.GET, KIND.path(NAMESPACE, WriteScenarios.name(i % n)), null, 200)));
    Run rawGets = ctx.run(() -> ClosedLoop.run(plan.getConcurrency(), plan.getOps(), plan.writeTime(),
        (w, i) -> ctx.raw().get(PREFIX + WriteScenarios.name(i % n)).thenAccept(v -> {
          if (v == null) {
            throw new IllegalStateException("no key " + PREFIX + WriteScenarios.name(i % n));
          }
        })));
    ctx.compare(Ids.of(Ids.GET, Row.REVISOR), Ids.of(Ids.GET, Row.RAW),
        "get by name c=" + plan.getConcurrency(), revisorGets, rawGets);

    String collection = KIND.path(NAMESPACE);
    Run raw = lists(ctx, i -> rawList(ctx, 0));
    Run rawPaged = lists(ctx, i -> rawList(ctx, plan.pageSize()));
    Run consistent = lists(ctx, checked(ctx, collection, 0));
    Run rv0 = lists(ctx, checked(ctx, collection + "?resourceVersion=0", 0));
    Run paged = lists(ctx, checked(ctx, collection, plan.pageSize()));
    InProcess cacheRv0;
    InProcess cacheConsistent;
    InProcess cachePaged;
    try (InProcessCache cache = InProcessCache.open(ctx.etcd().clientUrl(), KIND)) {
      cache.awaitReady(Duration.ofMinutes(2));
      cacheRv0 = inProcess(ctx, cache, true, 0);
      cacheConsistent = inProcess(ctx, cache, false, 0);
      cachePaged = inProcess(ctx, cache, false, plan.pageSize());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }

    String what = String.format(Locale.ROOT, "list %,d", n);
    String rawName = what + " range+decode";
    String rawPagedName = what + " paged " + plan.pageSize() + " range+decode";
    addList(ctx, Ids.of(Ids.LIST_RAW, Row.RAW), rawName, Row.RAW, raw, null, null, n);
    addList(ctx, Ids.of(Ids.LIST_PAGED, Row.RAW), rawPagedName, Row.RAW, rawPaged, null, null, n);
    addList(ctx, Ids.of(Ids.LIST_CONSISTENT, Row.REVISOR), what + " consistent", Row.REVISOR, consistent, raw,
        rawName, n);
    addList(ctx, Ids.of(Ids.LIST_RV0, Row.REVISOR), what + " RV=0", Row.REVISOR, rv0, raw, rawName, n);
    addList(ctx, Ids.of(Ids.LIST_PAGED, Row.REVISOR), what + " paged " + plan.pageSize(), Row.REVISOR, paged,
        rawPaged, rawPagedName, n);
    addInProcess(ctx, Ids.LIST_RV0, what + " RV=0 in-process cache", cacheRv0, raw, rawName, n);
    addInProcess(ctx, Ids.LIST_CONSISTENT, what + " consistent in-process cache", cacheConsistent, raw, rawName, n);
    addInProcess(ctx, Ids.LIST_PAGED, what + " paged " + plan.pageSize() + " in-process cache", cachePaged, rawPaged,
        rawPagedName, n);
  }

  /**
   * The lists of one in-process variant: the run, the fewest objects one list held, and the response bytes of the
   * last list (all pages).
   */
  private record InProcess(Run run, int fewestItems, long bodyBytes) {}

  /**
   * Measures lists from the in-process watch cache ({@link InProcessCache}), each with its response bodies written
   * by the server's own writer. Every list must hold all objects; the first (untimed) one's body is also parsed
   * completely and must agree.
   */
  private static InProcess inProcess(Context ctx, InProcessCache cache, boolean anyVersion, int pageSize) {
    int expected = ctx.plan().readObjects();
    AtomicInteger fewest = new AtomicInteger(Integer.MAX_VALUE);
    AtomicLong bytes = new AtomicLong();
    Plan plan = ctx.plan();
    // This JVM runs the cache's and the writer's code for the first time (the server had, for the HTTPS lists): it
    // takes a few hundred lists of 10,000 before the compiled code settles. Warmed up as JMH would, not reported.
    ClosedLoop.run(1, 10L * plan.inProcessLists(), plan.inProcessWarmup(),
        (w, i) -> cache.list(NAMESPACE, anyVersion, pageSize));
    Run run = lists(ctx, plan.inProcessLists(), i -> cache.list(NAMESPACE, anyVersion, pageSize).thenApply(listed -> {
      if (listed.items() != expected) {
        throw new IllegalStateException("the in-process cache listed " + listed.items() + " objects, not " + expected);
      }
      if (i < 0 && pageSize <= 0 && ListBodies.fullList(listed.lastBody().getBytes()).items() != expected) {
        throw new IllegalStateException("the in-process list body does not hold " + expected + " objects");
      }
      if (i >= 0) {
        fewest.accumulateAndGet(listed.items(), Math::min);
        bytes.set(listed.bodyBytes());
      }
      return listed.items();
    }));
    return new InProcess(run, fewest.get() == Integer.MAX_VALUE ? 0 : fewest.get(), bytes.get());
  }

  private static void addInProcess(Context ctx, String base, String scenario, InProcess lists, Run raw,
      String rawName, int items) {
    addList(ctx, Ids.of(base, Row.IN_PROCESS), scenario, Row.IN_PROCESS, lists.run(), raw, rawName, items,
        String.format(Locale.ROOT, "WatchCache.list + the server's list writer in the bench JVM, %.1f MiB of body; ",
            lists.bodyBytes() / 1048576.0),
        Map.of(Ids.ITEMS, (double) lists.fewestItems(), Ids.BODY_BYTES, (double) lists.bodyBytes()));
  }

  /** One list, started as operation {@code i}. */
  private interface ListOnce {
    CompletionStage<Integer> start(long i);
  }

  private static Run lists(Context ctx, ListOnce list) {
    return lists(ctx, ctx.plan().listRepeats(), list);
  }

  private static Run lists(Context ctx, int repeats, ListOnce list) {
    Context.await(list.start(-1), Duration.ofMinutes(2), "the first list");
    return ctx.run(() -> ClosedLoop.run(1, repeats, ctx.plan().listTime(), (w, i) -> list.start(i)));
  }

  private static void addList(Context ctx, String id, String scenario, String side, Run run, Run raw,
      String rawName, int items) {
    addList(ctx, id, scenario, side, run, raw, rawName, items, "", Map.of());
  }

  private static void addList(Context ctx, String id, String scenario, String side, Run run, Run raw,
      String rawName, int items, String what, Map<String, Double> extra) {
    Measurement m = run.measurement();
    double itemsPerSec = items * m.opsPerSecond();
    Double ratio = raw == null ? null : m.opsPerSecond() / raw.measurement().opsPerSecond();
    String prefix = String.format(Locale.ROOT, "%,.0f items/s; ", itemsPerSec) + what
        + (raw == null ? "" : "ratio vs " + rawName + "; ");
    Row row = ctx.row(id, scenario, side, run, ratio, prefix).with(Ids.ITEMS_PER_SEC, itemsPerSec);
    for (Map.Entry<String, Double> e : extra.entrySet()) {
      row = row.with(e.getKey(), e.getValue());
    }
    ctx.report().add(row);
    ctx.log().printf(Locale.ROOT, "  %-40s %-7s p50 %8.1f ms  p99 %8.1f ms  %,12.0f items/s  %s%n", scenario, side,
        m.p50Ms(), m.p99Ms(), itemsPerSec, run.describe());
  }

  /**
   * A Revisor list of {@code path}, paged when {@code pageSize > 0}. Operation -1 (the untimed first list) parses
   * every page completely and checks that it agrees with the cheap reading and that the pages hold every object.
   */
  private static ListOnce checked(Context ctx, String path, int pageSize) {
    int expected = ctx.plan().readObjects();
    return i -> page(ctx, path, pageSize, null, i < 0, 0).thenApply(items -> {
      if (i < 0 && items != expected) {
        throw new IllegalStateException(path + " listed " + items + " objects, not " + expected);
      }
      return items;
    });
  }

  private static CompletionStage<Integer> page(Context ctx, String path, int pageSize, String token, boolean check,
      int itemsSoFar) {
    String query = pageSize <= 0 ? "" : (path.contains("?") ? "&" : "?") + "limit=" + pageSize
        + (token == null ? "" : "&continue=" + URLEncoder.encode(token, StandardCharsets.UTF_8));
    return ctx.request(0, HttpMethod.GET, path + query, null, 200).thenCompose(response -> {
      byte[] body = response.body().getBytes();
      ListMeta meta = ListBodies.tail(body);
      int items = itemsSoFar;
      if (check) {
        ListMeta full = ListBodies.fullList(body);
        if (!full.resourceVersion().equals(meta.resourceVersion())
            || !String.valueOf(full.continueToken()).equals(String.valueOf(meta.continueToken()))) {
          throw new IllegalStateException("the list metadata read from the end " + meta + " is not the list's "
              + full);
        }
        items += full.items();
      }
      if (pageSize > 0 && meta.continueToken() != null) {
        return page(ctx, path, pageSize, meta.continueToken(), check, items);
      }
      return CompletableFuture.completedFuture(items);
    });
  }

  /**
   * The raw list: the prefix in one range ({@code pageSize} 0), or in ranges of {@code pageSize} keys at the first
   * range's revision; every value decoded.
   */
  private static CompletionStage<Integer> rawList(Context ctx, int pageSize) {
    return rawPage(ctx, PREFIX, pageSize, 0, 0).thenApply(items -> {
      if (items != ctx.plan().readObjects()) {
        throw new IllegalStateException("the raw list read " + items + " values, not " + ctx.plan().readObjects());
      }
      return items;
    });
  }

  private static CompletionStage<Integer> rawPage(Context ctx, String from, int pageSize, long revision, int soFar) {
    return ctx.raw().range(from, RawEtcd.prefixEnd(PREFIX), pageSize, revision).thenCompose(page -> {
      for (KeyValue kv : page.kvs()) {
        try {
          MAPPER.readTree(kv.getValue().getBytes());
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
      int items = soFar + page.kvs().size();
      if (page.more() && !page.kvs().isEmpty()) {
        String last = page.kvs().get(page.kvs().size() - 1).getKey().toString(StandardCharsets.UTF_8);
        return rawPage(ctx, last + '\0', pageSize, page.revision(), items);
      }
      return CompletableFuture.completedFuture(items);
    });
  }
}
