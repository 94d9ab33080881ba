package io.revisor.apiserver.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.revisor.storage.cache.CacheStats;
import io.revisor.storage.cache.WatchCache;
import io.revisor.storage.resource.ResourceType;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.ToLongFunction;

/**
 * Gauges of the watch cache, per resource type it holds ({@code group}, {@code resource} labels):
 * {@code revisor_watch_cache_objects}, {@code revisor_watch_cache_object_bytes} (the JSON held, each object once),
 * {@code revisor_watch_cache_window_events} and {@code revisor_watch_cache_watchers}. Each is read from memory when
 * scraped; a type's gauges are registered once, within a few seconds of its first list or watch, and never replaced
 * (re-registering rows while a scrape ran could give the scrape one series twice, which fails it as a whole).
 */
public final class WatchCacheGauges {
  private static final long NEW_TYPES_SECONDS = 5;

  private record Metric(String name, String description, String unit, ToLongFunction<CacheStats> value) {}

  private static final List<Metric> METRICS = List.of(
      new Metric("revisor_watch_cache_objects", "Objects held by the watch cache", null, CacheStats::objects),
      new Metric("revisor_watch_cache_object_bytes", "Bytes of object JSON held by the watch cache, each object once",
          "bytes", CacheStats::objectBytes),
      new Metric("revisor_watch_cache_window_events", "Recent changes held for resuming watches", null,
          CacheStats::windowEvents),
      new Metric("revisor_watch_cache_watchers", "Watches served from the watch cache", null, CacheStats::watchers));

  private WatchCacheGauges() {}

  /** Registers the gauges of the types the cache holds, looking for new ones until it is closed (a daemon thread). */
  public static void register(WatchCache cache, MeterRegistry registry) {
    Set<ResourceType> registered = ConcurrentHashMap.newKeySet();
    ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, "revisor-watch-cache-gauges");
      thread.setDaemon(true);
      return thread;
    });
    timer.scheduleWithFixedDelay(() -> {
      if (cache.isClosed()) {
        timer.shutdown();
        return;
      }
      for (CacheStats stats : cache.stats()) {
        if (registered.add(stats.type())) {
          register(cache, registry, stats.type());
        }
      }
    }, 0, NEW_TYPES_SECONDS, TimeUnit.SECONDS);
  }

  private static void register(WatchCache cache, MeterRegistry registry, ResourceType type) {
    Tags tags = Tags.of("group", type.group(), "resource", type.resource());
    for (Metric metric : METRICS) {
      Gauge.builder(metric.name(), cache, c -> c.stats(type).map(metric.value()::applyAsLong).orElse(0L))
          .description(metric.description()).baseUnit(metric.unit()).tags(tags).strongReference(true)
          .register(registry);
    }
  }
}
