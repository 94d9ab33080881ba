package io.revisor.storage.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.revisor.storage.kv.KvStore;
import io.revisor.storage.kv.embedded.EmbeddedKvStore;
import io.revisor.storage.kv.embedded.EmbeddedKvStoreOptions;
import io.revisor.storage.resource.Actor;
import io.revisor.storage.resource.ForwardingResourceStore;
import io.revisor.storage.resource.ListOptions;
import io.revisor.storage.resource.ListResult;
import io.revisor.storage.resource.ObjectKey;
import io.revisor.storage.resource.ResourceStore;
import io.revisor.storage.resource.ResourceStoreOptions;
import io.revisor.storage.resource.ResourceType;
import io.revisor.storage.resource.ResourceWatch;
import io.revisor.storage.resource.ResourceWatchListener;
import io.revisor.storage.resource.StorageErrorCode;
import io.revisor.storage.resource.StorageException;
import io.revisor.storage.resource.StoredObject;
import io.revisor.storage.resource.WatchEvent;
import io.revisor.storage.resource.WatchOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the cache adds to the store's contract (which {@link CachedEmbeddedResourceStoreTest} checks): one store watch
 * per type whatever the number of watchers, lists from memory, continue tokens shared with the store, resumption from
 * the window, advancing bookmarks, its figures, and recovery from a lost store watch.
 */
class WatchCacheTest {
  private static final ResourceType DASHBOARDS = ResourceType.namespaced("demo.revisor.io", "dashboards");
  private static final ResourceType FOLDERS = ResourceType.namespaced("demo.revisor.io", "folders");
  private static final Actor ALICE = new Actor("alice");
  private static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir Path directory;
  private KvStore kv;
  private Counting store;
  private WatchCache cache;

  /** The store, counting what reaches it, and able to break the cache's watch. */
  private static final class Counting extends ForwardingResourceStore {
    final AtomicInteger gets = new AtomicInteger();
    final AtomicInteger lists = new AtomicInteger();
    final AtomicInteger watches = new AtomicInteger();
    final List<ResourceWatchListener> listeners = new CopyOnWriteArrayList<>();

    Counting(ResourceStore store) {
      super(store);
    }

    ResourceStore raw() {
      return delegate();
    }

    @Override
    public CompletionStage<StoredObject> get(ObjectKey key, long revision) {
      gets.incrementAndGet();
      return super.get(key, revision);
    }

    @Override
    public CompletionStage<ListResult> list(ResourceType type, ListOptions options) {
      lists.incrementAndGet();
      return super.list(type, options);
    }

    @Override
    public ResourceWatch watch(ResourceType type, WatchOptions options, ResourceWatchListener listener) {
      watches.incrementAndGet();
      listeners.add(listener);
      return super.watch(type, options, listener);
    }
  }

  @BeforeEach
  void open() {
    kv = EmbeddedKvStore.open(EmbeddedKvStoreOptions.defaults(directory));
    ResourceStore raw = ResourceStore.open(kv, ResourceStoreOptions.defaults());
    store = new Counting(raw);
    cache = WatchCache.wrap(store, WatchCacheOptions.defaults().withWindowEvents(5)
        .withProgressInterval(Duration.ofMillis(100)));
  }

  @AfterEach
  void close() {
    cache.close();
    store.raw().close();
    kv.close();
  }

