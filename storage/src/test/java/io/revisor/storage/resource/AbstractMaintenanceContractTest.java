package io.revisor.storage.resource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.revisor.storage.kv.KeyRange;
import io.revisor.storage.kv.KvErrorCode;
import io.revisor.storage.kv.KvException;
import io.revisor.storage.kv.KvStore;
import io.revisor.storage.kv.RangeRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Random;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract of {@link Maintenance} (compaction, retention, chunk collection), run against every KV backend.
 * Each test works under its own key prefix, so tests sharing one backend do not see each other's keys; compaction
 * is global to a backend, so tests only assert about revisions they created.
 */
public abstract class AbstractMaintenanceContractTest {
  private static final AtomicInteger PREFIXES = new AtomicInteger();
  private static final ResourceType DASHBOARDS = ResourceType.namespaced("demo.revisor.io", "dashboards");
  private static final Actor ALICE = new Actor("alice");

  protected KvStore kv;
  private ResourceStore store;
  private String prefix;
  private MutableClock clock;

  /** A client of the backend under test; called before every test. */
  protected abstract KvStore newKvStore() throws Exception;

  @BeforeEach
  void open() throws Exception {
    kv = newKvStore();
    prefix = "/maint" + PREFIXES.incrementAndGet() + "-" + System.nanoTime();
    clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    store = ResourceStore.open(kv, ResourceStoreOptions.builder().keyPrefix(prefix).clock(clock)
        .inlineLimit(64 * 1024).chunkSize(64 * 1024).build());
  }

  @AfterEach
  void close() {
    store.close();
    kv.close();
  }

  private MaintenanceOptions options(String holder, RetentionPolicy policy) {
    return MaintenanceOptions.defaults(prefix).withClock(clock).withHolderId(holder)
        .withIntervals(Duration.ZERO, Duration.ZERO).withRetention(type -> policy);
  }

  private static <T> T await(CompletionStage<T> stage) {
    try {
      return stage.toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw StorageException.from(e.getCause() != null ? e.getCause() : e);
    }
  }

  private static byte[] dashboard(String name, String spec) {
    return ("{\"apiVersion\":\"demo.revisor.io/v1\",\"kind\":\"Dashboard\",\"metadata\":{\"name\":\"" + name
        + "\",\"namespace\":\"team-a\"},\"spec\":{\"title\":\"" + spec + "\"}}").getBytes(StandardCharsets.UTF_8);
  }

  private static String title(StoredObject object) {
    String json = new String(object.json(), StandardCharsets.UTF_8);
    return json.substring(json.indexOf("\"title\":\"") + 9, json.lastIndexOf('"'));
  }

  private long createWithUpdates(ObjectKey key, int updates) {
    await(store.create(key, dashboard(key.name(), "v0"), ALICE));
    return updateTitles(key, 1, updates);
  }

  @Test
  void compactionCompactsToTheRevisionRecordedOneCycleEarlier() {
    ObjectKey key = DASHBOARDS.key("team-a", "home");
    long created = await(store.create(key, dashboard("home", "v0"), ALICE)).resourceVersion();
    Maintenance maintenance = Maintenance.manual(kv, options("a", RetentionPolicy.KEEP_ALL));

    assertThat(maintenance.compactOnce()).as("the first cycle only records a revision").isZero();
    long updated = await(store.update(key, Preconditions.NONE, c -> dashboard("home", "v1"), ALICE))
        .resourceVersion();
    long compactedTo = maintenance.compactOnce();

    assertThat(compactedTo).isGreaterThan(created).isLessThan(updated);
    assertThatThrownBy(() -> await(kv.range(RangeRequest.of(KeyRange.prefix(prefix)).atRevision(created))))
        .satisfies(e -> assertThat(KvException.unwrap(e).code()).isEqualTo(KvErrorCode.COMPACTED));
    assertThat(title(await(store.get(key, created)))).as("history outlives compaction").isEqualTo("v0");
  }

  @Test
  void onlyOneReplicaCompactsPerCycle() {
    Maintenance a = Maintenance.manual(kv, options("a", RetentionPolicy.KEEP_ALL));
    Maintenance b = Maintenance.manual(kv, options("b", RetentionPolicy.KEEP_ALL));
    assertThat(a.compactOnce()).isZero();
    assertThat(b.compactOnce()).as("b lost the compare-and-swap of this cycle").isZero();
    await(store.create(DASHBOARDS.key("team-a", "x"), dashboard("x", "v"), ALICE));
    // Both now know the key's version; whoever runs first wins the next cycle, the other loses it.
    long first = b.compactOnce();
    long second = a.compactOnce();
    assertThat(first == 0 || second == 0).isTrue();
  }

  @Test
  void retentionKeepsTheLastVersionsAndRaisesTheFloor() {
    ObjectKey key = DASHBOARDS.key("team-a", "home");
    long first = await(store.create(key, dashboard("home", "v0"), ALICE)).resourceVersion();
    long last = updateTitles(key, 1, 5);
    Maintenance maintenance = Maintenance.manual(kv, options("a", new RetentionPolicy(2, null, null)));

    Maintenance.PruneReport report = maintenance.pruneOnce();

    assertThat(report.leader()).isTrue();
    assertThat(report.versionsDeleted()).isEqualTo(3);
    HistoryPage history = await(store.history(key, 0, null));
    assertThat(history.entries()).extracting(e -> title(e.object())).containsExactly("v5", "v4", "v3");
    assertThat(title(await(store.get(key, last)))).isEqualTo("v5");
    long compacted = await(kv.currentRevision());
    await(kv.compact(compacted));
    assertThatThrownBy(() -> await(store.get(key, first)))
        .isInstanceOfSatisfying(StorageException.class,
            e -> assertThat(e.code()).isEqualTo(StorageErrorCode.COMPACTED));
    assertThatThrownBy(() -> await(store.list(DASHBOARDS, ListOptions.all().atRevision(first))))
        .isInstanceOfSatisfying(StorageException.class,
            e -> assertThat(e.code()).isEqualTo(StorageErrorCode.COMPACTED));
    long retained = history.entries().get(2).resourceVersion();
    assertThat(title(await(store.get(key, retained)))).isEqualTo("v3");
  }

