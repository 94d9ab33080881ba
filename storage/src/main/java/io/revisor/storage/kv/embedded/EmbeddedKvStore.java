package io.revisor.storage.kv.embedded;

import io.revisor.storage.kv.Compare;
import io.revisor.storage.kv.KeyRange;
import io.revisor.storage.kv.KeyValue;
import io.revisor.storage.kv.Keys;
import io.revisor.storage.kv.KvErrorCode;
import io.revisor.storage.kv.KvEvent;
import io.revisor.storage.kv.KvException;
import io.revisor.storage.kv.KvOp;
import io.revisor.storage.kv.KvStore;
import io.revisor.storage.kv.KvWatch;
import io.revisor.storage.kv.KvWatchListener;
import io.revisor.storage.kv.RangeRequest;
import io.revisor.storage.kv.RangeResult;
import io.revisor.storage.kv.TxnRequest;
import io.revisor.storage.kv.TxnResult;
import io.revisor.storage.kv.WatchRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.h2.mvstore.Cursor;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.RootReference;
import org.h2.mvstore.type.ByteArrayDataType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded {@link KvStore}: in-process, durable in one directory, with etcd's semantics, built on H2 MVStore.
 *
 * <p><b>Writes.</b> One writer thread applies transactions one after the other (so revisions are gapless and in
 * commit order) and commits each group of queued transactions as one MVStore commit followed by an fsync, before
 * any of them is acknowledged or becomes visible: an acknowledged write survives a crash. Group commit amortises the
 * fsync under concurrent writers without weakening that guarantee.
 *
 * <p><b>Reads</b> never lock: a read captures the published revision, then the data map's current root (an
 * immutable copy-on-write tree), and ignores versions above that revision, so it never sees half a transaction nor a
 * transaction that is not yet durable. Reads below the compacted revision fail with COMPACTED; the compacted revision
 * is read after the root, so a compaction that starts later cannot have removed anything the root shows.
 *
 * <p><b>Compaction</b> records the new compacted revision durably, then removes old versions and log entries in
 * bounded steps queued behind writes, so writers are never stalled for long. Within one key, superseded versions go
 * before the tombstone that ends them, so a reader at or above the compacted revision is right at every step.
 *
 * <p><b>Watches</b> are fed by the writer after each commit, each through its own bounded queue and delivery task
 * (see {@link EmbeddedWatch}), so a slow listener never blocks writers or other watches.
 *
 * <p>Thread-safe. Every call is bounded by {@link EmbeddedKvStoreOptions#requestTimeout()}. One instance per
 * directory: MVStore locks the file.
 */
public final class EmbeddedKvStore implements KvStore {
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKvStore.class);

  static final String FILE_NAME = "revisor-kv.mv.db";
  private static final String META_REVISION = "revision";
  private static final String META_COMPACTED = "compacted";
  private static final String META_COMPACTED_PHYSICALLY = "compactedPhysically";
  private static final int MAX_GROUP = 256;
  private static final int COMPACTION_STEP_KEYS = 1000;
  private static final int REPLAY_STEP_REVISIONS = 512;

  private final EmbeddedKvStoreOptions options;
  private final MVStore mv;
  private final MVMap<byte[], byte[]> data;
  private final MVMap<byte[], byte[]> log;
  private final MVMap<String, Long> meta;

  /** The latest durable revision; reads see up to it. */
  private volatile long currentRevision;
  /** The latest revision handed to watches; always {@code <= currentRevision}. */
  private volatile long publishedRevision;
  private volatile long compactedRevision;
  /** The revision of the latest applied (maybe not yet durable) write; writer thread only. */
  private long writerRevision;

  private final BlockingQueue<WriteTask> writes = new LinkedBlockingQueue<>();
  private final Thread writer;
  private volatile boolean stopWriter;
  private final ExecutorService readers;
  private final ExecutorService delivery;
  private final ScheduledExecutorService timer;
  private final List<EmbeddedWatch> watches = new CopyOnWriteArrayList<>();
  private final AtomicBoolean closed = new AtomicBoolean();

  private EmbeddedKvStore(EmbeddedKvStoreOptions options, MVStore mv) {
    this.options = options;
    this.mv = mv;
    MVMap.Builder<byte[], byte[]> bytesMap =
        new MVMap.Builder<byte[], byte[]>().keyType(UnsignedBytesType.INSTANCE).valueType(ByteArrayDataType.INSTANCE);
    this.data = mv.openMap("data", bytesMap);
    this.log = mv.openMap("log", bytesMap);
    this.meta = mv.openMap("meta");
    this.currentRevision = meta.getOrDefault(META_REVISION, 0L);
    this.publishedRevision = currentRevision;
    this.writerRevision = currentRevision;
    this.compactedRevision = meta.getOrDefault(META_COMPACTED, 0L);
    this.readers = Executors.newFixedThreadPool(Math.max(2, Runtime.getRuntime().availableProcessors()),
        threads("revisor-kv-read"));
    this.delivery = Executors.newFixedThreadPool(2, threads("revisor-kv-watch"));
    this.timer = Executors.newSingleThreadScheduledExecutor(threads("revisor-kv-timer"));
    this.writer = threads("revisor-kv-writer").newThread(this::writerLoop);
    long pending = compactedRevision;
    if (meta.getOrDefault(META_COMPACTED_PHYSICALLY, 0L) < pending) {
      writes.add(new CompactionStep(pending, new byte[0], false)); // finish a compaction cut short by a stop
    }
    writer.start();
    long every = options.progressNotifyInterval().toMillis();
    timer.scheduleAtFixedRate(this::notifyProgress, every, every, TimeUnit.MILLISECONDS);
  }

  /**
   * Opens (creating if needed) the store in {@code options.directory()}.
   *
   * @throws KvException UNAVAILABLE if the directory cannot be used or another instance holds the store
   */
  public static EmbeddedKvStore open(EmbeddedKvStoreOptions options) {
    try {
      Files.createDirectories(options.directory());
      MVStore mv = new MVStore.Builder()
          .fileName(options.directory().resolve(FILE_NAME).toString())
          .autoCommitDisabled() // commits are ours: one per group of transactions, each followed by an fsync
          .open();
      return new EmbeddedKvStore(options, mv);
    } catch (IOException | RuntimeException e) {
      throw new KvException(KvErrorCode.UNAVAILABLE, "cannot open the embedded store in " + options.directory(), e);
    }
  }

  /** The options this store was opened with. */
  public EmbeddedKvStoreOptions options() {
    return options;
  }

  // ---------------------------------------------------------------------------------------------------------------
  // reads

  @Override
  public CompletionStage<RangeResult> range(RangeRequest request) {
    return read(() -> withSnapshot(request.revision(), view -> view.range(request, currentRevision)));
  }

  @Override
  public CompletionStage<Long> currentRevision() {
    return read(() -> currentRevision);
  }

  private interface SnapshotRead<T> {
    T read(MvccView view);
  }

  private <T> T withSnapshot(long revision, SnapshotRead<T> body) {
    MVStore.TxCounter usage = mv.registerVersionUsage(); // keeps the chunks of the captured root from being reused
    try {
      long current = currentRevision;
      RootReference<byte[], byte[]> root = data.flushAndGetRoot();
      long compacted = compactedRevision;
      long at = revision == 0 ? current : revision;
      if (at > current) {
        throw KvException.futureRevision(revision, current);
      }
      if (at < compacted) {
        throw KvException.compacted(revision, compacted);
      }
      return body.read(new MvccView(data, root, at));
    } finally {
      mv.deregisterVersionUsage(usage);
    }
  }

  /** Events of watch replay from {@code from} up to {@code upTo}, inclusive. */
  record Replay(List<KvEvent> events, long upTo) {}

  /** Reads the changes of {@code range} from revision {@code from} on, at most a bounded number of revisions. */
  Replay replay(KeyRange range, boolean withPrevKv, long from) {
    MVStore.TxCounter usage = mv.registerVersionUsage();
    try {
      long current = currentRevision;
      RootReference<byte[], byte[]> dataRoot = data.flushAndGetRoot();
      RootReference<byte[], byte[]> logRoot = log.flushAndGetRoot();
      long compacted = compactedRevision;
      if (from < compacted) {
        throw KvException.compacted(from, compacted);
      }
      long upTo = Math.min(current, from + REPLAY_STEP_REVISIONS - 1);
      List<KvEvent> events = new ArrayList<>();
      if (upTo < from) {
        return new Replay(events, from - 1);
      }
      MvccView view = new MvccView(data, dataRoot, current);
      Cursor<byte[], byte[]> c = log.cursor(logRoot, Mvcc.logKey(from, 0), null, false);
      while (c.hasNext()) {
        long rev = Mvcc.logRevision(c.next());
        if (rev > upTo) {
          break;
        }
        byte[] entry = c.getValue();
        byte[] uk = Mvcc.logUserKey(entry);
        String key = Keys.string(uk);
        if (!range.contains(key)) {
          continue;
        }
        KeyValue prev = null;
        if (withPrevKv) {
          MvccView.Version p = view.floor(uk, rev - 1);
          prev = p != null && p.live() ? Mvcc.keyValue(uk, p.modRevision(), p.record(), false) : null;
        }
        if (Mvcc.logIsDelete(entry)) {
          events.add(new KvEvent(KvEvent.Type.DELETE, new KeyValue(key, null, 0, rev, 0), prev));
        } else {
          MvccView.Version v = view.exact(uk, rev);
          if (v != null) {
            events.add(new KvEvent(KvEvent.Type.PUT, Mvcc.keyValue(uk, rev, v.record(), false), prev));
          }
        }
      }
      return new Replay(events, upTo);
    } finally {
      mv.deregisterVersionUsage(usage);
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // writes

  @Override
  public CompletionStage<TxnResult> txn(TxnRequest request) {
    if (closed.get()) {
      return CompletableFuture.failedFuture(new KvException(KvErrorCode.CLOSED, "store closed"));
    }
    try {
      validate(request);
    } catch (KvException e) {
      return CompletableFuture.failedFuture(e);
    }
    TxnTask task = new TxnTask(request, new CompletableFuture<>());
    writes.add(task);
    return bounded(task.result);
  }

  @Override
  public CompletionStage<Long> compact(long revision) {
    if (closed.get()) {
      return CompletableFuture.failedFuture(new KvException(KvErrorCode.CLOSED, "store closed"));
    }
    long current = currentRevision;
    if (revision > current) {
      return CompletableFuture.failedFuture(KvException.futureRevision(revision, current));
    }
    CompactTask task = new CompactTask(revision, new CompletableFuture<>());
    writes.add(task);
    return bounded(task.result);
  }

  /**
   * Checks a transaction before it is queued, as etcd does: keys, duplicate writes in one branch, request size
   * (keys and values of the whole request, close to etcd's encoded request size).
   */
  private void validate(TxnRequest request) {
    long size = 0;
    for (Compare c : request.compares()) {
      size += Keys.bytes(c.key()).length + 16;
    }
    for (List<KvOp> branch : List.of(request.success(), request.failure())) {
      Set<String> puts = new HashSet<>();
      List<KeyRange> deletes = new ArrayList<>();
      for (KvOp op : branch) {
        if (op instanceof KvOp.Put p) {
          byte[] k = Keys.bytes(p.key());
          if (k.length == 0) {
            throw new KvException(KvErrorCode.INVALID_ARGUMENT, "empty key");
          }
          for (byte x : k) {
            if (x == 0) {
              throw new KvException(KvErrorCode.INVALID_ARGUMENT, "the embedded store refuses keys with NUL bytes");
            }
          }
          if (!puts.add(p.key())) {
            throw new KvException(KvErrorCode.INVALID_ARGUMENT, "duplicate key given in txn request: " + p.key());
          }
          size += k.length + p.value().length + 8;
        } else if (op instanceof KvOp.Delete d) {
          deletes.add(d.range());
          size += rangeSize(d.range());
        } else if (op instanceof KvOp.Range r) {
          size += rangeSize(r.request().range());
        }
      }
      for (KeyRange d : deletes) {
        for (String p : puts) {
          if (d.contains(p)) {
            throw new KvException(KvErrorCode.INVALID_ARGUMENT, "duplicate key given in txn request: " + p);
          }
        }
      }
    }
    if (size > options.maxRequestBytes()) {
      throw new KvException(KvErrorCode.VALUE_TOO_LARGE,
          "request is too large: " + size + " bytes, limit " + options.maxRequestBytes());
    }
  }

  private static long rangeSize(KeyRange r) {
    return Keys.bytes(r.start()).length + (r.end() == null ? 0 : Keys.bytes(r.end()).length)
        + (r.prefix() == null ? 0 : Keys.bytes(r.prefix()).length) + 8;
  }

  private sealed interface WriteTask {}

  private record TxnTask(TxnRequest request, CompletableFuture<TxnResult> result) implements WriteTask {}

  private record CompactTask(long revision, CompletableFuture<Long> result) implements WriteTask {}

  /** One bounded step of physical compaction to {@code target}: data keys from {@code position}, then the log. */
  private record CompactionStep(long target, byte[] position, boolean logPhase) implements WriteTask {}

  private void writerLoop() {
    List<WriteTask> group = new ArrayList<>();
    List<Runnable> acks = new ArrayList<>();
    while (!stopWriter) {
      WriteTask first;
      try {
        first = writes.poll(50, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      if (first == null) {
        continue;
      }
      group.clear();
      acks.clear();
      group.add(first);
      writes.drainTo(group, MAX_GROUP - 1);
      try {
        for (WriteTask task : group) {
          apply(task, acks);
        }
        if (mv.hasUnsavedChanges()) {
          mv.commit();
          mv.sync(); // durability: nothing is acknowledged or visible before this returns
        }
      } catch (RuntimeException e) {
        LOG.error("embedded store write failed; rolling back the uncommitted group", e);
        try {
          mv.rollback();
        } catch (RuntimeException r) {
          LOG.error("rollback failed", r);
        }
        writerRevision = currentRevision;
        KvException failure = new KvException(closed.get() ? KvErrorCode.CLOSED : KvErrorCode.INTERNAL,
            "write failed", e);
        for (WriteTask task : group) {
          if (task instanceof TxnTask t) {
            t.result.completeExceptionally(failure);
          } else if (task instanceof CompactTask c) {
            c.result.completeExceptionally(failure);
          }
        }
        continue;
      }
      for (Runnable ack : acks) {
        ack.run();
      }
    }
  }

  private void apply(WriteTask task, List<Runnable> acks) {
    if (task instanceof TxnTask t) {
      if (t.result.isDone()) {
        return; // timed out while queued: never applied, as its caller was told TIMEOUT (effect unknown)
      }
      List<KvEvent> events = new ArrayList<>();
      TxnResult result = applyTxn(t.request, events);
      acks.add(() -> {
        if (!events.isEmpty()) {
          currentRevision = result.revision();
          publishedRevision = result.revision();
          for (EmbeddedWatch w : watches) {
            w.onCommit(result.revision(), events);
          }
        }
        t.result.complete(result);
      });
    } else if (task instanceof CompactTask c) {
      long target = c.revision;
      if (target <= compactedRevision) {
        acks.add(() -> c.result.complete(compactedRevision));
        return;
      }
      meta.put(META_COMPACTED, target);
      acks.add(() -> {
        compactedRevision = target; // from now on reads and watches below it fail; then remove in steps
        writes.add(new CompactionStep(target, new byte[0], false));
        c.result.complete(target);
      });
    } else if (task instanceof CompactionStep s) {
      compactionStep(s);
    }
  }

  private MvccView latest() {
    return new MvccView(data, data.flushAndGetRoot(), Long.MAX_VALUE);
  }

  private TxnResult applyTxn(TxnRequest request, List<KvEvent> events) {
    long base = writerRevision;
    long rev = base + 1;
    boolean succeeded = true;
    MvccView before = latest();
    for (Compare c : request.compares()) {
      MvccView.Version v = before.live(Keys.bytes(c.key()));
      long actual = v == null ? 0 : switch (c.target()) {
        case CREATE_REVISION -> Mvcc.createRevision(v.record());
        case MOD_REVISION -> v.modRevision();
        case VERSION -> Mvcc.version(v.record());
      };
      if (!c.op().test(actual, c.value())) {
        succeeded = false;
        break;
      }
    }
    List<TxnResult.OpResult> results = new ArrayList<>();
    int index = 0;
    for (KvOp op : succeeded ? request.success() : request.failure()) {
      if (op instanceof KvOp.Put p) {
        byte[] k = Keys.bytes(p.key());
        MvccView.Version prev = latest().live(k);
        KeyValue prevKv = prev == null ? null : Mvcc.keyValue(k, prev.modRevision(), prev.record(), false);
        long create = prev == null ? rev : Mvcc.createRevision(prev.record());
        long version = prev == null ? 1 : Mvcc.version(prev.record()) + 1;
        data.put(Mvcc.versionKey(k, rev), Mvcc.record(create, version, p.value()));
        log.put(Mvcc.logKey(rev, index++), Mvcc.logValue(false, k));
        events.add(new KvEvent(KvEvent.Type.PUT, new KeyValue(p.key(), p.value(), create, rev, version), prevKv));
        results.add(new TxnResult.PutResult(p.prevKv() ? prevKv : null));
      } else if (op instanceof KvOp.Delete d) {
        List<KeyValue> deleted = new ArrayList<>();
        latest().scan(d.range(), false, (uk, v) -> {
          deleted.add(Mvcc.keyValue(uk, v.modRevision(), v.record(), false));
          return true;
        });
        for (KeyValue kv : deleted) {
          byte[] k = Keys.bytes(kv.key());
          data.put(Mvcc.versionKey(k, rev), Mvcc.tombstone());
          log.put(Mvcc.logKey(rev, index++), Mvcc.logValue(true, k));
          events.add(new KvEvent(KvEvent.Type.DELETE, new KeyValue(kv.key(), null, 0, rev, 0), kv));
        }
        results.add(new TxnResult.DeleteResult(deleted.size(), d.prevKv() ? deleted : List.of()));
      } else if (op instanceof KvOp.Range r) {
        // as in etcd, a range sees the earlier writes of its own branch
        results.add(new TxnResult.RangeOpResult(latest().range(r.request(), events.isEmpty() ? base : rev)));
      }
    }
    if (events.isEmpty()) {
      return new TxnResult(succeeded, base, results);
    }
    meta.put(META_REVISION, rev);
    writerRevision = rev;
    return new TxnResult(succeeded, rev, results);
  }

  private void compactionStep(CompactionStep step) {
    long target = step.target;
    if (!step.logPhase) {
      byte[] pos = step.position;
      for (int n = 0; n < COMPACTION_STEP_KEYS; n++) {
        Cursor<byte[], byte[]> c = data.cursor(pos);
        if (!c.hasNext()) {
          writes.add(new CompactionStep(target, new byte[0], true));
          return;
        }
        byte[] uk = Mvcc.userKey(c.next());
        compactKey(uk, target);
        pos = Mvcc.successor(uk);
      }
      writes.add(new CompactionStep(target, pos, false));
      return;
    }
    byte[] bound = Mvcc.logKey(target, 0);
    Cursor<byte[], byte[]> c = log.cursor(null);
    List<byte[]> old = new ArrayList<>();
    while (c.hasNext() && old.size() < COMPACTION_STEP_KEYS) {
      byte[] k = c.next();
      if (UnsignedBytesType.INSTANCE.compare(k, bound) >= 0) {
        break;
      }
      old.add(k);
    }
    old.forEach(log::remove);
    if (old.size() == COMPACTION_STEP_KEYS) {
      writes.add(new CompactionStep(target, new byte[0], true));
      return;
    }
    meta.put(META_COMPACTED_PHYSICALLY, target);
    long next = meta.getOrDefault(META_COMPACTED, target);
    if (next > target) {
      writes.add(new CompactionStep(next, new byte[0], false));
    }
  }

  /** Drops the versions of one key that no read at or above {@code target} can see. */
  private void compactKey(byte[] uk, long target) {
    List<byte[]> versions = new ArrayList<>();
    Cursor<byte[], byte[]> c = data.cursor(Mvcc.versionKey(uk, 0), Mvcc.versionKey(uk, target), false);
    while (c.hasNext()) {
      byte[] k = c.next();
      if (Mvcc.revisionOf(k) > target) {
        break;
      }
      versions.add(k);
    }
    if (versions.isEmpty()) {
      return;
    }
    byte[] latest = versions.remove(versions.size() - 1);
    versions.forEach(data::remove); // superseded versions first, then the tombstone that ends them
    byte[] rec = data.get(latest);
    // a tombstone at the target itself stays, so a watch replaying from the target still sees that delete
    if (rec != null && Mvcc.isTombstone(rec) && Mvcc.revisionOf(latest) < target) {
      data.remove(latest);
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // watch

  @Override
  public KvWatch watch(WatchRequest request, KvWatchListener listener) {
    long start = request.startRevision() == 0 ? publishedRevision + 1 : request.startRevision();
    EmbeddedWatch w = new EmbeddedWatch(this, request, listener, start);
    if (closed.get()) {
      w.fail(new KvException(KvErrorCode.CLOSED, "store closed"));
      return w;
    }
    watches.add(w);
    w.start();
    return w;
  }

  long publishedRevision() {
    return publishedRevision;
  }

  Executor deliveryExecutor() {
    return delivery;
  }

  boolean isClosed() {
    return closed.get();
  }

  void unregister(EmbeddedWatch w) {
    watches.remove(w);
  }

  private void notifyProgress() {
    for (EmbeddedWatch w : watches) {
      if (w.wantsProgressNotify()) {
        w.requestProgress();
      }
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // lifecycle and plumbing

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    stopThreads();
    // Watch replays read MVStore snapshots on the delivery threads: let them finish before the file closes.
    awaitDelivery();
    try {
      mv.close();
    } catch (RuntimeException | AssertionError e) {
      // Every acknowledged write is already committed and synced; what failed is MVStore's orderly shutdown (with
      // -ea, an internal version-usage assertion can trip). Release the file anyway so the directory can be reopened.
      LOG.warn("closing the embedded store failed; releasing the file", e);
      mv.closeImmediately();
    }
  }

  /**
   * Stops as a crash would, for tests: no final commit, the file is released as it is. Every acknowledged write was
   * already committed and synced, so a new instance on the same directory must find it.
   */
  void simulateCrash() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    stopThreads();
    awaitDelivery();
    mv.closeImmediately();
  }

  private void stopThreads() {
    KvException closedError = new KvException(KvErrorCode.CLOSED, "store closed");
    for (EmbeddedWatch w : watches) {
      w.fail(closedError);
    }
    stopWriter = true; // never interrupt the writer: an interrupt closes MVStore's file channel
    try {
      writer.join(options.requestTimeout().toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    List<WriteTask> left = new ArrayList<>();
    writes.drainTo(left);
    for (WriteTask task : left) {
      if (task instanceof TxnTask t) {
        t.result.completeExceptionally(closedError);
      } else if (task instanceof CompactTask c) {
        c.result.completeExceptionally(closedError);
      }
    }
    timer.shutdownNow();
    readers.shutdown();
    try {
      readers.awaitTermination(options.requestTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void awaitDelivery() {
    delivery.shutdown(); // lets the CLOSED errors already queued reach their listeners
    try {
      delivery.awaitTermination(options.requestTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private <T> CompletionStage<T> read(Supplier<T> body) {
    if (closed.get()) {
      return CompletableFuture.failedFuture(new KvException(KvErrorCode.CLOSED, "store closed"));
    }
    CompletableFuture<T> f;
    try {
      f = CompletableFuture.supplyAsync(body, readers);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      return CompletableFuture.failedFuture(new KvException(KvErrorCode.CLOSED, "store closed"));
    }
    return bounded(f);
  }

  /** Bounds a stage by the request timeout and turns every failure into a bare {@link KvException}. */
  private <T> CompletionStage<T> bounded(CompletableFuture<T> f) {
    CompletableFuture<T> out = new CompletableFuture<>();
    f.orTimeout(options.requestTimeout().toMillis(), TimeUnit.MILLISECONDS).whenComplete((v, e) -> {
      if (e == null) {
        out.complete(v);
      } else {
        out.completeExceptionally(toKvException(e));
      }
    });
    return out;
  }

  private KvException toKvException(Throwable e) {
    Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
    KvException kv = KvException.unwrap(cause);
    if (kv != null) {
      return kv;
    }
    if (cause instanceof TimeoutException) {
      return new KvException(KvErrorCode.TIMEOUT, "no answer within " + options.requestTimeout());
    }
    if (closed.get()) {
      return new KvException(KvErrorCode.CLOSED, "store closed", cause);
    }
    return new KvException(KvErrorCode.INTERNAL, "embedded store failure", cause);
  }

  private static ThreadFactory threads(String name) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, name + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /** How many versions (tombstones included) the data map holds; for tests of compaction. */
  long storedVersionsForTest() {
    return data.sizeAsLong();
  }

  /** The directory's store file, for tests and tools. */
  static Path file(Path directory) {
    return directory.resolve(FILE_NAME);
  }
}
