package io.revisor.apiserver.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.revisor.storage.resource.ResourceStats;
import io.revisor.storage.resource.ResourceStore;
import io.revisor.storage.resource.ResourceType;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gauges of the live objects of the served kinds: {@code revisor_objects{group,resource}} (how many) and {@code
 * revisor_object_bytes{group,resource}} (their total size as stored), summed over namespaces; per namespace, they
 * carry a {@code namespace} label instead (empty for cluster-scoped kinds), one series per namespace and resource.
 *
 * <p>The figures come from {@link ResourceStore#stats} (exact, from counters), read on a thread of its own once at
 * start and then at a fixed interval, so a scrape only reads numbers. A refresh that fails or takes longer than
 * {@link #REFRESH_TIMEOUT} keeps the last figures and logs one WARN until a refresh succeeds again. Series never
 * disappear: every served kind has its summed series from the start, and a namespace whose objects are all deleted
 * reports 0 (storage keeps its counters). Types in storage that are not served are left out. Thread-safe.
 */
public final class ObjectGauges implements AutoCloseable {
  /** The longest a refresh waits for storage. */
  static final Duration REFRESH_TIMEOUT = Duration.ofSeconds(10);
  private static final Logger LOG = LoggerFactory.getLogger(ObjectGauges.class);

  private final ResourceStore store;
  private final MeterRegistry registry;
  private final boolean perNamespace;
  /** The served types by {@code <resource>.<group>}: stats are matched on names, not on the namespaced bit. */
  private final Map<String, ResourceType> served = new HashMap<>();
  private final ConcurrentMap<Series, Figures> series = new ConcurrentHashMap<>();
  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread thread = new Thread(r, "revisor-object-metrics");
    thread.setDaemon(true);
    return thread;
  });
  private boolean failing;

  private ObjectGauges(ResourceStore store, List<ResourceType> served, MeterRegistry registry, boolean perNamespace) {
    this.store = store;
    this.registry = registry;
    this.perNamespace = perNamespace;
    served.forEach(type -> this.served.put(type.qualifiedName(), type));
    if (!perNamespace) {
      served.forEach(type -> figures(new Series(type, null)));
    }
  }

  /**
   * Registers the gauges in {@code registry} and refreshes them now and every {@code interval} until closed.
   *
   * @param served the served types; others in storage are left out
   * @param perNamespace one series per namespace and resource instead of one per resource
   */
  public static ObjectGauges start(ResourceStore store, List<ResourceType> served, MeterRegistry registry,
      boolean perNamespace, Duration interval) {
    ObjectGauges gauges = new ObjectGauges(store, served, registry, perNamespace);
    gauges.scheduler.scheduleWithFixedDelay(gauges::refresh, 0, interval.toNanos(), TimeUnit.NANOSECONDS);
    return gauges;
  }

  /** Reads the figures from storage once; returns whether that worked (else the last figures stay). */
  synchronized boolean refresh() {
    List<ResourceStats> stats;
    try {
      stats = store.stats(null, null).toCompletableFuture()
          .get(REFRESH_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      if (!failing) {
        failing = true;
        LOG.warn("cannot read object counts from storage, revisor_objects keeps its last figures: {}",
            e instanceof ExecutionException ? e.getCause().toString() : e.toString());
      }
      return false;
    }
    if (failing) {
      failing = false;
      LOG.info("object counts are read from storage again");
    }
    Map<Series, long[]> totals = new HashMap<>();
    series.keySet().forEach(known -> totals.put(known, new long[2]));
    for (ResourceStats entry : stats) {
      ResourceType type = served.get(entry.type().qualifiedName());
      if (type != null) {
        long[] total = totals.computeIfAbsent(new Series(type, perNamespace ? entry.namespace() : null),
            key -> new long[2]);
        total[0] += entry.count();
        total[1] += entry.bytes();
      }
    }
    totals.forEach((key, total) -> {
      Figures figures = figures(key);
      figures.count.set(total[0]);
      figures.bytes.set(total[1]);
    });
    return true;
  }

  private Figures figures(Series key) {
    return series.computeIfAbsent(key, k -> {
      Tags tags = Tags.of("group", k.type().group(), "resource", k.type().resource());
      if (perNamespace) {
        tags = tags.and("namespace", k.namespace());
      }
      Figures figures = new Figures(new AtomicLong(), new AtomicLong());
      Gauge.builder("revisor_objects", figures.count, AtomicLong::get).tags(tags)
          .description("Live objects of a served resource").strongReference(true).register(registry);
      Gauge.builder("revisor_object_bytes", figures.bytes, AtomicLong::get).tags(tags)
          .description("Total size of the live objects of a served resource, as stored").strongReference(true)
          .register(registry);
      return figures;
    });
  }

  /** Stops refreshing; the gauges keep their last figures. */
  @Override
  public void close() {
    scheduler.shutdownNow();
  }

  /** One series: a served type, and a namespace when counted per namespace (else null). */
  private record Series(ResourceType type, String namespace) {}

  private record Figures(AtomicLong count, AtomicLong bytes) {}
}
