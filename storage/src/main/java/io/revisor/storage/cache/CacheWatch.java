package io.revisor.storage.cache;

import io.revisor.storage.resource.ResourceWatch;
import io.revisor.storage.resource.ResourceWatchListener;
import io.revisor.storage.resource.StorageErrorCode;
import io.revisor.storage.resource.StorageException;
import io.revisor.storage.resource.WatchEvent;
import io.revisor.storage.resource.WatchOptions;
import java.util.Iterator;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One API watch served from a {@link TypeCache}. The cache offers it every change under its lock, in revision order;
 * offering only filters and enqueues, so the cache, writers and other watchers never wait for this one. A drain task
 * on the delivery executor hands events to the listener, one at a time. A backlog (initial events, or the window's
 * changes a resumed watch missed) is read lazily before the queue and does not count against the buffer; a watcher
 * whose queue grows beyond the buffer is ended with TOO_SLOW. A listener that is not {@link
 * ResourceWatchListener#ready() ready} pauses delivery until {@link #resume()}: the backlog waits unread, changes
 * wait in the queue (and count against the buffer).
 */
final class CacheWatch implements ResourceWatch {
  private static final Logger LOG = LoggerFactory.getLogger(CacheWatch.class);
  /** Events one drain task delivers before it yields its thread to other watchers. */
  private static final int DRAIN_BATCH = 256;

  private record Terminal(StorageException error) {}

  private final TypeCache cache;
  private final WatchOptions options;
  private final String namespace;
  private final ResourceWatchListener listener;
  private final Executor executor;
  private final int buffer;

  private final Queue<Object> queue = new ConcurrentLinkedQueue<>();
  private final AtomicInteger queued = new AtomicInteger();
  private final AtomicBoolean draining = new AtomicBoolean();
  private final AtomicBoolean ending = new AtomicBoolean();
  /** Set when the listener was not ready: delivery waits for {@link #resume()}. */
  private final AtomicBoolean paused = new AtomicBoolean();
  private volatile boolean ended;
  /** Events before the queue's; null once read. Set before the watch is registered, then read by the drain task. */
  private volatile Iterator<WatchEvent> backlog;
  private volatile ScheduledFuture<?> bookmarks;
  /** Set when the cache could not serve this watch and passed it to the store. */
  private volatile ResourceWatch forwarded;
  /** The highest revision delivered (or the start revision); touched by the drain task only. */
  private long delivered;
  /** Changes up to this revision are not for this watch. Set under the cache's lock before any is offered. */
  private long startRevision;

  CacheWatch(TypeCache cache, WatchOptions options, String namespace, ResourceWatchListener listener,
      Executor executor, int buffer) {
    this.cache = cache;
    this.options = options;
    this.namespace = namespace;
    this.listener = listener;
    this.executor = executor;
    this.buffer = buffer;
  }

  WatchOptions options() {
    return options;
  }

  /** The namespace watched; null for all (and for cluster-scoped types). */
  String namespace() {
    return namespace;
  }

  /** Called once, under the cache's lock, before the watch receives any change. */
  void begin(long startRevision, Iterator<WatchEvent> backlog) {
    this.startRevision = startRevision;
    this.delivered = startRevision;
    this.backlog = backlog;
    drain();
  }

  void bookmarks(ScheduledFuture<?> task) {
    this.bookmarks = task;
    if (ending.get()) {
      task.cancel(false);
    }
  }

  /**
   * Serves this watch from the store instead (the cache could not answer it): {@code open} starts the store's watch,
   * whose events and end go straight to the listener (the store orders and bounds them itself). Closing this watch
   * closes the store's, which then reports the end.
   */
  synchronized void forward(java.util.function.Function<ResourceWatchListener, ResourceWatch> open) {
    if (ending.get()) {
      return;
    }
    forwarded = open.apply(new ResourceWatchListener() {
      @Override
      public void onEvent(WatchEvent event) {
        listener.onEvent(event);
      }

      @Override
      public void onClose(StorageException error) {
        ending.set(true);
        listener.onClose(error);
      }
    });
  }

  boolean ending() {
    return ending.get();
  }

  /** A change, offered under the cache's lock, in revision order. */
  void offer(Change change) {
    if (change.revision <= startRevision) {
      return;
    }
    WatchEvent event = change.visibleTo(namespace, options.predicate());
    if (event != null) {
      enqueue(event);
    }
  }

  /** A bookmark at {@code revision}, offered under the cache's lock after every change up to it. */
  void bookmark(long revision) {
    enqueue(new WatchEvent(WatchEvent.Type.BOOKMARK, null, revision, false));
  }

  private void enqueue(WatchEvent event) {
    if (ending.get()) {
      return;
    }
    if (queued.incrementAndGet() > buffer) {
      end(new StorageException(StorageErrorCode.TOO_SLOW,
          "watch of " + cache.type().qualifiedName() + " fell more than " + buffer
              + " events behind and was closed; watch again from the last resourceVersion received"));
      return;
    }
    queue.add(event);
    if (!paused.get()) {
      drain();
    }
  }

  @Override
  public void resume() {
    ResourceWatch store = forwarded;
    if (store != null) {
      store.resume();
    } else if (paused.compareAndSet(true, false)) {
      drain();
    }
  }

  @Override
  public void close() {
    end(null);
  }

  /** Ends the watch with {@code error} (null: closed by its owner), dropping whatever it has not delivered. */
  void end(StorageException error) {
    ResourceWatch store;
    synchronized (this) {
      if (!ending.compareAndSet(false, true)) {
        return;
      }
      store = forwarded;
    }
    if (store != null) {
      store.close();
      return;
    }
    ScheduledFuture<?> task = bookmarks;
    if (task != null) {
      task.cancel(false);
    }
    cache.unregister(this);
    backlog = null;
    queue.clear();
    queue.add(new Terminal(error));
    drain();
  }

  private void drain() {
    if (draining.compareAndSet(false, true)) {
      try {
        executor.execute(this::drainSome);
      } catch (RejectedExecutionException e) {
        // The cache is closing: what is left (its end, at least) is delivered on this thread.
        drainSome();
      }
    }
  }

  private void drainSome() {
    for (int i = 0; i < DRAIN_BATCH && !ended; i++) {
      if (!ending.get() && !listener.ready()) {
        paused.set(true);
        break;
      }
      Object item = next();
      if (item == null) {
        break;
      }
      if (item instanceof Terminal terminal) {
        ended = true;
        try {
          listener.onClose(terminal.error());
        } catch (RuntimeException e) {
          LOG.warn("watch listener failed on close", e);
        }
        break;
      }
      deliver((WatchEvent) item);
    }
    draining.set(false);
    if (paused.get() && (ending.get() || listener.ready())) {
      resume(); // the listener became ready (or the watch ended) while this task was pausing
    } else if (!paused.get() && !ended && (backlog != null || !queue.isEmpty())) {
      drain();
    }
  }

  private Object next() {
    Iterator<WatchEvent> pending = backlog;
    if (pending != null && !ending.get()) {
      while (pending.hasNext()) {
        WatchEvent event = pending.next();
        if (event != null) {
          return event;
        }
      }
      backlog = null;
    }
    Object item = queue.poll();
    if (item instanceof WatchEvent) {
      queued.decrementAndGet();
    }
    return item;
  }

  private void deliver(WatchEvent event) {
    event = event.after(delivered);
    delivered = Math.max(delivered, event.resourceVersion());
    try {
      listener.onEvent(event);
    } catch (RuntimeException e) {
      LOG.warn("watch listener failed; closing the watch", e);
      end(StorageException.internal("watch listener failed: " + e, e));
    }
  }
}
