package io.revisor.storage.kv.etcd;

import io.etcd.jetcd.Watch;
import io.etcd.jetcd.common.exception.CompactedException;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcd.jetcd.watch.WatchResponse;
import io.revisor.storage.kv.KvErrorCode;
import io.revisor.storage.kv.KvEvent;
import io.revisor.storage.kv.KvException;
import io.revisor.storage.kv.KvWatch;
import io.revisor.storage.kv.KvWatchListener;
import io.revisor.storage.kv.WatchRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One SPI watch, backed by a succession of jetcd watchers.
 *
 * <p>Why not let jetcd resume: jetcd reopens a failed watch from a revision it tracks itself, which after the
 * "created" response is the header revision, so it can skip events between the requested start revision and the
 * creation, or repeat the event at the header revision. This class instead closes the failed jetcd watcher and
 * opens a new one from {@code nextRevision}: the revision after the last event delivered. Events below it are dropped, so nothing is repeated.
 *
 * <p>Threading: jetcd calls back on Vert.x event-loop threads, some of them while holding jetcd's watch lock. Every
 * callback is only queued here; one task at a time drains the queue on the delivery executor, so the listener is
 * never called concurrently, always in order, and never while a jetcd lock is held. All mutable state except the
 * two close flags is touched only by that drain.
 */
final class EtcdWatch implements KvWatch {
  private static final Logger LOG = LoggerFactory.getLogger(EtcdWatch.class);

  /** Reopening faster than this only spins while etcd is down. */
  private static final Duration MIN_RESUME_DELAY = Duration.ofMillis(100);

  private final Watch watchClient;
  private final EtcdKeys.EtcdRange range;
  private final WatchRequest request;
  private final KvWatchListener listener;
  private final ScheduledExecutorService scheduler;
  private final Executor deliveryExecutor;
  private final EtcdKvStoreOptions.Retry backoff;
  private final Runnable onFinished;

  private final Queue<Runnable> queue = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean draining = new AtomicBoolean();
  private final AtomicBoolean closedByUser = new AtomicBoolean();
  /** Set once the watch ended with an error (compaction, store closed): nothing is delivered after it. */
  private volatile boolean terminated;

  // Touched only inside the drain.
  private long nextRevision;
  private long lastProgress;
  private int generation;
  private int failures;
  private volatile Watch.Watcher current;

  EtcdWatch(Watch watchClient, WatchRequest request, KvWatchListener listener, ScheduledExecutorService scheduler,
      Executor deliveryExecutor, EtcdKvStoreOptions.Retry backoff, Runnable onFinished) {
    this.watchClient = watchClient;
    this.range = EtcdKeys.toEtcd(request.range());
    this.request = request;
    this.listener = listener;
    this.scheduler = scheduler;
    this.deliveryExecutor = deliveryExecutor;
    this.backoff = backoff;
    this.onFinished = onFinished;
    this.nextRevision = request.startRevision();
  }

  void start() {
    submit(this::open);
  }

  @Override
  public synchronized void requestProgress() {
    Watch.Watcher w = current;
    if (w != null && !closedByUser.get() && !terminated) {
      w.requestProgress();
    }
  }

  @Override
  public void close() {
    if (closedByUser.compareAndSet(false, true)) {
      onFinished.run();
      submit(this::retireCurrent);
    }
  }

  /** The store is closing: report CLOSED (unless the user closed the watch first) and stop. */
  void storeClosed() {
    terminate(new KvException(KvErrorCode.CLOSED, "the etcd store was closed"));
  }

  /** Reports {@code error} once as the watch's end; later callbacks are ignored. Any thread. */
  void terminate(KvException error) {
    submit(() -> {
      if (terminated) {
        return;
      }
      terminated = true;
      retireCurrent();
      onFinished.run();
      if (!closedByUser.get()) {
        try {
          listener.onError(error);
        } catch (RuntimeException e) {
          LOG.warn("watch listener failed in onError", e);
        }
      }
    });
  }

  private boolean active() {
    return !terminated && !closedByUser.get();
  }

  private void open() {
    if (!active()) {
      return;
    }
    int gen = ++generation;
    WatchOption.Builder option = WatchOption.builder()
        .withRevision(nextRevision)
        .withPrevKV(request.prevKv())
        .withProgressNotify(request.progressNotify())
        // The created response tells the revision a watch "from now" starts after.
        .withCreateNotify(true);
    if (range.end() != null) {
      option.withRange(range.endBytes());
    }
    try {
      current = watchClient.watch(range.keyBytes(), option.build(), Watch.listener(
          response -> submit(() -> onResponse(gen, response)),
          failure -> submit(() -> onFailure(gen, failure)),
          () -> submit(() -> onCompleted(gen))));
    } catch (RuntimeException e) {
      // The watch client refuses new watchers once closed; the store's close reports that.
      onFailure(gen, e);
    }
  }

