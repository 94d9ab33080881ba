package io.revisor.bench.scenario;

import io.revisor.bench.client.ListBodies;
import io.revisor.bench.client.Objects1k;
import io.revisor.bench.client.RawEtcd;
import io.revisor.bench.client.RevisorClient;
import io.revisor.bench.load.ClosedLoop;
import io.revisor.bench.load.Measurement;
import io.revisor.bench.report.Ids;
import io.revisor.bench.report.Row;
import io.vertx.core.http.HttpMethod;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Scenarios 1 and 2: creates of 1 KiB Dashboards (raw: {@code Txn If(ModRevision(key) == 0) Then(Put)} of the same
 * bytes), then updates with resourceVersion preconditions (PUT with {@code metadata.resourceVersion}; raw:
 * {@code Txn If(ModRevision(key) == rv) Then(Put)}), at each concurrency of the plan. Each run stops after the
 * plan's operation count or time, whichever comes first. Each side warms up at concurrency 16 first.
 */
public final class WriteScenarios {
  private static final Objects1k KIND = Objects1k.DASHBOARD;
  private static final int SETUP_CONCURRENCY = 64;
  private static final Duration SETUP_TIME = Duration.ofMinutes(10);

  private WriteScenarios() {}

  static String name(long i) {
    return String.format(Locale.ROOT, "o-%06d", i);
  }

  /** A Revisor create of object {@code name} in {@code namespace} (201 expected). */
  static CompletionStage<RevisorClient.Response> create(Context ctx, int lane, Objects1k kind, String namespace,
      String name) {
    return ctx.request(lane, HttpMethod.POST, kind.path(namespace), kind.body(namespace, name, 0, null), 201);
  }

  /** Creates {@code count} objects on each side, at concurrency 64, failing when any create fails. */
  static void populate(Context ctx, Objects1k kind, String namespace, String rawPrefix, int count,
      AtomicLongArray revisorRvs, AtomicLongArray rawRvs) {
    Measurement revisor = ClosedLoop.run(SETUP_CONCURRENCY, count, SETUP_TIME, (w, i) ->
        create(ctx, w, kind, namespace, name(i)).thenAccept(r -> revisorRvs.set((int) i, Long.parseLong(ListBodies.resourceVersion(r.body().getBytes())))));
    Measurement raw = ClosedLoop.run(SETUP_CONCURRENCY, count, SETUP_TIME, (w, i) ->
        ctx.raw().create(rawPrefix + name(i), kind.body(namespace, name(i), 0, null))
            .thenAccept(rv -> rawRvs.set((int) i, rv)));
    if (revisor.ops() != count || raw.ops() != count) {
      throw new IllegalStateException("setup: created " + revisor.ops() + " objects in Revisor and " + raw.ops()
          + " in etcd of " + count + "; first failures: " + revisor.firstError() + " / " + raw.firstError());
    }
  }

  /** Scenario 1. */
  public static void creates(Context ctx) {
    var plan = ctx.plan();
    ClosedLoop.run(16, Long.MAX_VALUE, plan.warmup(), (w, i) -> create(ctx, w, KIND, "bench-warmup", name(i)));
    ClosedLoop.run(16, Long.MAX_VALUE, plan.warmup(), (w, i) ->
        ctx.raw().create(RawEtcd.PREFIX + "warmup/" + name(i), KIND.body("bench-warmup", name(i), 0, null)));
    for (int c : plan.writeConcurrency()) {
      String ns = "bench-create-c" + c;
      String prefix = RawEtcd.PREFIX + "create-c" + c + "/";
      Run revisor = ctx.run(() -> ClosedLoop.run(c, plan.writeOps(), plan.writeTime(),
          (w, i) -> create(ctx, w, KIND, ns, name(i))));
      Run raw = ctx.run(() -> ClosedLoop.run(c, plan.writeOps(), plan.writeTime(),
          (w, i) -> ctx.raw().create(prefix + name(i), KIND.body(ns, name(i), 0, null))));
      ctx.compare(Ids.write("create", c, Row.REVISOR), Ids.write("create", c, Row.RAW), "create c=" + c,
          revisor, raw);
    }
  }

  /** Scenario 2, on a pool of objects created first (untimed); each worker owns its share of the pool. */
  public static void updates(Context ctx) {
    var plan = ctx.plan();
    int pool = plan.updatePool();
    String ns = "bench-update";
    String prefix = RawEtcd.PREFIX + "update/";
    AtomicLongArray revisorRvs = new AtomicLongArray(pool);
    AtomicLongArray rawRvs = new AtomicLongArray(pool);
    populate(ctx, KIND, ns, prefix, pool, revisorRvs, rawRvs);
    // Every update writes a version never written before: the server skips a write whose result is unchanged.
    AtomicLong versions = new AtomicLong();
    Updates revisorUpdates = (w, j) -> {
      byte[] body = KIND.body(ns, name(j), versions.incrementAndGet(), Long.toString(revisorRvs.get(j)));
      return ctx.request(w, HttpMethod.PUT, KIND.path(ns, name(j)), body, 200)
          .thenAccept(r -> revisorRvs.set(j, Long.parseLong(ListBodies.resourceVersion(r.body().getBytes()))));
    };
    Updates rawUpdates = (w, j) -> ctx.raw()
        .update(prefix + name(j), KIND.body(ns, name(j), versions.incrementAndGet(), Long.toString(rawRvs.get(j))),
            rawRvs.get(j))
        .thenAccept(rv -> rawRvs.set(j, rv));
    run(16, pool, Long.MAX_VALUE, plan.warmup(), revisorUpdates);
    run(16, pool, Long.MAX_VALUE, plan.warmup(), rawUpdates);
    for (int c : plan.writeConcurrency()) {
      Run revisor = ctx.run(() -> run(c, pool, plan.writeOps(), plan.writeTime(), revisorUpdates));
      Run raw = ctx.run(() -> run(c, pool, plan.writeOps(), plan.writeTime(), rawUpdates));
      ctx.compare(Ids.write("update", c, Row.REVISOR), Ids.write("update", c, Row.RAW), "update c=" + c,
          revisor, raw);
    }
  }

  /** An update of pool object {@code object} by {@code worker}. */
  @FunctionalInterface
  private interface Updates {
    CompletionStage<?> start(int worker, int object);
  }

  /**
   * Runs updates at concurrency {@code c}: worker {@code w} cycles through the pool objects {@code w, w + c, ...},
   * so no two workers ever update the same object and every precondition is the object's current version.
   */
  private static Measurement run(int c, int pool, long ops, Duration time, Updates updates) {
    int perWorker = pool / c;
    AtomicLongArray cursor = new AtomicLongArray(c);
    return ClosedLoop.run(c, ops, time, (w, i) -> {
      long k = cursor.getAndIncrement(w);
      return updates.start(w, (int) (w + (long) c * (k % perWorker)));
    });
  }
}
