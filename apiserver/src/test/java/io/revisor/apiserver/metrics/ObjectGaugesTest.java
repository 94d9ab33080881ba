package io.revisor.apiserver.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.revisor.storage.kv.KvStore;
import io.revisor.storage.kv.embedded.EmbeddedKvStore;
import io.revisor.storage.kv.embedded.EmbeddedKvStoreOptions;
import io.revisor.storage.resource.Actor;
import io.revisor.storage.resource.ObjectKey;
import io.revisor.storage.resource.Preconditions;
import io.revisor.storage.resource.ResourceStore;
import io.revisor.storage.resource.ResourceStoreOptions;
import io.revisor.storage.resource.ResourceType;
import io.revisor.storage.resource.StorageErrorCode;
import io.revisor.storage.resource.StorageException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The live-object gauges on an embedded store: exact figures, summed or per namespace, and failed refreshes. */
class ObjectGaugesTest {
  static final ResourceType DASHBOARDS = ResourceType.namespaced("demo.revisor.io", "dashboards");
  static final ResourceType FOLDERS = ResourceType.namespaced("demo.revisor.io", "folders");
  static final ResourceType ORGANIZATIONS = ResourceType.clusterScoped("demo.revisor.io", "organizations");
  static final ResourceType NOT_SERVED = ResourceType.namespaced("example.com", "widgets");
  static final List<ResourceType> SERVED = List.of(DASHBOARDS, FOLDERS, ORGANIZATIONS);

  @TempDir
  Path dir;
  KvStore kv;
  ResourceStore store;
  SimpleMeterRegistry registry = new SimpleMeterRegistry();
  ObjectGauges gauges;

  @BeforeEach
  void open() {
    kv = EmbeddedKvStore.open(EmbeddedKvStoreOptions.defaults(dir));
    store = ResourceStore.open(kv, ResourceStoreOptions.builder().keyPrefix("/gauges").build());
  }

  @AfterEach
  void close() {
    if (gauges != null) {
      gauges.close();
    }
    store.close();
    kv.close();
  }

  /** Creates an object; returns its size as stored (the compact JSON written, which has no resourceVersion). */
  long create(ResourceType type, String namespace, String name) throws Exception {
    String metadata = type.namespaced()
        ? "{\"name\":\"" + name + "\",\"namespace\":\"" + namespace + "\"}" : "{\"name\":\"" + name + "\"}";
    byte[] json = ("{\"kind\":\"Thing\",\"metadata\":" + metadata + ",\"spec\":{\"title\":\"" + name.repeat(3)
        + "\"}}").getBytes(StandardCharsets.UTF_8);
    store.create(type.key(namespace, name), json, new Actor("alice")).toCompletableFuture().get(10, TimeUnit.SECONDS);
    return json.length;
  }

