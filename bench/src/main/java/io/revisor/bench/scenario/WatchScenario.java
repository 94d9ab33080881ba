package io.revisor.bench.scenario;

import io.etcd.jetcd.Watch;
import io.revisor.bench.client.ListBodies;
import io.revisor.bench.client.Objects1k;
import io.revisor.bench.client.RawEtcd;
import io.revisor.bench.client.RevisorClient;
import io.revisor.bench.client.WatchClient;
import io.revisor.bench.env.Prometheus;
import io.revisor.bench.load.Measurement;
import io.revisor.bench.report.Ids;
import io.revisor.bench.report.Row;
import io.vertx.core.http.HttpMethod;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.IntFunction;
import java.util.function.Supplier;

/**
 * Scenario 4: watch fan-out. For each watcher count, that many watchers on one namespace of Dashboards (HTTP/2
 * streaming watches, {@code ?watch=true&resourceVersion=<rv>}, many streams per connection over a few connections,
 * with Netty's HTTP/2 codec: see {@link WatchClient} for why) while a writer creates a fixed number of 1 KiB objects
 * at a steady rate; then as many jetcd watchers on a raw prefix with the same writes. Every watcher must receive every
 * event: a lost event fails the run. The lag of a delivery is from the moment the writer sent that object's create to
 * the moment a watcher had read the event's type and object name.
 *
 * <p>Before the measured writes, a probe object is written and every watcher must have seen it: then all streams are
 * established and the lags measure delivery, not the set-up of a thousand streams.
 */
public final class WatchScenario {
  private static final Objects1k KIND = Objects1k.DASHBOARD;
  private static final int MAX_CONNECTIONS = 4;
  private static final Duration SETUP = Duration.ofMinutes(2);
  private static final Duration DRAIN = Duration.ofMinutes(2);

  private WatchScenario() {}

  public static void run(Context ctx) {
    // Warm-up (not reported): a small fan-out on both sides, so that the first measured run meets compiled code.
    int warmupEvents = Math.max(10, ctx.plan().watchEvents() / 5);
    revisor(ctx, "warmup", 10, warmupEvents);
    raw(ctx, "warmup", 10, warmupEvents);
    for (int n : ctx.plan().watchers()) {
      Run revisorRun = ctx.run(() -> revisor(ctx, Integer.toString(n), n, ctx.plan().watchEvents()));
      Run rawRun = ctx.run(() -> raw(ctx, Integer.toString(n), n, ctx.plan().watchEvents()));
      Measurement revisor = revisorRun.measurement();
      Measurement raw = rawRun.measurement();
      String scenario = "watch " + n + (n == 1 ? " watcher" : " watchers");
      add(ctx, n, scenario, Row.REVISOR, revisorRun, revisor.opsPerSecond() / raw.opsPerSecond());
      add(ctx, n, scenario, Row.RAW, rawRun, null);
      ctx.log().printf(Locale.ROOT, "  %-20s revisor lag p50 %8.2f ms p99 %8.2f ms lost %d | raw lag p50 %8.2f ms "
          + "p99 %8.2f ms lost %d%n", scenario, revisor.p50Ms(), revisor.p99Ms(), revisor.errors(), raw.p50Ms(),
          raw.p99Ms(), raw.errors());
    }
  }

  /** A row per side; ops are deliveries, latencies the lags, the costs per delivery. */
  private static void add(Context ctx, int n, String scenario, String side, Run run, Double ratio) {
    Measurement m = run.measurement();
    String note = String.format(Locale.ROOT, "%,d deliveries of %d events, %,d lost; lag = send to parse; %s",
        m.ops(), ctx.plan().watchEvents(), m.errors(), run.describe());
    ctx.report().add(Row.of(Ids.watch(n, side), scenario, side, m, ratio, note).with(Ids.LOST_EVENTS, m.errors()));
  }

