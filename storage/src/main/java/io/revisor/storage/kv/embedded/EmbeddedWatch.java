package io.revisor.storage.kv.embedded;

import io.revisor.storage.kv.KeyRange;
import io.revisor.storage.kv.KvErrorCode;
import io.revisor.storage.kv.KvEvent;
import io.revisor.storage.kv.KvException;
import io.revisor.storage.kv.KvWatch;
import io.revisor.storage.kv.KvWatchListener;
import io.revisor.storage.kv.WatchRequest;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One watch of an {@link EmbeddedKvStore}, in etcd's two states: <em>synced</em> (the writer hands it each
 * committed transaction's events) or <em>unsynced</em> (it catches up by replaying the revision log, in bounded
 * steps, on its own delivery task). A new watch starts unsynced; a synced one whose queue overflows becomes unsynced
 * again instead of blocking the writer. {@code nextRevision} is the first revision not yet queued: the writer hands
 * over revision {@code r} only when {@code r == nextRevision}, and a catch-up step becomes synced only when it has
 * queued everything the writer published, so there is neither gap nor duplicate at the switch.
 *
 * <p>One delivery task at a time ({@code running}) makes callbacks of one watch never overlap. The lock guards the
 * queue and state only; listeners are called without it.
 */
final class EmbeddedWatch implements KvWatch {
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedWatch.class);

  /** Queued event batches above which a synced watch falls back to replaying from the log. */
  static final int MAX_QUEUED_BATCHES = 1024;

  /** Queue items other than event batches. */
  private record Progress(long revision) {}

  private final EmbeddedKvStore store;
  private final KeyRange range;
  private final boolean prevKv;
  private final boolean progressNotify;
  private final KvWatchListener listener;
  private final Object lock = new Object();

  // guarded by lock
  private final ArrayDeque<Object> queue = new ArrayDeque<>();
  private long nextRevision;
  private boolean synced;
  private boolean running;
  private boolean closed;
  private boolean ended;
  private boolean progressPending;

  EmbeddedWatch(EmbeddedKvStore store, WatchRequest request, KvWatchListener listener, long nextRevision) {
    this.store = store;
    this.range = request.range();
    this.prevKv = request.prevKv();
    this.progressNotify = request.progressNotify();
    this.listener = listener;
    this.nextRevision = nextRevision;
  }

  boolean wantsProgressNotify() {
    return progressNotify;
  }

  /** Starts catching up from the start revision. */
  void start() {
    synchronized (lock) {
      schedule();
    }
  }

  /** Called by the writer, in revision order, after revision {@code revision} is durable and visible. */
  void onCommit(long revision, List<KvEvent> events) {
    List<KvEvent> mine = filter(events);
    synchronized (lock) {
      if (closed || ended || !synced || revision < nextRevision) {
        return;
      }
      if (revision > nextRevision) { // cannot happen while synced; recover by replaying
        synced = false;
        schedule();
        return;
      }
      if (!mine.isEmpty()) {
        if (queue.size() >= MAX_QUEUED_BATCHES) {
          synced = false; // a slow listener: replay this revision and the next ones from the log later
          schedule();
          return;
        }
        queue.add(mine);
      }
      nextRevision = revision + 1;
      schedule();
    }
  }

  private List<KvEvent> filter(List<KvEvent> events) {
    List<KvEvent> mine = new ArrayList<>();
    for (KvEvent e : events) {
      if (range.contains(e.kv().key())) {
        mine.add(prevKv || e.prevKv() == null ? e : new KvEvent(e.type(), e.kv(), null));
      }
    }
    return mine;
  }

  @Override
  public void requestProgress() {
    synchronized (lock) {
      if (closed || ended) {
        return;
      }
      if (synced) {
        queue.add(new Progress(Math.min(nextRevision - 1, store.publishedRevision())));
      } else {
        progressPending = true;
      }
      schedule();
    }
  }

  /** Ends the watch with {@code error} (delivered once, after what is already queued is dropped). */
  void fail(KvException error) {
    synchronized (lock) {
      if (closed || ended) {
        return;
      }
      ended = true;
      queue.clear();
      queue.add(error);
      schedule();
    }
  }

  @Override
  public void close() {
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      queue.clear();
    }
    store.unregister(this);
  }

  private void schedule() {
    if (running) {
      return;
    }
    running = true;
    try {
      store.deliveryExecutor().execute(this::drain);
    } catch (RejectedExecutionException e) {
      running = false; // the store is closing; nothing more will be delivered
    }
  }

  /** The delivery task: delivers queued items, or catches up from the log, a bounded number of steps per run. */
  private void drain() {
    for (int step = 0; step < 64; step++) {
      Object item;
      long from = 0;
      synchronized (lock) {
        if (closed) {
          running = false;
          return;
        }
        item = queue.poll();
        if (item == null) {
          if (synced || ended) {
            running = false;
            return;
          }
          from = nextRevision;
        }
      }
      if (item == null) {
        catchUp(from);
      } else {
        deliver(item);
      }
    }
    synchronized (lock) { // yield the delivery thread to other watches, then continue
      running = false;
      schedule();
    }
  }

  private void catchUp(long from) {
    EmbeddedKvStore.Replay replay;
    try {
      replay = store.replay(range, prevKv, from);
    } catch (KvException e) {
      fail(e);
      return;
    } catch (RuntimeException e) {
      fail(store.isClosed() ? new KvException(KvErrorCode.CLOSED, "store closed")
          : new KvException(KvErrorCode.INTERNAL, "watch replay failed", e));
      return;
    }
    synchronized (lock) {
      if (closed || ended) {
        return;
      }
      if (!replay.events().isEmpty()) {
        queue.add(replay.events());
      }
      nextRevision = replay.upTo() + 1;
      if (nextRevision > store.publishedRevision()) {
        synced = true;
        if (progressPending) {
          progressPending = false;
          queue.add(new Progress(Math.min(nextRevision - 1, store.publishedRevision())));
        }
      }
    }
  }

  @SuppressWarnings("unchecked")
  private void deliver(Object item) {
    try {
      if (item instanceof KvException error) {
        synchronized (lock) {
          closed = true;
        }
        store.unregister(this);
        listener.onError(error);
      } else if (item instanceof Progress p) {
        listener.onProgress(p.revision());
      } else {
        listener.onEvents((List<KvEvent>) item);
      }
    } catch (RuntimeException e) {
      LOG.warn("watch listener failed; the watch continues", e);
    }
  }
}
