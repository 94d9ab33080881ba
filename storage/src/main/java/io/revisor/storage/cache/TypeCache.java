package io.revisor.storage.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.revisor.storage.resource.ListOptions;
import io.revisor.storage.resource.ListResult;
import io.revisor.storage.resource.ListTokens;
import io.revisor.storage.resource.ObjectKey;
import io.revisor.storage.resource.ResourceStore;
import io.revisor.storage.resource.ResourceType;
import io.revisor.storage.resource.ResourceWatch;
import io.revisor.storage.resource.ResourceWatchListener;
import io.revisor.storage.resource.StorageErrorCode;
import io.revisor.storage.resource.StorageException;
import io.revisor.storage.resource.StoredObject;
import io.revisor.storage.resource.WatchEvent;
import io.revisor.storage.resource.WatchOptions;
import io.revisor.storage.selection.ObjectPredicate;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.pcollections.TreePMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cache of one resource type: its current objects, a window of recent changes and the watches it serves, fed by
 * one watch of the store.
 *
 * <p>The state is a persistent sorted map: every change makes a new version sharing all but a path with the previous
 * one, so a list reads an immutable {@link Snapshot} without locks, and a snapshot kept for continue tokens costs only
 * what changed since. One thread at a time applies the store's changes, under {@link #lock}; watch registration takes
 * the same lock, so a watch gets every change after its start exactly once.
 *
 * <p>Until the first list of the store completes (and after the store's watch is lost, until the cache has listed
 * again) requests pass through to the store.
 */
final class TypeCache {
  private static final Logger LOG = LoggerFactory.getLogger(TypeCache.class);
  /** Pause before listing the store again after the cache lost its watch. */
  private static final long RESTART_DELAY_MILLIS = 1_000;

  /**
   * The state at every revision in {@code [changed, revision]}: {@code changed} is the cache's latest change (or the
   * revision of its first list), {@code revision} how far the cache is known to be current.
   */
  record Snapshot(TreePMap<Object, Cached> objects, long changed, long revision) {
    Snapshot at(long known) {
      return known > revision ? new Snapshot(objects, changed, known) : this;
    }

    boolean exactAt(long revision) {
      return changed <= revision && revision <= this.revision;
    }
  }

  private final WatchCache owner;
  private final ResourceType type;
  private final ResourceStore store;
  private final WatchCacheOptions options;
  /** Snapshots of first pages, by list revision, for the continue tokens of the pages after them. */
  private final Cache<Long, Snapshot> pages;
  private final List<CacheWatch> watchers = new CopyOnWriteArrayList<>();
  private final Object lock = new Object();

  // Guarded by lock.
  private final Change[] window;
  private int windowFirst;
  private int windowSize;
  /** Every change after this revision is in the window. */
  private long windowFloor;
  private long objectBytes;
  private final NavigableMap<Long, List<CompletableFuture<Void>>> waiters = new TreeMap<>();
  private ResourceWatch feed;
  private int generation;
  private boolean closed;

  /** Null while the cache is not ready: requests then go to the store. */
  private volatile Snapshot snapshot;
  /** Whether a list of the store is under way that will make the cache ready: requests wait for it (bounded). */
  private volatile boolean listing;
  private final ScheduledFuture<?> progress;

  TypeCache(WatchCache owner, ResourceType type) {
    this.owner = owner;
    this.type = type;
    this.store = owner.store();
    this.options = owner.options();
    this.window = new Change[options.windowEvents()];
    this.pages = Caffeine.newBuilder()
        .maximumSize(options.snapshotsPerType())
        .expireAfterAccess(options.snapshotRetention())
        .executor(Runnable::run)
        .build();
    long every = options.progressInterval().toMillis();
    this.progress = owner.scheduler().scheduleWithFixedDelay(this::proveProgress, every, every, TimeUnit.MILLISECONDS);
    start();
  }