  void delete(ObjectKey key) throws Exception {
    store.delete(key, Preconditions.NONE, null, new Actor("alice")).toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  /** The sizes of what {@link #createSample()} stored, by namespace. */
  record Sample(long teamA, long teamB, long organization) {}

  /** Two dashboards in team-a, one in team-b, an organization, and an object of a kind that is not served. */
  Sample createSample() throws Exception {
    long teamA = create(DASHBOARDS, "team-a", "one") + create(DASHBOARDS, "team-a", "two");
    long teamB = create(DASHBOARDS, "team-b", "three");
    long organization = create(ORGANIZATIONS, null, "acme");
    create(NOT_SERVED, "team-a", "w");
    return new Sample(teamA, teamB, organization);
  }

  /** The value of one series, found by all of its labels; fails when there is no such series. */
  double value(String name, String... tags) {
    Gauge gauge = registry.find(name).tags(tags).gauge();
    assertThat(gauge).as(name + " " + List.of(tags)).isNotNull();
    assertThat(gauge.getId().getTags()).hasSize(tags.length / 2);
    return gauge.value();
  }

  @Test
  void summedOverNamespacesByDefault() throws Exception {
    Sample sample = createSample();
    gauges = ObjectGauges.start(store, SERVED, registry, false, Duration.ofHours(1));

    assertThat(gauges.refresh()).isTrue();

    assertThat(value("revisor_objects", "group", "demo.revisor.io", "resource", "dashboards")).isEqualTo(3);
    assertThat(value("revisor_object_bytes", "group", "demo.revisor.io", "resource", "dashboards"))
        .isEqualTo(sample.teamA() + sample.teamB());
    assertThat(value("revisor_objects", "group", "demo.revisor.io", "resource", "organizations")).isEqualTo(1);
    assertThat(value("revisor_object_bytes", "group", "demo.revisor.io", "resource", "organizations"))
        .isEqualTo(sample.organization());
    assertThat(value("revisor_objects", "group", "demo.revisor.io", "resource", "folders"))
        .as("a served kind without objects").isZero();
    assertThat(registry.find("revisor_objects").tag("group", "example.com").gauges()).as("not served").isEmpty();
  }

  @Test
  void perNamespaceSeriesWithTheNamespaceLabel() throws Exception {
    Sample sample = createSample();
    gauges = ObjectGauges.start(store, SERVED, registry, true, Duration.ofHours(1));

    assertThat(gauges.refresh()).isTrue();

    assertThat(value("revisor_objects", "group", "demo.revisor.io", "resource", "dashboards", "namespace", "team-a"))
        .isEqualTo(2);
    assertThat(value("revisor_object_bytes", "group", "demo.revisor.io", "resource", "dashboards",
        "namespace", "team-a")).isEqualTo(sample.teamA());
    assertThat(value("revisor_objects", "group", "demo.revisor.io", "resource", "dashboards", "namespace", "team-b"))
        .isEqualTo(1);
    assertThat(value("revisor_object_bytes", "group", "demo.revisor.io", "resource", "dashboards",
        "namespace", "team-b")).isEqualTo(sample.teamB());
    assertThat(value("revisor_objects", "group", "demo.revisor.io", "resource", "organizations", "namespace", ""))
        .isEqualTo(1);
    assertThat(value("revisor_object_bytes", "group", "demo.revisor.io", "resource", "organizations",
        "namespace", "")).isEqualTo(sample.organization());
    assertThat(registry.find("revisor_objects").gauges()).as("no folders, nothing not served").hasSize(3);
  }

  @Test
  void aNamespaceWithoutObjectsGoesToZero() throws Exception {
    create(DASHBOARDS, "team-a", "one");
    create(DASHBOARDS, "team-b", "two");
    gauges = ObjectGauges.start(store, SERVED, registry, true, Duration.ofHours(1));
    assertThat(gauges.refresh()).isTrue();

    delete(DASHBOARDS.key("team-b", "two"));
    assertThat(gauges.refresh()).isTrue();

    assertThat(value("revisor_objects", "group", "demo.revisor.io", "resource", "dashboards", "namespace", "team-b"))
        .isZero();
    assertThat(value("revisor_object_bytes", "group", "demo.revisor.io", "resource", "dashboards",
        "namespace", "team-b")).isZero();
    assertThat(value("revisor_objects", "group", "demo.revisor.io", "resource", "dashboards", "namespace", "team-a"))
        .isEqualTo(1);
  }

  @Test
  void refreshedAtStartWithoutBeingAsked() throws Exception {
    create(DASHBOARDS, "team-a", "one");
    gauges = ObjectGauges.start(store, SERVED, registry, false, Duration.ofHours(1));

    Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(value("revisor_objects", "group", "demo.revisor.io", "resource", "dashboards")).isEqualTo(1));
  }

  @Test
  void aFailedRefreshKeepsTheLastFigures() throws Exception {
    create(DASHBOARDS, "team-a", "one");
    AtomicBoolean down = new AtomicBoolean();
    AtomicInteger reads = new AtomicInteger();
    ResourceStore flaky = (ResourceStore) Proxy.newProxyInstance(getClass().getClassLoader(),
        new Class<?>[] {ResourceStore.class}, (proxy, method, args) -> {
          if (method.getName().equals("stats")) {
            reads.incrementAndGet();
            if (down.get()) {
              return CompletableFuture.failedFuture(
                  new StorageException(StorageErrorCode.UNAVAILABLE, "etcd is down"));
            }
          }
          try {
            return method.invoke(store, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        });
    gauges = ObjectGauges.start(flaky, SERVED, registry, false, Duration.ofHours(1));
    // The refresh at start runs on the gauges' own thread; once it has begun, refresh() waits for it to end. Had it
    // run after the second create, it would have counted two before storage went down.
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> reads.get() > 0);
    assertThat(gauges.refresh()).isTrue();
    create(DASHBOARDS, "team-a", "two");
    down.set(true);

    assertThat(gauges.refresh()).isFalse();
    assertThat(gauges.refresh()).isFalse();
    assertThat(value("revisor_objects", "group", "demo.revisor.io", "resource", "dashboards")).isEqualTo(1);

    down.set(false);
    assertThat(gauges.refresh()).isTrue();
    assertThat(value("revisor_objects", "group", "demo.revisor.io", "resource", "dashboards")).isEqualTo(2);
  }
}