  /** {@code n} Revisor watchers on namespace {@code bench-watch-<run>}, {@code events} creates. */
  private static Measurement revisor(Context ctx, String run, int n, int events) {
    String ns = "bench-watch-" + run;
    Deliveries deliveries = new Deliveries(n, events, "ADDED");
    String rv = ListBodies.tail(Context.await(ctx.request(0, HttpMethod.GET, KIND.path(ns) + "?limit=1", null, 200),
        SETUP, "list " + ns).body().getBytes()).resourceVersion();
    String path = KIND.path(ns) + "?watch=true&resourceVersion=" + rv;
    int connections = Math.min(MAX_CONNECTIONS, n);
    try (WatchClient watchClient = WatchClient.connect(ctx.server(), connections)) {
      List<CompletableFuture<RevisorClient.Watch>> watches = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        int watcher = i;
        watches.add(watchClient.watch(watcher, path, chunk -> deliveries.chunk(watcher, chunk), line -> {
          String[] event = ListBodies.event(line.getBytes());
          deliveries.deliver(watcher, event[0], event[1], revision(event[2]));
        }, end -> deliveries.ended(watcher, end)).toCompletableFuture());
      }
      Context.await(CompletableFuture.allOf(watches.toArray(CompletableFuture[]::new)), SETUP, n + " watches");
      return measure(ctx, "watch " + n + " (revisor)", deliveries, connections,
          name -> WriteScenarios.create(ctx, 0, KIND, ns, name),
          () -> recheck(ctx, path, events),
          watcher -> watches.get(watcher).join().describe(),
          () -> watches.forEach(w -> w.join().close()));
    }
  }

  /** {@code n} jetcd watchers on prefix {@code /bench-raw/watch-<run>/}, {@code events} creates. */
  private static Measurement raw(Context ctx, String run, int n, int events) {
    String prefix = RawEtcd.PREFIX + "watch-" + run + "/";
    Deliveries deliveries = new Deliveries(n, events, "PUT");
    long from = Context.await(ctx.raw().revision(), SETUP, "the revision") + 1;
    List<Watch.Watcher> watchers = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int watcher = i;
      watchers.add(ctx.raw().watch(prefix, from, event -> deliveries.deliver(watcher, event.getEventType().name(),
          event.getKeyValue().getKey().toString(StandardCharsets.UTF_8).substring(prefix.length()),
          event.getKeyValue().getModRevision()),
          failure -> deliveries.ended(watcher, failure)));
    }
    return measure(ctx, "watch " + n + " (raw)", deliveries, 1,
        name -> ctx.raw().create(prefix + name, KIND.body("bench-watch-" + run, name, 0, null)),
        () -> "",
        watcher -> "",
        () -> watchers.forEach(Watch.Watcher::close));
  }

  /**
   * After events went missing, while the watches that miss them are still open: whether a new watch from the same
   * resourceVersion, on a new connection, gets every event, and how many watches the server counts.
   */
  private static String recheck(Context ctx, String path, int events) {
    Deliveries fresh = new Deliveries(1, events, "ADDED");
    long start = System.nanoTime();
    try (WatchClient client = WatchClient.connect(ctx.server(), 1)) {
      RevisorClient.Watch watch = Context.await(client.watch(0, path, chunk -> { }, line -> {
        String[] event = ListBodies.event(line.getBytes());
        fresh.deliver(0, event[0], event[1], revision(event[2]));
      }, end -> fresh.ended(0, end)), SETUP, "a new watch");
      boolean complete = waitFor(fresh::complete, Duration.ofSeconds(30));
      double seconds = (System.nanoTime() - start) / 1e9;
      watch.close();
      String metrics = ctx.serverMetrics(SETUP);
      return String.format(Locale.ROOT, "; a new watch from the same resourceVersion on a new connection received "
          + "%d of %d events (%s %.1f s); the server's apiserver_registered_watchers: %.0f",
          events - fresh.lost(), events, complete ? "all within" : "after", seconds,
          Prometheus.sum(metrics, "apiserver_registered_watchers"));
    } catch (RuntimeException e) {
      return "; the recheck failed: " + e.getMessage();
    }
  }

  /**
   * The probe, the writes at the plan's rate, the wait for every delivery; when events are missing, a failure of the
   * run that says where they are ({@code recheck} adds what it finds); then the watches are closed.
   *
   * @param connections how many connections the watchers are spread over (watcher i on connection i % connections)
   * @param client what the client says of a watcher's stream, for the failure report
   */
  private static Measurement measure(Context ctx, String label, Deliveries deliveries, int connections,
      Writer writer, Supplier<String> recheck, IntFunction<String> client, Runnable close) {
    try {
      Context.await(writer.create(Deliveries.PROBE), SETUP, "the probe write");
      if (!waitFor(deliveries::allProbed, SETUP)) {
        throw new IllegalStateException("only " + deliveries.probedCount() + " watchers saw the probe within "
            + SETUP.toSeconds() + " s; " + deliveries.problems());
      }
      int events = deliveries.events();
      long interval = 1_000_000_000L / ctx.plan().watchRate();
      long start = System.nanoTime();
      List<CompletableFuture<?>> writes = new ArrayList<>();
      IntFunction<CompletionStage<?>> write = i -> writer.create(Deliveries.eventName(i));
      for (int i = 0; i < events; i++) {
        long wait = start + i * interval - System.nanoTime();
        if (wait > 0) {
          LockSupport.parkNanos(wait);
        }
        deliveries.sent(i);
        writes.add(write.apply(i).toCompletableFuture());
      }
      Context.await(CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)), DRAIN, "the writes");
      if (!waitFor(deliveries::complete, DRAIN)) {
        ctx.report().fail(String.format(Locale.ROOT, "%s: %,d events not delivered %d s after the last write: %s%s",
            label, deliveries.lost(), DRAIN.toSeconds(), deliveries.lossReport(connections, client), recheck.get()));
      }
      if (deliveries.duplicates() > 0 || !deliveries.problems().isEmpty()) {
        ctx.report().fail(label + ": " + deliveries.duplicates() + " duplicate events, " + deliveries.outOfOrder()
            + " out of revision order; " + deliveries.problems());
      }
      return deliveries.measurement();
    } finally {
      deliveries.closing();
      close.run();
    }
  }

  /** A resourceVersion as a revision; 0 when there is none. */
  private static long revision(String resourceVersion) {
    return resourceVersion == null ? 0 : Long.parseLong(resourceVersion);
  }

  /** Creates the object {@code name}. */
  @FunctionalInterface
  private interface Writer {
    CompletionStage<?> create(String name);
  }

  private static boolean waitFor(BooleanSupplier condition, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        return false;
      }
      // Deliveries are only observable by looking again.
      LockSupport.parkNanos(Duration.ofMillis(10).toNanos());
    }
    return true;
  }
}