  ResourceType type() {
    return type;
  }

  // ------------------------------------------------------------------------------------------------- feeding

  /** Lists the store, then watches it from the list's revision. */
  private void start() {
    int startedGeneration;
    synchronized (lock) {
      if (closed) {
        return;
      }
      startedGeneration = ++generation;
      listing = true;
    }
    store.list(type, ListOptions.all()).whenComplete((list, error) -> {
      if (error != null) {
        LOG.warn("watch cache of {}: listing the store failed; trying again", type, error);
        synchronized (lock) {
          // Until a list succeeds, requests go to the store without waiting.
          listing = false;
          failWaiters();
        }
        restartLater(startedGeneration);
        return;
      }
      synchronized (lock) {
        if (closed || generation != startedGeneration) {
          return;
        }
        // Built mutable, then frozen in one pass: far cheaper than a persistent insert per object.
        TreeMap<Object, Cached> sorted = new TreeMap<>(KeyOrder.COMPARATOR);
        long bytes = 0;
        for (StoredObject object : list.items()) {
          Cached cached = new Cached(object);
          sorted.put(object.key(), cached);
          bytes += cached.size();
        }
        TreePMap<Object, Cached> objects = TreePMap.fromSortedMap(sorted);
        objectBytes = bytes;
        windowFirst = 0;
        windowSize = 0;
        windowFloor = list.resourceVersion();
        snapshot = new Snapshot(objects, list.resourceVersion(), list.resourceVersion());
        listing = false;
        WatchOptions since = WatchOptions.since(null, list.resourceVersion()).withBookmarks(options.progressInterval());
        feed = store.watch(type, since, new Feed(startedGeneration));
        releaseWaiters();
      }
    });
  }

  private void restartLater(int failedGeneration) {
    owner.scheduler().schedule(() -> {
      synchronized (lock) {
        if (closed || generation != failedGeneration) {
          return;
        }
      }
      start();
    }, RESTART_DELAY_MILLIS, TimeUnit.MILLISECONDS);
  }

  /** The store's watch of this type. */
  private final class Feed implements ResourceWatchListener {
    private final int feedGeneration;

    Feed(int feedGeneration) {
      this.feedGeneration = feedGeneration;
    }

    @Override
    public void onEvent(WatchEvent event) {
      synchronized (lock) {
        // A feed that ended (its close came first, from another thread) has nothing more to say: the state it fed is
        // gone, and the next list starts a new one.
        if (generation == feedGeneration && !closed && snapshot != null) {
          apply(event);
        }
      }
    }

    @Override
    public void onClose(StorageException error) {
      synchronized (lock) {
        if (generation != feedGeneration || closed) {
          return;
        }
        // The changes since the last one seen are lost to this cache: its watchers must list again, as with kube.
        LOG.warn("watch cache of {} lost its watch of the store ({}); listing again", type,
            error == null ? "closed" : error.getMessage());
        snapshot = null;
        feed = null;
        terminateWatchers(new StorageException(StorageErrorCode.TOO_SLOW,
            "the watch cache of " + type.qualifiedName() + " lost its watch of the store; list again to resume"));
        failWaiters();
      }
      restartLater(feedGeneration);
    }
  }

  /** Applies one change of the store (or a bookmark) to the state, the window and every watcher. Under the lock. */
  private void apply(WatchEvent event) {
    Snapshot current = snapshot;
    if (event.type() == WatchEvent.Type.BOOKMARK) {
      advance(event.resourceVersion());
      return;
    }
    StoredObject object = event.object();
    ObjectKey key = object.key();
    Cached previous = current.objects().get(key);
    Cached cached = new Cached(object);
    TreePMap<Object, Cached> objects;
    if (event.type() == WatchEvent.Type.DELETED) {
      objects = current.objects().minus(key);
    } else {
      objects = current.objects().plus(key, cached);
      objectBytes += cached.size();
    }
    if (previous != null) {
      objectBytes -= previous.size();
    }
    Change change = new Change(event, cached, previous);
    remember(change);
    long revision = event.resourceVersion();
    snapshot = new Snapshot(objects, revision, Math.max(revision, current.revision()));
    for (CacheWatch watcher : watchers) {
      watcher.offer(change);
    }
    releaseWaiters();
  }

