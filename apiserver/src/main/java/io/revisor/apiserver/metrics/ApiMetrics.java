package io.revisor.apiserver.metrics;

import com.github.benmanes.caffeine.cache.Cache;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The server's Prometheus metrics, with kube-apiserver's names where one exists:
 * {@code apiserver_request_total{verb,group,resource,code}}, {@code apiserver_request_duration_seconds} (histogram by
 * verb, group and resource), {@code apiserver_current_inflight_requests{request_kind}}, {@code
 * apiserver_registered_watchers{group,resource}}, and {@code revisor_storage_request_duration_seconds{operation}};
 * plus JVM metrics, and the live objects that {@link ObjectGauges} registers here. Thread-safe.
 */
public final class ApiMetrics {
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final AtomicInteger readOnlyInflight = new AtomicInteger();
  private final AtomicInteger mutatingInflight = new AtomicInteger();
  private final ConcurrentMap<String, AtomicInteger> watchers = new ConcurrentHashMap<>();

  /*
   * Meters by their labels, looked up once: registering a meter per request would build and hash its id each time.
   * The label values are bounded by the served resources, verbs and status codes.
   */
  private final ConcurrentMap<RequestSeries, Counter> requestCounts = new ConcurrentHashMap<>();
  private final ConcurrentMap<RequestSeries, Timer> requestDurations = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, Timer> storageDurations = new ConcurrentHashMap<>();

  /** The labels of one request series; {@code code} 0 for the duration histogram, which has none. */
  private record RequestSeries(String verb, String group, String resource, int code) {}

  public ApiMetrics() {
    registry.gauge("apiserver_current_inflight_requests",
        io.micrometer.core.instrument.Tags.of("request_kind", "readOnly"), readOnlyInflight);
    registry.gauge("apiserver_current_inflight_requests",
        io.micrometer.core.instrument.Tags.of("request_kind", "mutating"), mutatingInflight);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmGcMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
  }

  /** The registry, for binders (e.g. caches) and tests. */
  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /**
   * Reports a cache built with {@code recordStats()} as Caffeine's {@code cache_*} series with the label {@code
   * cache=<name>}: gets by result (hit, miss), puts, size, evictions and their weight.
   */
  public void cache(String name, Cache<?, ?> cache) {
    CaffeineCacheMetrics.monitor(registry, cache, name);
  }

  /** The Prometheus text exposition. */
  public String scrape() {
    return registry.scrape();
  }

  /** Counts a request in flight until the returned handle is called. */
  public Runnable inflight(boolean mutating) {
    AtomicInteger gauge = mutating ? mutatingInflight : readOnlyInflight;
    gauge.incrementAndGet();
    return gauge::decrementAndGet;
  }

  /** Records a finished request. */
  public void request(String verb, String group, String resource, int code, Duration elapsed) {
    requestCounts.computeIfAbsent(new RequestSeries(verb, group, resource, code), series -> Counter
        .builder("apiserver_request_total")
        .tags("verb", verb, "group", group, "resource", resource, "code", Integer.toString(code))
        .register(registry)).increment();
    if (!verb.equals("WATCH")) {
      requestDurations.computeIfAbsent(new RequestSeries(verb, group, resource, 0), series -> Timer
          .builder("apiserver_request_duration_seconds")
          .tags("verb", verb, "group", group, "resource", resource)
          .publishPercentileHistogram()
          .minimumExpectedValue(Duration.ofMillis(1))
          .maximumExpectedValue(Duration.ofSeconds(60))
          .register(registry)).record(elapsed);
    }
  }

  /** Records one storage call. */
  public void storage(String operation, Duration elapsed) {
    storageDurations.computeIfAbsent(operation, op -> Timer.builder("revisor_storage_request_duration_seconds")
        .tags("operation", op)
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(1))
        .maximumExpectedValue(Duration.ofSeconds(30))
        .register(registry)).record(elapsed);
  }

  /** Counts an open watch of {@code group}/{@code resource} until the returned handle is called. */
  public Runnable watcher(String group, String resource) {
    AtomicInteger gauge = watchers.computeIfAbsent(group + "/" + resource, key -> {
      AtomicInteger counter = new AtomicInteger();
      registry.gauge("apiserver_registered_watchers",
          io.micrometer.core.instrument.Tags.of("group", group, "resource", resource), counter);
      return counter;
    });
    gauge.incrementAndGet();
    return gauge::decrementAndGet;
  }
}