  @Test
  void manyWatchersCostOneStoreWatch() {
    list(ListOptions.all()); // the cache starts; a watch from before its first list would go to the store
    long start = revision();
    List<Recorder> watchers = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      watchers.add(watch(DASHBOARDS, WatchOptions.since(null, start)));
    }
    List<Long> written = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      written.add(create("ns1", "d" + i).resourceVersion());
    }
    for (Recorder watcher : watchers) {
      watcher.awaitEvents(4);
      assertThat(watcher.events).extracting(WatchEvent::resourceVersion).containsExactlyElementsOf(written);
    }
    assertThat(store.watches).as("one store watch feeds every watcher").hasValue(1);
    assertThat(cache.stats()).singleElement().satisfies(stats -> assertThat(stats.watchers()).isEqualTo(50));
  }

  @Test
  void theFirstListOfANewStoreDoesNotWaitForTheCache() {
    long start = System.nanoTime();
    assertThat(names(list(ListOptions.inNamespace("ns1").notOlderThan(ListOptions.ANY)))).isEmpty();
    assertThat(names(list(ListOptions.all()))).isEmpty();
    assertThat(java.time.Duration.ofNanos(System.nanoTime() - start))
        .as("well within the freshness timeout").isLessThan(Duration.ofSeconds(1));
    StoredObject a = create("ns1", "a");
    assertThat(names(list(ListOptions.all().notOlderThan(a.resourceVersion())))).containsExactly("a");
  }

  @Test
  void notOlderThanARevisionOfAnotherTypeIsProvenByTheStoreRevisionNotWaitedFor() {
    list(ListOptions.all()); // the cache of dashboards starts
    int listed = store.lists.get();
    long other = create(FOLDERS, "ns1", "f").resourceVersion();
    long start = System.nanoTime();
    ListResult result = list(ListOptions.all().notOlderThan(other));
    assertThat(java.time.Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
    assertThat(result.resourceVersion()).isGreaterThanOrEqualTo(other);
    assertThat(store.lists.get()).as("answered from memory").isEqualTo(listed);
  }

  @Test
  void aListenerThatIsNotReadyHoldsItsEventsUntilItResumesAndFallingTooFarBehindEndsIt() {
    for (int i = 0; i < 3; i++) {
      create("ns1", "o" + i);
    }
    list(ListOptions.all());
    Recorder recorder = new Recorder();
    recorder.ready.set(false);
    ResourceWatch watch = cache.watch(DASHBOARDS, WatchOptions.since(null, 0).withInitialEvents(), recorder);
    create("ns1", "o3");
    Awaitility.await().during(Duration.ofMillis(200)).atMost(WAIT).until(() -> recorder.events.isEmpty());

    recorder.ready.set(true);
    watch.resume();
    recorder.awaitEvents(4);
    assertThat(recorder.events).extracting(e -> e.object().key().name()).containsExactly("o0", "o1", "o2", "o3");

    // Paused again, changes wait in the watcher's buffer (3 here), and one more ends the watch.
    WatchCache small = WatchCache.wrap(store, WatchCacheOptions.defaults().withWatcherBuffer(3));
    try {
      await(small.list(DASHBOARDS, ListOptions.all()));
      Recorder slow = new Recorder();
      slow.ready.set(false);
      small.watch(DASHBOARDS, WatchOptions.since(null, revision()), slow);
      for (int i = 0; i < 4; i++) {
        create("ns1", "late" + i);
      }
      assertThat(slow.awaitClose().code()).isEqualTo(StorageErrorCode.TOO_SLOW);
      assertThat(slow.events).isEmpty();
    } finally {
      small.close();
    }
  }

  @Test
  void listsAreAnsweredFromMemory() {
    create("ns1", "a");
    assertThat(names(list(ListOptions.all()))).containsExactly("a");
    int listed = store.lists.get();
    StoredObject b = create("ns1", "b");
    // consistent: sees the write just made (the cache proves it caught up), from memory
    ListResult consistent = list(ListOptions.all());
    assertThat(names(consistent)).containsExactly("a", "b");
    assertThat(consistent.resourceVersion()).isGreaterThanOrEqualTo(b.resourceVersion());
    assertThat(names(list(ListOptions.all().notOlderThan(ListOptions.ANY)))).contains("a");
    assertThat(names(list(ListOptions.all().notOlderThan(b.resourceVersion())))).containsExactly("a", "b");
    assertThat(names(list(ListOptions.inNamespace("ns2")))).isEmpty();
    assertThat(store.lists.get()).as("no list reached the store").isEqualTo(listed);
  }

  @Test
  void continueTokensAreSharedWithTheStore() {
    for (int i = 0; i < 10; i++) {
      create("ns1", "o" + i);
    }
    ListResult first = list(ListOptions.all().withLimit(4));
    assertThat(names(first)).containsExactly("o0", "o1", "o2", "o3");
    assertThat(first.remainingItemCount()).isEqualTo(6);
    create("ns1", "o10"); // after the first page: invisible to the rest of this list
    ListOptions next = ListOptions.all().withLimit(4).withContinue(first.continueToken());
    ListResult fromCache = list(next);
    ListResult fromStore = await(store.raw().list(DASHBOARDS, next));
    assertThat(names(fromCache)).containsExactly("o4", "o5", "o6", "o7").isEqualTo(names(fromStore));
    assertThat(fromCache.resourceVersion()).isEqualTo(first.resourceVersion());
    ListResult last = list(ListOptions.all().withLimit(4).withContinue(fromStore.continueToken()));
    assertThat(names(last)).containsExactly("o8", "o9");
    assertThat(last.continueToken()).isNull();
    // a token of the store's own first page resumes in the cache too
    ListResult storeFirst = await(store.raw().list(DASHBOARDS, ListOptions.inNamespace("ns1").withLimit(10)));
    assertThat(names(list(ListOptions.inNamespace("ns1").withLimit(10).withContinue(storeFirst.continueToken()))))
        .containsExactly("o9");
  }

  @Test
  void watchesResumeFromTheWindowOrElseFromTheStore() {
    list(ListOptions.all()); // the cache starts: the window holds the changes after this
    List<StoredObject> written = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      written.add(create("ns1", "w" + i));
    }
    list(ListOptions.all()); // consistent: the cache has all eight, the window the last five
    int before = store.watches.get();
    Recorder recent = watch(DASHBOARDS, WatchOptions.since(null, written.get(4).resourceVersion()));
    recent.awaitEvents(3);
    assertThat(recent.events).extracting(e -> e.object().key().name()).containsExactly("w5", "w6", "w7");
    assertThat(store.watches.get()).as("inside the window: no store watch").isEqualTo(before);
    Recorder old = watch(DASHBOARDS, WatchOptions.since(null, written.get(0).resourceVersion()));
    old.awaitEvents(7);
    assertThat(old.events).extracting(e -> e.object().key().name())
        .containsExactly("w1", "w2", "w3", "w4", "w5", "w6", "w7");
    assertThat(store.watches.get()).as("older than the window: the store replays").isEqualTo(before + 1);
  }

  @Test
  void bookmarksAdvanceWhileTheTypeIsIdle() {
    Recorder folders = watch(FOLDERS, WatchOptions.since(null, revision()).withBookmarks(Duration.ofMillis(100)));
    long written = 0;
    for (int i = 0; i < 3; i++) {
      written = create("ns1", "elsewhere" + i).resourceVersion();
    }
    long target = written;
    Awaitility.await().atMost(WAIT).until(() -> folders.events.stream()
        .anyMatch(e -> e.type() == WatchEvent.Type.BOOKMARK && e.resourceVersion() >= target));
    assertThat(folders.events).allMatch(e -> e.type() == WatchEvent.Type.BOOKMARK);
  }

  @Test
  void statsCountObjectsAndTheirBytesOnce() {
    long bytes = 0;
    for (int i = 0; i < 5; i++) {
      bytes += create("ns1", "s" + i).json().length;
    }
    for (int i = 0; i < 3; i++) {
      watch(DASHBOARDS, WatchOptions.since(null, revision()));
    }
    list(ListOptions.all());
    long expected = bytes;
    Awaitility.await().atMost(WAIT).untilAsserted(() -> assertThat(cache.stats()).singleElement().satisfies(s -> {
      assertThat(s.ready()).isTrue();
      assertThat(s.objects()).isEqualTo(5);
      assertThat(s.objectBytes()).isEqualTo(expected);
      assertThat(s.watchers()).isEqualTo(3);
    }));
  }

  @Test
  void losingTheStoreWatchEndsWatchersWhoListAgain() {
    create("ns1", "before");
    Recorder watcher = watch(DASHBOARDS, WatchOptions.since(null, revision()));
    Awaitility.await().atMost(WAIT).until(() -> cache.stats().get(0).watchers() == 1);
    store.listeners.get(0).onClose(new StorageException(StorageErrorCode.COMPACTED, "compacted"));
    StorageException error = watcher.awaitClose();
    assertThat(error.code()).isEqualTo(StorageErrorCode.TOO_SLOW);
    create("ns1", "after");
    Awaitility.await().atMost(WAIT).until(() -> cache.stats().get(0).ready());
    assertThat(names(list(ListOptions.all()))).containsExactly("after", "before");
    assertThat(store.watches.get()).as("watching the store again").isEqualTo(2);
  }

  @Test
  void getsOfAnyVersionOrNotOlderThanOneTheCacheHasReachedAreAnsweredFromMemory() {
    StoredObject one = create("ns1", "one");
    list(ListOptions.all()); // starts the type's cache
    Awaitility.await().atMost(WAIT).until(() -> cache.stats().get(0).ready());
    int before = store.gets.get();
    assertThat(await(cache.getNotOlderThan(one.key(), 0)).resourceVersion()).isEqualTo(one.resourceVersion());
    assertThat(await(cache.getNotOlderThan(one.key(), one.resourceVersion())).json()).isEqualTo(one.json());
    assertThatThrownBy(() -> await(cache.getNotOlderThan(DASHBOARDS.key("ns1", "absent"), 0)))
        .hasRootCauseInstanceOf(StorageException.class).rootCause()
        .satisfies(e -> assertThat(((StorageException) e).code()).isEqualTo(StorageErrorCode.NOT_FOUND));
    assertThat(store.gets.get()).as("gets that reached the store").isEqualTo(before);

    // A revision the cache has not reached (here: one the store has not reached either) is the store's to answer.
    assertThat(await(cache.getNotOlderThan(one.key(), revision() + 100)).resourceVersion())
        .isEqualTo(one.resourceVersion());
    assertThat(store.gets.get()).isEqualTo(before + 1);
    // A consistent get is never the cache's.
    await(cache.get(one.key(), 0));
    assertThat(store.gets.get()).isEqualTo(before + 2);
  }

  @Test
  void anEventOfTheStoreWatchAfterItEndedIsIgnored() {
    StoredObject before = create("ns1", "before");
    Recorder watcher = watch(DASHBOARDS, WatchOptions.since(null, revision()));
    Awaitility.await().atMost(WAIT).until(() -> cache.stats().get(0).watchers() == 1);
    ResourceWatchListener feed = store.listeners.get(0);
    feed.onClose(new StorageException(StorageErrorCode.COMPACTED, "compacted"));
    // Delivered late, from another thread of the store: the cache is between its lost watch and its next list.
    StoredObject later = before.withResourceVersion(before.resourceVersion() + 1);
    feed.onEvent(new WatchEvent(WatchEvent.Type.MODIFIED, later, later.resourceVersion(), false));
    assertThat(watcher.awaitClose().code()).isEqualTo(StorageErrorCode.TOO_SLOW);
    Awaitility.await().atMost(WAIT).until(() -> cache.stats().get(0).ready());
    ListResult listed = list(ListOptions.all());
    assertThat(listed.items()).singleElement()
        .satisfies(object -> assertThat(object.resourceVersion()).isEqualTo(before.resourceVersion()));
  }

  // ------------------------------------------------------------------------------------------------- helpers

  private StoredObject create(String namespace, String name) {
    return create(DASHBOARDS, namespace, name);
  }

  private StoredObject create(ResourceType type, String namespace, String name) {
    ObjectKey key = type.key(namespace, name);
    String kind = type.equals(DASHBOARDS) ? "Dashboard" : "Folder";
    String json = "{\"apiVersion\":\"demo.revisor.io/v1\",\"kind\":\"" + kind + "\",\"metadata\":{\"name\":\"" + name
        + "\",\"namespace\":\"" + namespace + "\"},\"spec\":{\"title\":\"" + name + "\"}}";
    return await(cache.create(key, json.getBytes(StandardCharsets.UTF_8), ALICE));
  }

  private long revision() {
    return await(cache.currentRevision());
  }

  private ListResult list(ListOptions options) {
    return await(cache.list(DASHBOARDS, options));
  }

  private static List<String> names(ListResult result) {
    return result.items().stream().map(o -> o.key().name()).toList();
  }

  private static <T> T await(CompletionStage<T> stage) {
    try {
      return stage.toCompletableFuture().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private Recorder watch(ResourceType type, WatchOptions options) {
    Recorder recorder = new Recorder();
    cache.watch(type, options, recorder);
    return recorder;
  }

  private static final class Recorder implements ResourceWatchListener {
    final List<WatchEvent> events = new CopyOnWriteArrayList<>();
    final AtomicReference<StorageException> closed = new AtomicReference<>();
    final AtomicInteger closes = new AtomicInteger();
    final java.util.concurrent.atomic.AtomicBoolean ready = new java.util.concurrent.atomic.AtomicBoolean(true);

    @Override
    public boolean ready() {
      return ready.get();
    }

    @Override
    public void onEvent(WatchEvent event) {
      events.add(event);
    }

    @Override
    public void onClose(StorageException error) {
      closed.set(error);
      closes.incrementAndGet();
    }

    void awaitEvents(int n) {
      Awaitility.await().atMost(WAIT).until(() -> events.size() >= n);
    }

    StorageException awaitClose() {
      Awaitility.await().atMost(WAIT).until(() -> closes.get() > 0);
      return closed.get();
    }
  }
}