  private void remember(Change change) {
    if (windowSize == window.length) {
      windowFloor = window[windowFirst].revision;
      window[windowFirst] = null;
      windowFirst = (windowFirst + 1) % window.length;
      windowSize--;
    }
    window[(windowFirst + windowSize) % window.length] = change;
    windowSize++;
  }

  /** The cache is known to hold every change up to {@code revision}. Under the lock. */
  private void advance(long revision) {
    Snapshot current = snapshot;
    if (current != null && revision > current.revision()) {
      snapshot = current.at(revision);
      releaseWaiters();
    }
  }

  /** Runs now and then while watchers wait for bookmarks: proves the cache current though nothing changes. */
  private void proveProgress() {
    if (snapshot != null && !watchers.isEmpty()) {
      fresh().exceptionally(error -> null);
    }
  }

  // ------------------------------------------------------------------------------------------------- freshness

  /**
   * The snapshot of a consistent read: asks the store for its revision and this type's latest change since the
   * cache's revision, waits (bounded) until the cache has that change, and then knows it is current at the store's
   * revision. Fails with a TimeoutException when the cache does not catch up in time, or when it is not ready.
   */
  CompletableFuture<Snapshot> fresh() {
    Snapshot current = snapshot;
    if (current == null) {
      return listing
          ? awaitRevision(0).thenCompose(ready -> fresh())
          : CompletableFuture.failedFuture(new TimeoutException("the cache is not ready"));
    }
    return store.freshness(type, current.revision()).toCompletableFuture()
        .thenCompose(freshness -> awaitRevision(freshness.latestChange()).thenApply(ignored -> {
          synchronized (lock) {
            advance(freshness.revision());
            Snapshot now = snapshot;
            if (now == null) {
              throw new IllegalStateException("the cache stopped");
            }
            return now;
          }
        }));
  }

  /** Completes once the cache holds every change up to {@code revision}, or fails after the freshness timeout. */
  private CompletableFuture<Void> awaitRevision(long revision) {
    CompletableFuture<Void> reached = new CompletableFuture<>();
    synchronized (lock) {
      Snapshot current = snapshot;
      if (current != null && current.revision() >= revision) {
        return CompletableFuture.completedFuture(null);
      }
      waiters.computeIfAbsent(revision, r -> new ArrayList<>()).add(reached);
    }
    return reached.orTimeout(options.freshnessTimeout().toMillis(), TimeUnit.MILLISECONDS)
        .whenComplete((ok, error) -> {
          if (error != null) {
            synchronized (lock) {
              List<CompletableFuture<Void>> list = waiters.get(revision);
              if (list != null && list.remove(reached) && list.isEmpty()) {
                waiters.remove(revision);
              }
            }
          }
        });
  }

  private void releaseWaiters() {
    Snapshot current = snapshot;
    if (current == null) {
      return;
    }
    Map<Long, List<CompletableFuture<Void>>> reached = waiters.headMap(current.revision(), true);
    List<CompletableFuture<Void>> release = new ArrayList<>();
    reached.values().forEach(release::addAll);
    reached.clear();
    // Completed outside the caller's work on the state: dependants run on the delivery executor.
    release.forEach(waiter -> owner.executor().execute(() -> waiter.complete(null)));
  }

  private void failWaiters() {
    List<CompletableFuture<Void>> release = new ArrayList<>();
    waiters.values().forEach(release::addAll);
    waiters.clear();
    release.forEach(waiter -> owner.executor().execute(
        () -> waiter.completeExceptionally(new TimeoutException("the cache stopped"))));
  }

