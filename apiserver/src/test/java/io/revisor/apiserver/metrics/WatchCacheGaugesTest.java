package io.revisor.apiserver.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.revisor.storage.cache.WatchCache;
import io.revisor.storage.cache.WatchCacheOptions;
import io.revisor.storage.kv.KvStore;
import io.revisor.storage.kv.embedded.EmbeddedKvStore;
import io.revisor.storage.kv.embedded.EmbeddedKvStoreOptions;
import io.revisor.storage.resource.Actor;
import io.revisor.storage.resource.ListOptions;
import io.revisor.storage.resource.ResourceStore;
import io.revisor.storage.resource.ResourceStoreOptions;
import io.revisor.storage.resource.ResourceType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The watch cache's gauges: one series per type and metric, read live when scraped. */
class WatchCacheGaugesTest {
  static final ResourceType DASHBOARDS = ResourceType.namespaced("demo.revisor.io", "dashboards");
  static final String OBJECTS = "revisor_watch_cache_objects{group=\"demo.revisor.io\",resource=\"dashboards\"}";

  @TempDir
  Path dir;
  KvStore kv;
  WatchCache cache;
  PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

  @BeforeEach
  void open() {
    kv = EmbeddedKvStore.open(EmbeddedKvStoreOptions.defaults(dir));
    cache = WatchCache.owning(ResourceStore.open(kv, ResourceStoreOptions.builder().keyPrefix("/gauges").build()),
        WatchCacheOptions.defaults());
  }

  @AfterEach
  void close() {
    cache.close();
    kv.close();
  }

  @Test
  void aTypeGetsItsSeriesOnceAndTheyFollowTheCache() throws Exception {
    WatchCacheGauges.register(cache, registry);
    create("a");
    cache.list(DASHBOARDS, ListOptions.inNamespace("ns")).toCompletableFuture().get(10, TimeUnit.SECONDS);
    Awaitility.await().atMost(Duration.ofSeconds(15)).until(() -> registry.scrape().contains(OBJECTS + " 1.0"));

    create("b");
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> registry.scrape().contains(OBJECTS + " 2.0"));
    String scrape = registry.scrape();
    assertThat(scrape.split(java.util.regex.Pattern.quote(OBJECTS), -1)).hasSize(2);
    assertThat(scrape).contains("revisor_watch_cache_object_bytes{group=\"demo.revisor.io\",resource=\"dashboards\"}")
        .contains("revisor_watch_cache_window_events{group=\"demo.revisor.io\",resource=\"dashboards\"}")
        .contains("revisor_watch_cache_watchers{group=\"demo.revisor.io\",resource=\"dashboards\"} 0.0");
  }

  private void create(String name) throws Exception {
    byte[] json = ("{\"kind\":\"Dashboard\",\"metadata\":{\"name\":\"" + name + "\",\"namespace\":\"ns\"}}")
        .getBytes(StandardCharsets.UTF_8);
    cache.create(DASHBOARDS.key("ns", name), json, new Actor("alice")).toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
  }
}
