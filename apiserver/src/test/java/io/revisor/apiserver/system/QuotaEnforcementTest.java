package io.revisor.apiserver.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.revisor.apiserver.http.ApiException;
import io.revisor.storage.kv.KvStore;
import io.revisor.storage.kv.embedded.EmbeddedKvStore;
import io.revisor.storage.kv.embedded.EmbeddedKvStoreOptions;
import io.revisor.storage.resource.Actor;
import io.revisor.storage.resource.ObjectKey;
import io.revisor.storage.resource.Preconditions;
import io.revisor.storage.resource.ResourceStats;
import io.revisor.storage.resource.ResourceStore;
import io.revisor.storage.resource.ResourceStoreOptions;
import io.revisor.storage.resource.ResourceType;
import io.revisor.storage.resource.RestoreFunction;
import io.revisor.storage.resource.StorageException;
import io.revisor.storage.resource.StoredObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Quota enforcement on a real embedded store: what counts as a create and as growth, restores and rollbacks, and no
 * overshoot on one replica however many creates race.
 */
class QuotaEnforcementTest {
  private static final ResourceType DASHBOARDS = ResourceType.namespaced("demo.revisor.io", "dashboards");
  private static final ResourceType FOLDERS = ResourceType.namespaced("demo.revisor.io", "folders");
  private static final Actor ALICE = new Actor("alice");

  @TempDir Path directory;
  private KvStore kv;
  private ResourceStore raw;
  private ResourceStore store;

  @BeforeEach
  void open() {
    kv = EmbeddedKvStore.open(EmbeddedKvStoreOptions.defaults(directory));
    raw = ResourceStore.open(kv, ResourceStoreOptions.defaults());
    store = new QuotaEnforcement(raw);
  }

  @AfterEach
  void close() {
    store.close();
    kv.close();
  }