  // ------------------------------------------------------------------------------------------------- lists

  CompletionStage<ListResult> list(ListOptions list) {
    try {
      checkNamespace(list.namespace());
    } catch (StorageException e) {
      return CompletableFuture.failedFuture(e);
    }
    Snapshot current = snapshot;
    if (current == null) {
      if (!listing) {
        return store.list(type, list);
      }
      // Starting (or listing again): wait for the first snapshot, but not longer than a consistent read would.
      return awaitRevision(0).handle((ready, error) -> error != null ? store.list(type, list) : list(list))
          .thenCompose(stage -> stage);
    }
    if (list.continueToken() != null) {
      return owner.tokens().thenCompose(tokens -> {
        ListTokens.Position position = tokens.decode(type, list.namespace(), list.continueToken());
        Snapshot at = snapshotAt(position.revision());
        if (at == null) {
          return store.list(type, list);
        }
        return page(at, position.revision(), list, KeyOrder.at(position.namespace(), position.name()));
      });
    }
    if (list.revision() > 0) {
      Snapshot at = snapshotAt(list.revision());
      return at == null ? store.list(type, list) : page(at, list.revision(), list, null);
    }
    if (list.notOlderThan() > 0 && current.revision() >= list.notOlderThan()) {
      return page(current, current.revision(), list, null);
    }
    // Consistent, or behind N: the type may simply not have changed since (N came from writes of other types, or the
    // store is new and empty at revision 0). A consistent read's proof makes the cache current at the store's
    // revision, which is at least N (or, for an N the store has not reached, as current as the store would answer).
    return orFromStore(fresh(), list);
  }

  /** A page of {@code snapshot}, or, when the cache cannot tell in time, the store's answer. */
  private CompletionStage<ListResult> orFromStore(CompletableFuture<Snapshot> ready, ListOptions list) {
    return ready.handle((at, error) -> at == null
            ? store.list(type, list)
            : page(at, at.revision(), list, null))
        .thenCompose(stage -> stage);
  }

  /** The snapshot exact at {@code revision}: the current one, or one kept for continue tokens; null if none. */
  private Snapshot snapshotAt(long revision) {
    Snapshot current = snapshot;
    if (current != null && current.exactAt(revision)) {
      return current;
    }
    return pages.getIfPresent(revision);
  }

  /**
   * One page of a list of {@code at}, which is exact at {@code revision}, from {@code start} (null: the first). The
   * store's tokens are asked for only when there is a next page: making them may write their key.
   */
  private CompletionStage<ListResult> page(Snapshot at, long revision, ListOptions list, KeyOrder.Bound start) {
    String namespace = type.namespaced() ? list.namespace() : null;
    ObjectPredicate predicate = list.predicate();
    TreePMap<Object, Cached> range = at.objects();
    String single = predicate.singleName();
    if (single != null && (namespace != null || !type.namespaced())) {
      Cached one;
      try {
        one = range.get(type.key(namespace, single));
      } catch (StorageException e) {
        one = null; // not a name an object can have: none has it (the store answers the same)
      }
      boolean included = one != null && (start == null || KeyOrder.COMPARATOR.compare(one.object.key(), start) >= 0)
          && one.matches(predicate);
      return CompletableFuture.completedFuture(
          new ListResult(included ? List.of(one.object) : List.of(), revision, null, null));
    }
    if (namespace != null) {
      range = range.subMap(KeyOrder.namespaceStart(namespace), true, KeyOrder.namespaceEnd(namespace), false);
    }
    if (start != null) {
      range = range.tailMap(start, true);
    }
    long limit = list.limit();
    List<StoredObject> items = new ArrayList<>(limit > 0 ? (int) Math.min(limit, range.size()) : range.size());
    Iterator<Cached> values = range.values().iterator();
    while (values.hasNext()) {
      Cached cached = values.next();
      if (cached.matches(predicate)) {
        items.add(cached.object);
        if (limit > 0 && items.size() == limit) {
          break;
        }
      }
    }
    if (!values.hasNext() || items.isEmpty()) {
      return CompletableFuture.completedFuture(new ListResult(items, revision, null, null));
    }
    ObjectKey last = items.get(items.size() - 1).key();
    pages.put(revision, at);
    Long remaining = predicate.isEverything() ? (long) range.tailMap(last, false).size() : null;
    return owner.tokens().thenApply(tokens -> new ListResult(items, revision, tokens.after(revision, last), remaining));
  }