  private void onResponse(int gen, WatchResponse response) {
    if (gen != generation || !active()) {
      return;
    }
    long header = response.getHeader().getRevision();
    if (response.isCreatedNotify()) {
      failures = 0;
      if (nextRevision == 0) {
        nextRevision = header + 1;
      }
      return;
    }
    if (response.isProgressNotify()) {
      // etcd 3.4.23 can send a progress notification whose revision is ahead of events it has not sent yet (etcd
      // issue 15220, fixed in later patch releases), so progress never moves nextRevision: trusting it would drop
      // those events as duplicates. Reporting it is still useful; it is only kept from going backwards.
      if (header >= nextRevision - 1 && header >= lastProgress) {
        lastProgress = header;
        deliver(() -> listener.onProgress(header));
      }
      return;
    }
    List<KvEvent> events = new ArrayList<>(response.getEvents().size());
    for (WatchEvent e : response.getEvents()) {
      KvEvent event = toEvent(e);
      if (event != null && event.revision() >= nextRevision) {
        events.add(event);
      }
    }
    if (!events.isEmpty()) {
      nextRevision = events.get(events.size() - 1).revision() + 1;
      deliver(() -> listener.onEvents(List.copyOf(events)));
    }
  }

  private void onFailure(int gen, Throwable failure) {
    if (gen != generation || !active()) {
      return;
    }
    Throwable t = EtcdErrors.unwrap(failure);
    if (t instanceof CompactedException compacted) {
      terminated = true;
      retireCurrent();
      onFinished.run();
      long from = nextRevision;
      KvException error = KvException.compacted(from, compacted.getCompactedRevision());
      deliver(() -> listener.onError(error));
      return;
    }
    if (!EtcdErrors.isTransientWatchFailure(t)) {
      terminated = true;
      retireCurrent();
      onFinished.run();
      KvException error = EtcdErrors.toKvException(t, nextRevision, false);
      deliver(() -> listener.onError(error));
      return;
    }
    LOG.debug("watch on {} failed, reopening from revision {}: {}", request.range(), nextRevision, t.toString());
    scheduleReopen();
  }

  private void onCompleted(int gen) {
    // jetcd completes a watcher we did not close when the server ends the stream: treat it as a broken stream.
    if (gen != generation || !active()) {
      return;
    }
    scheduleReopen();
  }

  private void scheduleReopen() {
    retireCurrent();
    failures++;
    long capNanos = Math.max(backoff.backoffCap(failures).toNanos(), MIN_RESUME_DELAY.toNanos());
    long delay = MIN_RESUME_DELAY.toNanos() + ThreadLocalRandom.current().nextLong(capNanos);
    try {
      scheduler.schedule(() -> submit(this::open), delay, TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      // The store is closing; its close reports CLOSED.
    }
  }

  /** Stops the current jetcd watcher; its later callbacks carry an old generation and are ignored. */
  private void retireCurrent() {
    generation++;
    Watch.Watcher w = current;
    current = null;
    if (w != null) {
      try {
        w.close();
      } catch (RuntimeException e) {
        LOG.debug("closing a jetcd watcher failed", e);
      }
    }
  }

  private KvEvent toEvent(WatchEvent e) {
    KvEvent.Type type = switch (e.getEventType()) {
      case PUT -> KvEvent.Type.PUT;
      case DELETE -> KvEvent.Type.DELETE;
      default -> null;
    };
    if (type == null) {
      return null;
    }
    return new KvEvent(type, EtcdKeys.toKeyValue(e.getKeyValue()),
        request.prevKv() ? EtcdKeys.toPrevKeyValue(e.getPrevKV()) : null);
  }

  /** Calls the listener unless the user closed the watch meanwhile. Inside the drain only. */
  private void deliver(Runnable call) {
    if (closedByUser.get()) {
      return;
    }
    try {
      call.run();
    } catch (RuntimeException e) {
      LOG.warn("watch listener failed", e);
    }
  }

  private void submit(Runnable task) {
    queue.add(task);
    scheduleDrain();
  }

  private void scheduleDrain() {
    if (draining.compareAndSet(false, true)) {
      try {
        deliveryExecutor.execute(this::drain);
      } catch (RejectedExecutionException e) {
        // The store is closed and its executor gone, but a CLOSED error may still be owed to the listener (a watch
        // started after close). Such stragglers are rare and short: the common pool can take them.
        ForkJoinPool.commonPool().execute(this::drain);
      }
    }
  }

  private void drain() {
    try {
      Runnable task;
      while ((task = queue.poll()) != null) {
        try {
          task.run();
        } catch (RuntimeException e) {
          LOG.warn("watch task failed", e);
        }
      }
    } finally {
      draining.set(false);
      if (!queue.isEmpty()) {
        scheduleDrain();
      }
    }
  }
}