  /** Updates {@code key} to titles v{from}..v{to}; returns the last resourceVersion. */
  private long updateTitles(ObjectKey key, int from, int to) {
    long rv = 0;
    for (int i = from; i <= to; i++) {
      String title = "v" + i;
      rv = await(store.update(key, Preconditions.NONE, current -> dashboard(key.name(), title), ALICE))
          .resourceVersion();
    }
    return rv;
  }

  @Test
  void retentionDropsVersionsOlderThanTheMaximumAge() {
    ObjectKey key = DASHBOARDS.key("team-a", "home");
    createWithUpdates(key, 2);
    clock.advance(Duration.ofDays(10));
    updateTitles(key, 3, 3);
    Maintenance maintenance = Maintenance.manual(kv, options("a", new RetentionPolicy(0, Duration.ofDays(7), null)));

    assertThat(maintenance.pruneOnce().versionsDeleted()).as("v0 and v1 ended ten days ago").isEqualTo(2);
    assertThat(await(store.history(key, 0, null)).entries()).extracting(e -> title(e.object()))
        .containsExactly("v3", "v2");
  }

  @Test
  void expiredTrashIsEmptied() {
    ObjectKey old = DASHBOARDS.key("team-a", "old");
    ObjectKey recent = DASHBOARDS.key("team-a", "recent");
    await(store.create(old, dashboard("old", "v0"), ALICE));
    await(store.delete(old, Preconditions.NONE, null, ALICE));
    clock.advance(Duration.ofDays(31));
    await(store.create(recent, dashboard("recent", "v0"), ALICE));
    await(store.delete(recent, Preconditions.NONE, null, ALICE));
    Maintenance maintenance = Maintenance.manual(kv, options("a", new RetentionPolicy(0, null, Duration.ofDays(30))));

    assertThat(maintenance.pruneOnce().trashDeleted()).isEqualTo(1);
    assertThat(await(store.trash(DASHBOARDS, null, 0, null)).entries()).extracting(e -> e.key().name())
        .containsExactly("recent");
    assertThatThrownBy(() -> await(store.restore(old, 0, Preconditions.NONE, RestoreFunction.IDENTITY, ALICE)))
        .isInstanceOfSatisfying(StorageException.class,
            e -> assertThat(e.code()).isEqualTo(StorageErrorCode.NOT_FOUND));
  }

  @Test
  void oneReplicaPrunesWhileItHoldsTheLease() {
    await(store.create(DASHBOARDS.key("team-a", "x"), dashboard("x", "v"), ALICE));
    RetentionPolicy policy = new RetentionPolicy(1, null, null);
    Maintenance a = Maintenance.manual(kv, options("a", policy));
    Maintenance b = Maintenance.manual(kv, options("b", policy));

    assertThat(a.pruneOnce().leader()).isTrue();
    assertThat(b.pruneOnce().leader()).as("a's lease is still valid").isFalse();
    assertThat(a.pruneOnce().leader()).as("a renews its own lease").isTrue();
    clock.advance(Duration.ofMinutes(2));
    assertThat(b.pruneOnce().leader()).as("a's lease expired").isTrue();
    assertThat(a.pruneOnce().leader()).isFalse();
  }

  @Test
  void chunkCollectionRemovesOnlyUnreferencedChunks() {
    ObjectKey key = DASHBOARDS.key("team-a", "big");
    Random random = new Random(7);
    String[] contents = new String[3];
    for (int i = 0; i < contents.length; i++) {
      byte[] bytes = new byte[200 * 1024];
      random.nextBytes(bytes);
      contents[i] = java.util.Base64.getEncoder().encodeToString(bytes);
    }
    await(store.create(key, dashboard("big", contents[0]), ALICE));
    for (int i = 1; i < contents.length; i++) {
      String content = contents[i];
      await(store.update(key, Preconditions.NONE, c -> dashboard("big", content), ALICE));
    }
    await(kv.put(prefix + "/chunks/" + "0".repeat(64), "orphan".getBytes(StandardCharsets.UTF_8)));
    Maintenance keepAll = Maintenance.manual(kv, options("a", RetentionPolicy.KEEP_ALL));
    assertThat(keepAll.collectChunks()).as("only the orphan is unreferenced").isEqualTo(1);

    long chunksBefore = await(kv.range(RangeRequest.prefix(prefix + "/chunks/").withCountOnly())).count();
    Maintenance keepOne = Maintenance.manual(kv, options("a", new RetentionPolicy(1, null, null)));
    Maintenance.PruneReport report = keepOne.pruneOnce();

    assertThat(report.versionsDeleted()).isEqualTo(1);
    assertThat(report.chunksDeleted()).isPositive();
    long chunksAfter = await(kv.range(RangeRequest.prefix(prefix + "/chunks/").withCountOnly())).count();
    assertThat(chunksAfter).isEqualTo(chunksBefore - report.chunksDeleted());
    assertThat(title(await(store.get(key, 0)))).isEqualTo(contents[2]);
    HistoryPage history = await(store.history(key, 0, null));
    assertThat(history.entries()).extracting(e -> title(e.object())).containsExactly(contents[2], contents[1]);
  }
}