  /** A namespace the store would refuse is refused here too (INVALID), though the cache needs no key of it. */
  private void checkNamespace(String namespace) {
    if (type.namespaced() && namespace != null) {
      type.key(namespace, "-");
    }
  }

  /**
   * A read of {@code key} not older than {@code minRevision} from memory, when the cache has reached it: the cached
   * version, or NOT_FOUND when the cache holds none; else (not ready, or behind) the store's answer.
   */
  CompletionStage<StoredObject> get(ObjectKey key, long minRevision) {
    Snapshot current = snapshot;
    if (current == null || current.revision() < minRevision) {
      return store.getNotOlderThan(key, minRevision);
    }
    Cached cached = current.objects().get(key);
    return cached != null
        ? CompletableFuture.completedFuture(cached.object)
        : CompletableFuture.failedFuture(StorageException.notFound(key));
  }

  /** The version of {@code key} the cache holds now, or null (none, or the cache is not ready). */
  StoredObject current(ObjectKey key) {
    Snapshot current = snapshot;
    Cached cached = current == null ? null : current.objects().get(key);
    return cached == null ? null : cached.object;
  }

  // ------------------------------------------------------------------------------------------------- watches

  ResourceWatch watch(WatchOptions watch, ResourceWatchListener listener) {
    checkNamespace(watch.namespace());
    CacheWatch watcher = new CacheWatch(this, watch, type.namespaced() ? watch.namespace() : null, listener,
        owner.executor(), options.watcherBuffer());
    if (watch.initialEvents() && watch.revision() > 0) {
      // Initial events exactly at a revision: the store lists at it.
      watcher.forward(feed -> store.watch(type, watch, feed));
    } else if (watch.initialEvents()) {
      fresh().whenComplete((ignored, error) -> startWithInitialEvents(watcher, error == null));
    } else if (snapshot != null || !listing || watch.revision() == 0) {
      startFrom(watcher);
    } else {
      // Starting: a watch from a given revision can wait for the first snapshot without missing anything.
      awaitRevision(0).whenComplete((ready, error) -> startFrom(watcher));
    }
    return watcher;
  }

  /** Starts a watch of the changes after its revision: from the window if it covers them, else from the store. */
  private void startFrom(CacheWatch watcher) {
    WatchOptions watch = watcher.options();
    synchronized (lock) {
      if (closed) {
        watcher.end(closing());
        return;
      }
      Snapshot current = snapshot;
      long from = watch.revision() == 0 && current != null ? current.revision() : watch.revision();
      if (current != null && from >= windowFloor && !watcher.ending()) {
        register(watcher, from, replay(from, watcher.namespace(), watch.predicate()));
        return;
      }
    }
    // Older than the window (or the cache is not ready): the store replays it, or answers COMPACTED.
    watcher.forward(feed -> store.watch(type, watch, feed));
  }

  /** Starts a watch with the initial events of a fresh snapshot, or, if there is none, from the store. */
  private void startWithInitialEvents(CacheWatch watcher, boolean fresh) {
    WatchOptions watch = watcher.options();
    synchronized (lock) {
      if (closed) {
        watcher.end(closing());
        return;
      }
      Snapshot current = snapshot;
      if (fresh && current != null && !watcher.ending()) {
        register(watcher, current.revision(), initial(current, watcher.namespace(), watch));
        return;
      }
    }
    watcher.forward(feed -> store.watch(type, watch, feed));
  }