  private static <T> T await(java.util.concurrent.CompletionStage<T> stage) {
    try {
      return stage.toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : new CompletionException(e.getCause());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] object(ObjectKey key, String text) {
    return ("{\"metadata\":{\"name\":\"" + key.name() + "\",\"namespace\":\"" + key.namespace()
        + "\"},\"spec\":{\"title\":\"" + text + "\"}}").getBytes(StandardCharsets.UTF_8);
  }

  private void quota(String namespace, String name, String hard) {
    ObjectKey key = StorageQuotas.TYPE.key(namespace, name);
    await(raw.create(key, ("{\"metadata\":{\"name\":\"" + name + "\",\"namespace\":\"" + namespace
        + "\"},\"spec\":{\"hard\":" + hard + "}}").getBytes(StandardCharsets.UTF_8), ALICE));
  }

  private StoredObject create(ObjectKey key, String text) {
    return await(store.create(key, object(key, text), ALICE));
  }

  private static String refusal(Throwable failure) {
    assertThat(failure).isInstanceOf(ApiException.class);
    assertThat(((ApiException) failure).code()).isEqualTo(403);
    return failure.getMessage();
  }

  private ResourceStats stats(ResourceType type, String namespace) {
    List<ResourceStats> all = await(raw.stats(type, namespace));
    return all.isEmpty() ? new ResourceStats(type, namespace, 0, 0, 0) : all.get(0);
  }

  @Test
  void withAWatchCacheWritesReadNoQuotasFromTheStoreAndSeeTheirOwnQuotaWritesAtOnce() {
    java.util.concurrent.atomic.AtomicInteger quotaLists = new java.util.concurrent.atomic.AtomicInteger();
    java.util.concurrent.atomic.AtomicInteger quotaReads = new java.util.concurrent.atomic.AtomicInteger();
    ResourceStore counting = new io.revisor.storage.resource.ForwardingResourceStore(raw) {
      @Override
      public java.util.concurrent.CompletionStage<io.revisor.storage.resource.ListResult> list(
          ResourceType type, io.revisor.storage.resource.ListOptions options) {
        if (type.equals(StorageQuotas.TYPE)) {
          quotaLists.incrementAndGet();
        }
        return super.list(type, options);
      }

      @Override
      public java.util.concurrent.CompletionStage<io.revisor.storage.resource.Freshness> freshness(
          ResourceType type, long sinceRevision) {
        if (type.equals(StorageQuotas.TYPE)) {
          quotaReads.incrementAndGet();
        }
        return super.freshness(type, sinceRevision);
      }
    };
    io.revisor.storage.cache.WatchCache cache = io.revisor.storage.cache.WatchCache.wrap(counting,
        io.revisor.storage.cache.WatchCacheOptions.defaults());
    try {
      ResourceStore cached = new QuotaEnforcement(cache);
      for (int i = 0; i < 20; i++) {
        ObjectKey key = DASHBOARDS.key("a", "d" + i);
        await(cached.create(key, object(key, "x"), ALICE));
      }
      assertThat(quotaLists).as("only the cache's own first list of quotas").hasValue(1);
      // A new embedded store is at revision 0 until the first write: the cache proves itself current once or twice.
      assertThat(quotaReads.get()).as("quota reads of the store in 20 writes").isLessThanOrEqualTo(2);

      ObjectKey quota = StorageQuotas.TYPE.key("a", "full");
      await(cached.create(quota, ("{\"metadata\":{\"name\":\"full\",\"namespace\":\"a\"},\"spec\":{\"hard\":"
          + "{\"count/dashboards.demo.revisor.io\": 20}}}").getBytes(StandardCharsets.UTF_8), ALICE));
      ObjectKey over = DASHBOARDS.key("a", "over");
      assertThat(refusal(catchThrowable(() -> await(cached.create(over, object(over, "x"), ALICE)))))
          .as("the quota just written applies to the next write").contains("exceeded quota: full");

      await(cached.delete(quota, Preconditions.NONE, null, ALICE));
      await(cached.create(over, object(over, "x"), ALICE));
      assertThat(quotaLists).hasValue(1);
    } finally {
      cache.close();
    }
  }

  @Test
  void aCreateAddsOneObjectAndItsBytes() {
    quota("a", "two", "{\"count/dashboards.demo.revisor.io\": 2}");
    create(DASHBOARDS.key("a", "d1"), "x");
    create(DASHBOARDS.key("a", "d2"), "x");
    create(FOLDERS.key("a", "f1"), "other resources are not limited");
    create(DASHBOARDS.key("b", "d1"), "other namespaces are not limited");

    assertThat(refusal(catchThrowable(() -> create(DASHBOARDS.key("a", "d3"), "x")))).isEqualTo(
        "dashboards.demo.revisor.io \"d3\" is forbidden: exceeded quota: two, requested: "
            + "count/dashboards.demo.revisor.io=1, used: count/dashboards.demo.revisor.io=2, limited: "
            + "count/dashboards.demo.revisor.io=2");
    assertThat(stats(DASHBOARDS, "a").count()).as("the refused create wrote nothing").isEqualTo(2);

    await(store.delete(DASHBOARDS.key("a", "d1"), Preconditions.NONE, null, ALICE));
    create(DASHBOARDS.key("a", "d3"), "x");
  }

  @Test
  void bytesCountTheStoredFormOfTheNewObject() {
    ObjectKey first = DASHBOARDS.key("a", "d1");
    create(first, "x");
    long used = stats(DASHBOARDS, "a").bytes();
    ObjectKey second = DASHBOARDS.key("a", "d2");
    long size = ResourceStats.storedSize(second, object(second, "x"));
    quota("a", "bytes", "{\"bytes/dashboards.demo.revisor.io\": " + (used + size - 1) + "}");

    assertThat(refusal(catchThrowable(() -> create(second, "x")))).isEqualTo(
        "dashboards.demo.revisor.io \"d2\" is forbidden: exceeded quota: bytes, requested: "
            + "bytes/dashboards.demo.revisor.io=" + size + ", used: bytes/dashboards.demo.revisor.io=" + used
            + ", limited: bytes/dashboards.demo.revisor.io=" + (used + size - 1));
    ObjectKey shorter = DASHBOARDS.key("a", "d");
    create(shorter, "x");
    assertThat(stats(DASHBOARDS, "a").bytes()).as("exactly at the limit").isEqualTo(used + size - 1);
  }

  @Test
  void anUpdateIsCheckedOnlyWhenItGrows() {
    ObjectKey key = DASHBOARDS.key("a", "d1");
    create(key, "12345");
    long used = stats(DASHBOARDS, "a").bytes();
    quota("a", "bytes", "{\"bytes/dashboards.demo.revisor.io\": " + (used + 3) + ", "
        + "\"count/dashboards.demo.revisor.io\": 1}");

    await(store.update(key, Preconditions.NONE, current -> object(key, "12345678"), ALICE));
    Throwable grown = catchThrowable(() -> await(store.update(key, Preconditions.NONE,
        current -> object(key, "123456789"), ALICE)));
    assertThat(refusal(grown)).isEqualTo("dashboards.demo.revisor.io \"d1\" is forbidden: exceeded quota: bytes, "
        + "requested: bytes/dashboards.demo.revisor.io=1, used: bytes/dashboards.demo.revisor.io=" + (used + 3)
        + ", limited: bytes/dashboards.demo.revisor.io=" + (used + 3));
    await(store.update(key, Preconditions.NONE, current -> object(key, "1"), ALICE));
    assertThat(stats(DASHBOARDS, "a").bytes()).isEqualTo(used - 4);
  }

  @Test
  void aShrinkingUpdatePassesOverALoweredLimit() {
    ObjectKey key = DASHBOARDS.key("a", "d1");
    create(key, "1234567890");
    create(DASHBOARDS.key("a", "d2"), "x");
    quota("a", "lowered", "{\"bytes/dashboards.demo.revisor.io\": 1, \"count/dashboards.demo.revisor.io\": 1}");

    await(store.update(key, Preconditions.NONE, current -> object(key, "1"), ALICE));
    await(store.delete(DASHBOARDS.key("a", "d2"), Preconditions.NONE, null, ALICE));
    assertThat(stats(DASHBOARDS, "a").count()).isEqualTo(1);
  }

  @Test
  void restoringADeletedObjectIsACreateAndARollbackIsAnUpdate() {
    ObjectKey key = DASHBOARDS.key("a", "d1");
    StoredObject small = create(key, "1");
    await(store.update(key, Preconditions.NONE, current -> object(key, "1234567890"), ALICE));
    await(store.delete(key, Preconditions.NONE, null, ALICE));
    create(DASHBOARDS.key("a", "d2"), "x");
    quota("a", "one", "{\"count/dashboards.demo.revisor.io\": 1}");

    Throwable restored = catchThrowable(() -> await(store.restore(key, 0, Preconditions.NONE,
        RestoreFunction.IDENTITY, ALICE)));
    assertThat(refusal(restored)).isEqualTo("dashboards.demo.revisor.io \"d1\" is forbidden: exceeded quota: one, "
        + "requested: count/dashboards.demo.revisor.io=1, used: count/dashboards.demo.revisor.io=1, limited: "
        + "count/dashboards.demo.revisor.io=1");

    await(store.delete(DASHBOARDS.key("a", "d2"), Preconditions.NONE, null, ALICE));
    StoredObject back = await(store.restore(key, 0, Preconditions.NONE, RestoreFunction.IDENTITY, ALICE));
    long used = stats(DASHBOARDS, "a").bytes();
    quota("a", "bytes", "{\"bytes/dashboards.demo.revisor.io\": " + (used - 1) + "}");

    assertThat(await(store.restore(key, small.resourceVersion(), Preconditions.NONE, RestoreFunction.IDENTITY,
        ALICE)).resourceVersion()).as("rolling back to a smaller version").isGreaterThan(back.resourceVersion());
    Throwable rolledForward = catchThrowable(() -> await(store.restore(key, back.resourceVersion(),
        Preconditions.NONE, RestoreFunction.IDENTITY, ALICE)));
    assertThat(refusal(rolledForward)).isEqualTo("dashboards.demo.revisor.io \"d1\" is forbidden: exceeded quota: "
        + "bytes, requested: bytes/dashboards.demo.revisor.io=9, used: bytes/dashboards.demo.revisor.io=" + (used - 9)
        + ", limited: bytes/dashboards.demo.revisor.io=" + (used - 1));
  }

  @Test
  void racingCreatesNeverOvershootOnOneReplica() {
    quota("a", "ten", "{\"count/dashboards.demo.revisor.io\": 10}");
    List<CompletableFuture<StoredObject>> creates = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      ObjectKey key = DASHBOARDS.key("a", "d" + i);
      creates.add(store.create(key, object(key, "x"), ALICE).toCompletableFuture());
    }
    long created = creates.stream().filter(c -> {
      try {
        c.get(30, TimeUnit.SECONDS);
        return true;
      } catch (java.util.concurrent.ExecutionException e) {
        assertThat(e.getCause()).isInstanceOf(ApiException.class);
        return false;
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }).count();
    assertThat(created).isEqualTo(10);
    assertThat(stats(DASHBOARDS, "a").count()).isEqualTo(10);
  }

  @Test
  void revisorKindsAndInvalidQuotaEntriesAreNotEnforced() {
    quota("a", "odd", "{\"count/dashboards.demo.revisor.io\": \"lots\", \"count/storagequotas.revisor.io\": 0}");
    create(DASHBOARDS.key("a", "d1"), "x");
    ObjectKey another = StorageQuotas.TYPE.key("a", "another");
    await(store.create(another, ("{\"metadata\":{\"name\":\"another\"},\"spec\":{\"hard\":{}}}")
        .getBytes(StandardCharsets.UTF_8), ALICE));
    assertThat(stats(StorageQuotas.TYPE, "a").count()).isEqualTo(2);
    assertThat(catchThrowable(() -> create(DASHBOARDS.key("a", "d1"), "x")))
        .isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.getMessage()).contains("already exists"));
  }
}
