package io.revisor.storage.cache;

import io.revisor.storage.resource.Actor;
import io.revisor.storage.resource.ForwardingResourceStore;
import io.revisor.storage.resource.ListOptions;
import io.revisor.storage.resource.ListResult;
import io.revisor.storage.resource.ListTokens;
import io.revisor.storage.resource.ObjectKey;
import io.revisor.storage.resource.Preconditions;
import io.revisor.storage.resource.ResourceStore;
import io.revisor.storage.resource.ResourceType;
import io.revisor.storage.resource.ResourceWatch;
import io.revisor.storage.resource.ResourceWatchListener;
import io.revisor.storage.resource.StorageErrorCode;
import io.revisor.storage.resource.StorageException;
import io.revisor.storage.resource.StoredObject;
import io.revisor.storage.resource.UpdateFunction;
import io.revisor.storage.resource.WatchOptions;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A {@link ResourceStore} that answers lists and watches from memory, and passes every other call to the store it
 * wraps.
 *
 * <p>Per resource type, from the first list, watch, update or delete of it on (the last two unless
 * {@link WatchCacheOptions#startOnWrite()} is off): one watch of the store feeds the current
 * objects (each held once, as the store's bytes) and a window of the latest {@link WatchCacheOptions#windowEvents()}
 * changes.
 * <ul>
 *   <li>Updates and deletes: start from the cached version of the object, when the cache holds it, instead of reading
 *       it from the store ({@link ResourceStore#update(ObjectKey, Preconditions, UpdateFunction, Actor,
 *       StoredObject)}), as kube-apiserver's guaranteed update starts from its cached object: while the cache is
 *       current, an update is one transaction of the store and nothing else. A stale cached version costs the
 *       failed compare-and-swap (which reads the current version in the same transaction); the outcome is always
 *       the store's, as without the cache.</li>
 *   <li>Watches: every watcher is served from memory, so N watchers cost one watch of the store. A watch may start
 *       at any resourceVersion the window covers; older ones are passed to the store (which replays them, or answers
 *       COMPACTED). A watcher that falls {@link WatchCacheOptions#watcherBuffer()} changes behind is ended with
 *       TOO_SLOW and never holds up the others. Bookmarks carry the revision the cache is known to be current at,
 *       which advances while nothing changes (see below).</li>
 *   <li>Lists: "not older than N" (and "any") from memory once the cache has reached N, or has been proven current
 *       as for a consistent read when the type has not changed since N; lists exactly at a revision
 *       from memory when a snapshot at it is at hand (the current one, or one kept for continue tokens), else from
 *       the store; {@code limit} and continue tokens are honoured in every mode, with the store's own tokens.</li>
 *   <li>Consistent lists and watches with initial events: the store is asked for its revision and the type's latest
 *       change after the cache's ({@link ResourceStore#freshness}); once the cache has that change it is current at
 *       the store's revision and answers. If it does not catch up within
 *       {@link WatchCacheOptions#freshnessTimeout()}, the store answers.</li>
 * </ul>
 *
 * <p>Thread-safe. Closing it ends the watches it serves (UNAVAILABLE); the wrapped store stays open unless the cache
 * was made {@link #owning} it.
 */
public final class WatchCache extends ForwardingResourceStore {
  private final WatchCacheOptions options;
  private final Map<ResourceType, TypeCache> caches = new ConcurrentHashMap<>();
  private final ExecutorService executor;
  private final ScheduledExecutorService scheduler;
  private volatile CompletableFuture<ListTokens> tokens;
  private final boolean ownsStore;
  private volatile boolean closed;

  private WatchCache(ResourceStore store, WatchCacheOptions options, boolean ownsStore) {
    super(store);
    this.options = options;
    this.ownsStore = ownsStore;
    // Cached, like the store's: a listener that blocks (it should not) holds one thread, never everyone's.
    this.executor = Executors.newCachedThreadPool(daemon("revisor-watch-cache-"));
    this.scheduler = Executors.newSingleThreadScheduledExecutor(daemon("revisor-watch-cache-timer-"));
  }

  /** A cache in front of {@code store}; the caller keeps owning {@code store}. */
  public static WatchCache wrap(ResourceStore store, WatchCacheOptions options) {
    return new WatchCache(store, options, false);
  }

  /** A cache in front of {@code store} that closes {@code store} when it is closed. */
  public static WatchCache owning(ResourceStore store, WatchCacheOptions options) {
    return new WatchCache(store, options, true);
  }

  @Override
  public CompletionStage<ListResult> list(ResourceType type, ListOptions options) {
    return cache(type).list(options);
  }

  @Override
  public ResourceWatch watch(ResourceType type, WatchOptions options, ResourceWatchListener listener) {
    return cache(type).watch(options, listener);
  }

  /** From memory once the type's cache has reached {@code minRevision} (its first read starts it); else the store. */
  @Override
  public CompletionStage<StoredObject> getNotOlderThan(ObjectKey key, long minRevision) {
    TypeCache cache;
    try {
      cache = cache(key.type());
    } catch (StorageException e) {
      return CompletableFuture.failedFuture(e);
    }
    return cache.get(key, minRevision);
  }

  /**
   * Starts from the cached version of the object, when the type's cache holds it (see the class comment); the
   * store's answer is the same as without the cache.
   */
  @Override
  public CompletionStage<StoredObject> update(
      ObjectKey key, Preconditions preconditions, UpdateFunction update, Actor actor) {
    return delegate().update(key, preconditions, update, actor, cached(key));
  }

  /** Starts from the cached version of the object, as {@link #update} does. */
  @Override
  public CompletionStage<StoredObject> delete(
      ObjectKey key, Preconditions preconditions, Consumer<StoredObject> check, Actor actor) {
    return delegate().delete(key, preconditions, check, actor, cached(key));
  }

  /**
   * The cached version of {@code key}, or null; starts the cache of its type if {@link
   * WatchCacheOptions#startOnWrite()} (writes are followed by reads).
   */
  StoredObject cached(ObjectKey key) {
    try {
      if (closed) {
        return null;
      }
      TypeCache cache = options.startOnWrite() ? cache(key.type()) : caches.get(key.type());
      return cache == null ? null : cache.current(key);
    } catch (StorageException e) {
      return null; // closing, or not a key of any object: the store answers
    }
  }

  /** What each type's cache holds, by type name. */
  public List<CacheStats> stats() {
    return caches.values().stream().map(TypeCache::stats)
        .sorted(Comparator.comparing(stats -> stats.type().qualifiedName()))
        .toList();
  }

  /** What the cache of {@code type} holds; empty until the type's first list or watch. */
  public Optional<CacheStats> stats(ResourceType type) {
    return Optional.ofNullable(caches.get(type)).map(TypeCache::stats);
  }

  /** Whether {@link #close()} was called. */
  public boolean isClosed() {
    return closed;
  }

  @Override
  public void close() {
    closed = true;
    caches.values().forEach(TypeCache::close);
    scheduler.shutdownNow();
    executor.shutdown();
    if (ownsStore) {
      delegate().close();
    }
  }

  private TypeCache cache(ResourceType type) {
    if (closed) {
      throw new StorageException(StorageErrorCode.UNAVAILABLE, "the store is closed");
    }
    return caches.computeIfAbsent(type, t -> new TypeCache(this, t));
  }

  ResourceStore store() {
    return delegate();
  }

  WatchCacheOptions options() {
    return options;
  }

  ExecutorService executor() {
    return executor;
  }

  ScheduledExecutorService scheduler() {
    return scheduler;
  }

  /** The store's continue tokens, fetched once (again after a failure). */
  CompletableFuture<ListTokens> tokens() {
    CompletableFuture<ListTokens> current = tokens;
    if (current == null || current.isCompletedExceptionally()) {
      current = delegate().listTokens().toCompletableFuture();
      tokens = current;
    }
    return current;
  }

  private static ThreadFactory daemon(String prefix) {
    AtomicInteger count = new AtomicInteger();
    return runnable -> {
      Thread thread = new Thread(runnable, prefix + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }
}