  /** Under the lock: the watch gets {@code backlog}, then every change after {@code from}. */
  private void register(CacheWatch watcher, long from, Iterator<WatchEvent> backlog) {
    watcher.begin(from, backlog);
    watchers.add(watcher);
    if (watcher.ending()) {
      watchers.remove(watcher); // closed meanwhile (its end does not take the lock): its unregister found nothing
      return;
    }
    if (watcher.options().bookmarks()) {
      long every = Math.max(1, watcher.options().bookmarkInterval().toMillis());
      watcher.bookmarks(owner.scheduler().scheduleAtFixedRate(() -> {
        synchronized (lock) {
          Snapshot current = snapshot;
          if (current != null) {
            watcher.bookmark(current.revision());
          }
        }
      }, every, every, TimeUnit.MILLISECONDS));
    }
  }

  void unregister(CacheWatch watcher) {
    watchers.remove(watcher);
  }

  /** Under the lock: the window's changes after {@code from} as {@code namespace}/{@code predicate} see them. */
  private Iterator<WatchEvent> replay(long from, String namespace, ObjectPredicate predicate) {
    List<Change> missed = new ArrayList<>();
    for (int i = 0; i < windowSize; i++) {
      Change change = window[(windowFirst + i) % window.length];
      if (change.revision > from) {
        missed.add(change);
      }
    }
    Iterator<Change> changes = missed.iterator();
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return changes.hasNext();
      }

      @Override
      public WatchEvent next() {
        return changes.next().visibleTo(namespace, predicate);
      }
    };
  }

  /** ADDED for every selected object of {@code at}, read lazily, then the initial-events-end bookmark if asked. */
  private Iterator<WatchEvent> initial(Snapshot at, String namespace, WatchOptions watch) {
    TreePMap<Object, Cached> range = namespace == null
        ? at.objects()
        : at.objects().subMap(KeyOrder.namespaceStart(namespace), true, KeyOrder.namespaceEnd(namespace), false);
    Iterator<Cached> objects = range.values().iterator();
    ObjectPredicate predicate = watch.predicate();
    return new Iterator<>() {
      private boolean endSent = !watch.bookmarks();

      @Override
      public boolean hasNext() {
        return objects.hasNext() || !endSent;
      }

      @Override
      public WatchEvent next() {
        if (objects.hasNext()) {
          Cached cached = objects.next();
          return cached.matches(predicate) ? new WatchEvent(WatchEvent.Type.ADDED, cached.object,
              cached.object.resourceVersion(), false) : null;
        }
        endSent = true;
        return new WatchEvent(WatchEvent.Type.BOOKMARK, null, at.revision(), true);
      }
    };
  }

  private void terminateWatchers(StorageException error) {
    List<CacheWatch> all = new ArrayList<>(watchers);
    watchers.clear();
    all.forEach(watcher -> watcher.end(error));
  }

  // ------------------------------------------------------------------------------------------------- lifecycle

  CacheStats stats() {
    synchronized (lock) {
      Snapshot current = snapshot;
      return new CacheStats(type, current != null, current == null ? 0 : current.revision(),
          current == null ? 0 : current.objects().size(), current == null ? 0 : objectBytes, windowSize,
          watchers.size());
    }
  }

  void close() {
    ResourceWatch stopping;
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      stopping = feed;
      feed = null;
      snapshot = null;
      failWaiters();
    }
    progress.cancel(false);
    if (stopping != null) {
      stopping.close();
    }
    terminateWatchers(closing());
  }

  private static StorageException closing() {
    return new StorageException(StorageErrorCode.UNAVAILABLE, "the store is closing", 0, null);
  }

  @Override
  public String toString() {
    return "TypeCache[" + type + "]";
  }
}
