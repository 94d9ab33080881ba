package io.revisor.apiserver.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.revisor.storage.cache.CacheStats;
import io.revisor.storage.cache.WatchCache;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.ToLongFunction;
import java.util.stream.Collectors;

/**
 * Gauges of the watch cache, per resource type it holds ({@code group}, {@code resource} labels):
 * {@code revisor_watch_cache_objects}, {@code revisor_watch_cache_object_bytes} (the JSON held, each object once),
 * {@code revisor_watch_cache_window_events} and {@code revisor_watch_cache_watchers}. Read from memory every few
 * seconds until the cache closes; a type appears with its first list or watch.
 */
public final class WatchCacheGauges {
  private static final long REFRESH_SECONDS = 5;

  private WatchCacheGauges() {}

  /** Registers the gauges and refreshes them until the cache is closed (a daemon thread). */
  public static void register(WatchCache cache, MeterRegistry registry) {
    List<Metric> metrics = List.of(
        new Metric(MultiGauge.builder("revisor_watch_cache_objects")
            .description("Objects held by the watch cache").register(registry), CacheStats::objects),
        new Metric(MultiGauge.builder("revisor_watch_cache_object_bytes").baseUnit("bytes")
            .description("Bytes of object JSON held by the watch cache, each object once").register(registry),
            CacheStats::objectBytes),
        new Metric(MultiGauge.builder("revisor_watch_cache_window_events")
            .description("Recent changes held for resuming watches").register(registry), CacheStats::windowEvents),
        new Metric(MultiGauge.builder("revisor_watch_cache_watchers")
            .description("Watches served from the watch cache").register(registry), CacheStats::watchers));
    ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, "revisor-watch-cache-gauges");
      thread.setDaemon(true);
      return thread;
    });
    timer.scheduleWithFixedDelay(() -> {
      if (cache.isClosed()) {
        timer.shutdown();
      } else {
        refresh(cache, metrics);
      }
    }, 0, REFRESH_SECONDS, TimeUnit.SECONDS);
  }

  private record Metric(MultiGauge gauge, ToLongFunction<CacheStats> value) {}

  static void refresh(WatchCache cache, List<Metric> metrics) {
    // One row per type: a type whose cache is being replaced (after it lost its store watch) may be listed twice,
    // and a scrape with the same labels twice fails as a whole.
    Collection<CacheStats> stats = cache.stats().stream()
        .collect(Collectors.toMap(CacheStats::type, s -> s, (first, second) -> first, LinkedHashMap::new)).values();
    for (Metric metric : metrics) {
      metric.gauge().register(stats.stream()
          .map(s -> MultiGauge.Row.of(Tags.of("group", s.type().group(), "resource", s.type().resource()),
              metric.value().applyAsLong(s)))
          .toList(), true);
    }
  }
}
