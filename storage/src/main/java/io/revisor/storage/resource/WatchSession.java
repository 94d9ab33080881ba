package io.revisor.storage.resource;

import io.revisor.storage.kv.KeyRange;
import io.revisor.storage.kv.KeyValue;
import io.revisor.storage.kv.KvErrorCode;
import io.revisor.storage.kv.KvEvent;
import io.revisor.storage.kv.KvException;
import io.revisor.storage.kv.KvStore;
import io.revisor.storage.kv.KvWatch;
import io.revisor.storage.kv.KvWatchListener;
import io.revisor.storage.kv.WatchRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One resource watch: a KV watch on the type's (or namespace's, or object's) current keys, turned into Kubernetes
 * events. Backend callbacks only enqueue; a drain task on the dispatch executor turns queued items into events and
 * delivers them one at a time, so the backend and other watchers never wait for this listener. A listener that
 * falls {@code watchQueueLimit} events behind is ended with TOO_SLOW (Kubernetes clients then watch again from the
 * last resourceVersion they saw, losing nothing). A listener that is not {@link ResourceWatchListener#ready() ready}
 * pauses delivery (between queued items) until {@link #resume()}; changes keep counting against the limit.
 */
final class WatchSession implements ResourceWatch, KvWatchListener {
  private static final Logger LOG = LoggerFactory.getLogger(WatchSession.class);

  /** Queue items: KV batches and progress marks are translated when drained; ready events go out as they are. */
  private record Progress(long revision) {}

  private record Terminal(StorageException error) {}

  private final KvResourceStore store;
  private final KvStore kv;
  private final ResourceType type;
  private final WatchOptions options;
  private final ResourceWatchListener listener;
  private final Executor executor;
  private final ScheduledExecutorService scheduler;
  private final Consumer<WatchSession> onEnd;
  private final String namespace;

  private final Queue<Object> queue = new ConcurrentLinkedQueue<>();
  private final AtomicInteger queuedEvents = new AtomicInteger();
  private final AtomicBoolean draining = new AtomicBoolean();
  /** Set when the listener was not ready: delivery waits for {@link #resume()}. */
  private final AtomicBoolean paused = new AtomicBoolean();
  private final AtomicBoolean terminating = new AtomicBoolean();
  private volatile boolean ended;
  /** Set when the watch ends without delivering what is still queued (close, TOO_SLOW). */
  private volatile boolean discarding;
  private volatile KvWatch kvWatch;
  private volatile ScheduledFuture<?> bookmarkTask;
  /** The highest revision delivered; set once before delivery starts, then only touched by the drain task. */
  private long delivered;

  WatchSession(
      KvResourceStore store, KvStore kv, ResourceType type, WatchOptions options, ResourceWatchListener listener,
      Executor executor, ScheduledExecutorService scheduler, Consumer<WatchSession> onEnd) {
    this.store = store;
    this.kv = kv;
    this.type = type;
    this.options = options;
    this.listener = listener;
    this.executor = executor;
    this.scheduler = scheduler;
    this.onEnd = onEnd;
    this.namespace = type.namespaced() ? options.namespace() : null;
  }

  void start() {
    if (!options.initialEvents()) {
      // Set before the backend watch starts, so the drain task sees it: bookmarks never go below the start.
      delivered = options.revision();
      watchFrom(options.revision() == 0 ? 0 : options.revision() + 1);
      return;
    }
    ListOptions all = new ListOptions(namespace, options.predicate(), 0, null, options.revision());
    store.list(type, all).whenComplete((list, error) -> {
      if (error != null) {
        fail(StorageException.from(error));
        return;
      }
      for (StoredObject object : list.items()) {
        queue.add(WatchEvent.of(WatchEvent.Type.ADDED, object));
      }
      if (options.bookmarks()) {
        queue.add(WatchEvent.bookmark(list.resourceVersion(), true));
      }
      drain();
      watchFrom(list.resourceVersion() + 1);
    });
  }

  private void watchFrom(long startRevision) {
    if (terminating.get()) {
      return;
    }
    String single = options.predicate().singleName();
    String prefix = store.keys().currentPrefix(type, namespace);
    KeyRange range = single != null && (namespace != null || !type.namespaced())
        ? KeyRange.single(prefix + single)
        : KeyRange.prefix(prefix);
    kvWatch = kv.watch(new WatchRequest(range, startRevision, true, options.bookmarks()), this);
    if (options.bookmarks()) {
      long every = Math.max(1, options.bookmarkInterval().toMillis());
      bookmarkTask = scheduler.scheduleAtFixedRate(this::requestProgress, every, every, TimeUnit.MILLISECONDS);
    }
    if (terminating.get()) {
      stopBackend();
    }
  }

  private void requestProgress() {
    KvWatch w = kvWatch;
    if (w != null && !terminating.get()) {
      w.requestProgress();
    }
  }

  // ------------------------------------------------------------------------------------ backend callbacks

  @Override
  public void onEvents(List<KvEvent> events) {
    if (terminating.get()) {
      return;
    }
    queue.add(events);
    if (queuedEvents.addAndGet(events.size()) > store.options().watchQueueLimit()) {
      fail(new StorageException(StorageErrorCode.TOO_SLOW,
          "watch of " + type.qualifiedName() + " fell more than " + store.options().watchQueueLimit()
              + " events behind and was closed; watch again from the last resourceVersion received"));
      return;
    }
    drain();
  }

  @Override
  public void onProgress(long revision) {
    if (options.bookmarks() && !terminating.get()) {
      // When the backend's progress may run ahead of undelivered events, a bookmark at that revision could make a
      // client resume past events it never saw; such bookmarks carry the last delivered revision instead.
      queue.add(new Progress(kv.progressIsExact() ? revision : 0));
      drain();
    }
  }

  @Override
  public void onError(KvException error) {
    StorageException failure = error.code() == KvErrorCode.COMPACTED
        ? new StorageException(StorageErrorCode.COMPACTED,
            "The resourceVersion for the provided watch is too old.", error.revision(), error)
        : StorageException.from(error);
    end(failure, false);
  }

  // ------------------------------------------------------------------------------------ ending

  @Override
  public void close() {
    end(null, true);
  }

  @Override
  public void resume() {
    if (paused.compareAndSet(true, false)) {
      drain();
    }
  }

  /** Ends the watch with {@code error}, dropping whatever is still queued. */
  void fail(StorageException error) {
    end(error, true);
  }

  private void end(StorageException error, boolean dropQueued) {
    if (!terminating.compareAndSet(false, true)) {
      return;
    }
    stopBackend();
    if (dropQueued) {
      discarding = true;
      queue.clear();
    }
    queue.add(new Terminal(error));
    drain();
  }

  private void stopBackend() {
    ScheduledFuture<?> task = bookmarkTask;
    if (task != null) {
      task.cancel(false);
    }
    KvWatch w = kvWatch;
    if (w != null) {
      w.close();
    }
  }

  // ------------------------------------------------------------------------------------ delivery

  private void drain() {
    if (draining.compareAndSet(false, true)) {
      try {
        executor.execute(this::drainNext);
      } catch (java.util.concurrent.RejectedExecutionException e) {
        draining.set(false);
      }
    }
  }

  private void drainNext() {
    Object head = queue.peek();
    if (head != null && !(head instanceof Terminal) && !ended && !listener.ready()) {
      paused.set(true);
      draining.set(false);
      if (listener.ready()) {
        resume(); // the listener became ready while this task was pausing
      }
      return;
    }
    Object item = queue.poll();
    if (item == null || ended) {
      draining.set(false);
      if (!ended && !queue.isEmpty()) {
        drain();
      }
      return;
    }
    if (item instanceof Terminal terminal) {
      ended = true;
      queue.clear();
      onEnd.accept(this);
      try {
        listener.onClose(terminal.error());
      } catch (RuntimeException e) {
        LOG.warn("watch listener failed on close", e);
      }
      return;
    }
    translate(item).whenComplete((events, error) -> {
      if (item instanceof List<?> batch) {
        queuedEvents.addAndGet(-batch.size());
      }
      if (error != null) {
        fail(StorageException.from(error));
      } else if (!discarding) {
        deliver(events);
      }
      try {
        executor.execute(this::drainNext);
      } catch (java.util.concurrent.RejectedExecutionException e) {
        draining.set(false);
      }
    });
  }

  private void deliver(List<WatchEvent> events) {
    for (WatchEvent event : events) {
      if (ended) {
        return;
      }
      event = event.after(delivered);
      delivered = Math.max(delivered, event.resourceVersion());
      try {
        listener.onEvent(event);
      } catch (RuntimeException e) {
        LOG.warn("watch listener failed; closing the watch", e);
        fail(StorageException.internal("watch listener failed: " + e, e));
        return;
      }
    }
  }

  @SuppressWarnings("unchecked")
  private CompletableFuture<List<WatchEvent>> translate(Object item) {
    if (item instanceof WatchEvent ready) {
      return CompletableFuture.completedFuture(List.of(ready));
    }
    if (item instanceof Progress progress) {
      return CompletableFuture.completedFuture(List.of(WatchEvent.bookmark(progress.revision(), false)));
    }
    List<CompletableFuture<WatchEvent>> events = new ArrayList<>();
    for (KvEvent event : (List<KvEvent>) item) {
      events.add(translate(event));
    }
    return Futures.all(events).thenApply(all -> all.stream().filter(e -> e != null).toList());
  }

  /** Kubernetes' watch rules for one change; null when the change is not visible through the predicate. */
  private CompletableFuture<WatchEvent> translate(KvEvent event) {
    ObjectKey key = store.keys().parseCurrent(type, event.kv().key());
    if (key == null) {
      return CompletableFuture.completedFuture(null);
    }
    long rv = event.revision();
    CompletableFuture<byte[]> previous = event.prevKv() == null
        ? CompletableFuture.completedFuture(null)
        : bodyOf(event.prevKv());
    if (event.type() == KvEvent.Type.DELETE) {
      return previous.thenApply(old -> {
        byte[] last = old != null ? old : ObjectJson.stub(key);
        if (old != null && !ObjectJson.matches(key, old, options.predicate())) {
          return null;
        }
        return deleted(key, last, rv);
      });
    }
    Envelope stored = Envelope.decode(event.kv().key(), event.kv().value());
    return previous.thenCombine(store.body(event.kv().key(), stored), (old, now) -> {
      boolean nowMatches = ObjectJson.matches(key, now, options.predicate());
      boolean oldMatches = old != null && ObjectJson.matches(key, old, options.predicate());
      if (nowMatches && (oldMatches || old == null && event.kv().version() > 1)) {
        return WatchEvent.of(WatchEvent.Type.MODIFIED, VersionRecord.current(key, stored, now, rv));
      }
      if (nowMatches) {
        return WatchEvent.of(WatchEvent.Type.ADDED, VersionRecord.current(key, stored, now, rv));
      }
      if (oldMatches) {
        return deleted(key, old, rv);
      }
      return null;
    });
  }

  private static WatchEvent deleted(ObjectKey key, byte[] body, long rv) {
    return event(WatchEvent.Type.DELETED, key, body, rv);
  }

  private static WatchEvent event(WatchEvent.Type type, ObjectKey key, byte[] body, long rv) {
    return WatchEvent.of(type, new StoredObject(key, ObjectJson.withResourceVersion(body, rv), rv));
  }

  private CompletableFuture<byte[]> bodyOf(KeyValue stored) {
    return store.body(stored.key(), Envelope.decode(stored.key(), stored.value()));
  }
}
