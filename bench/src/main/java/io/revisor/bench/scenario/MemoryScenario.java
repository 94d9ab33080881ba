package io.revisor.bench.scenario;

import io.revisor.bench.client.Objects1k;
import io.revisor.bench.load.ClosedLoop;
import io.revisor.bench.load.Measurement;
import io.revisor.bench.report.Ids;
import io.revisor.bench.report.Row;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Scenario 5: the server's heap per cached object. A kind nothing else writes (Folders, so that only these objects
 * are new to a per-kind cache) is listed once while empty, the server's live heap is measured
 * ({@code jcmd GC.class_histogram}, after a full collection), N 1 KiB objects are created at concurrency 64 and
 * listed once (RV=0), and the live heap is measured again: the difference divided by N is the heap each object
 * retains. The raw side is the object's size; the ratio is heap per object over object size.
 */
public final class MemoryScenario {
  private static final Objects1k KIND = Objects1k.FOLDER;
  private static final String NAMESPACE = "bench-memory";
  private static final String METRIC_PREFIX = "revisor_watch_cache";
  private static final Duration LIST_TIMEOUT = Duration.ofMinutes(5);

  private MemoryScenario() {}

  public static void run(Context ctx) {
    int n = ctx.plan().memoryObjects();
    String list = KIND.path(NAMESPACE) + "?resourceVersion=0";
    Context.await(ctx.client().consume(0, list), LIST_TIMEOUT, "the empty list");
    long before = ctx.server().liveHeapBytes();
    Run run = ctx.run(() -> ClosedLoop.run(64, n, Duration.ofMinutes(10),
        (w, i) -> WriteScenarios.create(ctx, w, KIND, NAMESPACE, WriteScenarios.name(i))));
    Measurement creates = run.measurement();
    long bytes = Context.await(ctx.client().consume(0, list), LIST_TIMEOUT, "the list of " + n);
    long after = ctx.server().liveHeapBytes();
    List<String> metrics = watchCacheMetrics(ctx);
    ctx.report().watchCacheMetrics(metrics);

    double perObject = (double) (after - before) / creates.ops();
    String note = String.format(Locale.ROOT, "live heap %,.1f -> %,.1f MiB = %,.0f B/object (list RV=0: %,.1f MiB); "
        + "creates c=64: ", before / 1048576.0, after / 1048576.0, perObject, bytes / 1048576.0);
    String scenario = "memory " + String.format(Locale.ROOT, "%,d", n) + " x 1 KiB";
    ctx.report().add(ctx.row(Ids.of(Ids.MEMORY, Row.REVISOR), scenario, Row.REVISOR, run, perObject / Objects1k.SIZE,
            note)
        .with(Ids.HEAP_PER_OBJECT, perObject)
        .with(Ids.WATCH_CACHE_PRESENT, metrics.isEmpty() ? 0 : 1));
    ctx.report().add(new Row(Ids.of(Ids.MEMORY, Row.RAW), scenario, Row.RAW, null, null, null, null,
        "object size " + Objects1k.SIZE + " B (ratio: heap/object over this)", Map.of()));
    ctx.log().printf(Locale.ROOT, "  heap per object %,.0f B (%.2fx the object's size)%n", perObject,
        perObject / Objects1k.SIZE);
    ctx.log().println("  " + METRIC_PREFIX + "* metrics: " + (metrics.isEmpty() ? "n/a" : ""));
    metrics.forEach(m -> ctx.log().println("    " + m));
  }

  /** The lines of the server's {@code /metrics} whose metric name starts with {@code revisor_watch_cache}. */
  private static List<String> watchCacheMetrics(Context ctx) {
    return ctx.serverMetrics(LIST_TIMEOUT).lines().filter(l -> l.startsWith(METRIC_PREFIX)).toList();
  }
}
