package io.revisor.storage.kv.etcd;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.ClientBuilder;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.kv.DeleteResponse;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.PutResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.CompactOption;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.MethodDescriptor;
import io.revisor.storage.kv.Compare;
import io.revisor.storage.kv.KeyValue;
import io.revisor.storage.kv.KvErrorCode;
import io.revisor.storage.kv.KvException;
import io.revisor.storage.kv.KvOp;
import io.revisor.storage.kv.KvWatch;
import io.revisor.storage.kv.KvWatchListener;
import io.revisor.storage.kv.RangeRequest;
import io.revisor.storage.kv.RangeResult;
import io.revisor.storage.kv.TxnRequest;
import io.revisor.storage.kv.TxnResult;
import io.revisor.storage.kv.WatchRequest;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import javax.net.ssl.SSLException;

/**
 * The jetcd-backed {@link EtcdKvStore}. Thread-safe; see {@link EtcdKvStore} for the behaviour.
 *
 * <p>Every call goes through {@link #call}: one result future per SPI call, failed with TIMEOUT by the scheduler at
 * the deadline (jetcd has none), retried only when the operation is safe to repeat, failed with CLOSED when the
 * store closes. jetcd's own retries are switched off so that this is the only retry policy.
 */
final class EtcdKvStoreImpl implements EtcdKvStore {
  /** currentRevision reads this key: any key will do, only the response header matters. */
  private static final ByteSequence REVISION_PROBE_KEY = ByteSequence.from(new byte[] {0});

  private static final AtomicInteger STORE_IDS = new AtomicInteger();

  private final EtcdKvStoreOptions options;
  private final Client client;
  private final KV kv;
  private final Watch watchClient;
  private final ScheduledExecutorService scheduler;
  private final boolean ownsScheduler;
  private final ExecutorService deliveryExecutor;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Set<CompletableFuture<?>> pending = ConcurrentHashMap.newKeySet();
  private final Set<EtcdWatch> watches = ConcurrentHashMap.newKeySet();

  EtcdKvStoreImpl(EtcdKvStoreOptions options) {
    this.options = options;
    int id = STORE_IDS.incrementAndGet();
    if (options.scheduler() != null) {
      this.scheduler = options.scheduler();
      this.ownsScheduler = false;
    } else {
      this.scheduler = Executors.newSingleThreadScheduledExecutor(daemonThreads("revisor-etcd-" + id + "-timer"));
      this.ownsScheduler = true;
    }
    this.deliveryExecutor = Executors.newCachedThreadPool(daemonThreads("revisor-etcd-" + id + "-watch"));
    this.client = buildClient(options);
    this.kv = client.getKVClient();
    this.watchClient = client.getWatchClient();
  }

  private static Client buildClient(EtcdKvStoreOptions options) {
    ClientBuilder builder = Client.builder()
        .endpoints(options.endpoints().stream().map(URI::create).toArray(URI[]::new))
        .connectTimeout(options.connectTimeout())
        .maxInboundMessageSize(options.maxInboundMessageSize())
        // Ping only while calls are open: etcd counts a ping on a connection without streams as abuse and, after
        // two, closes it with GOAWAY too_many_pings (jetcd's default pings idle connections too).
        .keepaliveTime(options.keepaliveTime())
        .keepaliveWithoutCalls(false)
        // Without this, a call made while etcd is down waits for a connection for ever.
        .waitForReady(false)
        // Retries are decided here, per operation; jetcd would also retry writes on some errors.
        .retryMaxAttempts(0)
        .interceptor(new UnaryDeadline(options.requestTimeout()));
    if (options.caFile() != null || options.certFile() != null) {
      try {
        builder.sslContext(ssl -> {
          if (options.caFile() != null) {
            ssl.trustManager(options.caFile().toFile());
          }
          if (options.certFile() != null) {
            ssl.keyManager(options.certFile().toFile(), options.keyFile().toFile());
          }
        });
      } catch (SSLException | RuntimeException e) {
        throw new IllegalArgumentException("unusable etcd TLS files: " + e.getMessage(), e);
      }
    }
    return builder.build();
  }

  // ---------------------------------------------------------------------------------------------------------------
  // KvStore

  @Override
  public CompletionStage<RangeResult> range(RangeRequest request) {
    EtcdKeys.EtcdRange r = EtcdKeys.toEtcd(request.range());
    GetOption option = getOption(request, r);
    return call(true, request.revision(), () -> kv.get(r.keyBytes(), option)
        .thenApply(resp -> toRangeResult(resp, resp.getHeader().getRevision())));
  }

  @Override
  public CompletionStage<TxnResult> txn(TxnRequest request) {
    Cmp[] cmps = request.compares().stream().map(EtcdKvStoreImpl::toCmp).toArray(Cmp[]::new);
    Op[] success = request.success().stream().map(EtcdKvStoreImpl::toOp).toArray(Op[]::new);
    Op[] failure = request.failure().stream().map(EtcdKvStoreImpl::toOp).toArray(Op[]::new);
    return call(false, 0, () -> kv.txn().If(cmps).Then(success).Else(failure).commit()
        .thenApply(resp -> toTxnResult(resp, resp.isSucceeded() ? request.success() : request.failure())));
  }

  @Override
  public KvWatch watch(WatchRequest request, KvWatchListener listener) {
    EtcdWatch[] self = new EtcdWatch[1];
    EtcdWatch watch = new EtcdWatch(watchClient, request, listener, scheduler, deliveryExecutor, options.retry(),
        () -> watches.remove(self[0]));
    self[0] = watch;
    watches.add(watch);
    if (closed.get()) {
      // close() may have run before the add: report it here, once (terminate is idempotent).
      watch.storeClosed();
    } else {
      watch.start();
    }
    return watch;
  }

  @Override
  public CompletionStage<Long> compact(long revision) {
    CompletableFuture<Long> result = new CompletableFuture<>();
    call(true, revision, () -> kv.compact(revision, CompactOption.DEFAULT).thenApply(resp -> revision))
        .whenComplete((rev, failure) -> {
          if (failure == null) {
            result.complete(rev);
            return;
          }
          KvException e = EtcdErrors.toKvException(failure, revision, closed.get());
          // A repeated compaction (or a retry of one that did succeed) is told "already compacted": the goal holds.
          if (e.code() == KvErrorCode.COMPACTED) {
            result.complete(revision);
          } else {
            result.completeExceptionally(e);
          }
        });
    return result.minimalCompletionStage();
  }

  @Override
  public boolean progressIsExact() {
    // etcd 3.4.23 (Debian's build) can send a progress notification ahead of undelivered events.
    return false;
  }

  @Override
  public CompletionStage<Long> currentRevision() {
    GetOption option = GetOption.builder().withCountOnly(true).withKeysOnly(true).build();
    return call(true, 0, () -> kv.get(REVISION_PROBE_KEY, option).thenApply(resp -> resp.getHeader().getRevision()));
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    for (EtcdWatch w : List.copyOf(watches)) {
      w.storeClosed();
    }
    KvException closedError = new KvException(KvErrorCode.CLOSED, "the etcd store was closed");
    for (CompletableFuture<?> f : List.copyOf(pending)) {
      f.completeExceptionally(closedError);
    }
    try {
      client.close();
    } finally {
      // shutdown, not shutdownNow: the CLOSED errors queued above still reach the listeners.
      deliveryExecutor.shutdown();
      if (ownsScheduler) {
        scheduler.shutdownNow();
      }
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Calls: deadline, retries, error mapping

  /**
   * Runs {@code attempt} until it succeeds, fails for good, or the request timeout passes.
   *
   * @param retry whether the operation is safe to repeat
   * @param requestedRevision for error messages
   */
  private <T> CompletionStage<T> call(boolean retry, long requestedRevision, Supplier<CompletableFuture<T>> attempt) {
    CompletableFuture<T> result = new CompletableFuture<>();
    if (closed.get()) {
      result.completeExceptionally(new KvException(KvErrorCode.CLOSED, "the etcd store is closed"));
      return result.minimalCompletionStage();
    }
    pending.add(result);
    long deadline = System.nanoTime() + options.requestTimeout().toNanos();
    ScheduledFuture<?> timer;
    try {
      timer = scheduler.schedule(() -> result.completeExceptionally(new KvException(KvErrorCode.TIMEOUT,
              "etcd did not answer within " + options.requestTimeout())),
          options.requestTimeout().toNanos(), TimeUnit.NANOSECONDS);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      pending.remove(result);
      result.completeExceptionally(new KvException(KvErrorCode.CLOSED, "the etcd store is closed", e));
      return result.minimalCompletionStage();
    }
    result.whenComplete((v, t) -> {
      timer.cancel(false);
      pending.remove(result);
    });
    attempt(result, attempt, retry, requestedRevision, deadline, 1);
    return result.minimalCompletionStage();
  }

  private <T> void attempt(CompletableFuture<T> result, Supplier<CompletableFuture<T>> attempt, boolean retry,
      long requestedRevision, long deadline, int attemptNo) {
    if (result.isDone()) {
      return;
    }
    CompletableFuture<T> f;
    try {
      f = attempt.get();
    } catch (RuntimeException e) {
      f = CompletableFuture.failedFuture(e);
    }
    f.whenComplete((value, failure) -> {
      if (failure == null) {
        result.complete(value);
        return;
      }
      KvException error = EtcdErrors.toKvException(failure, requestedRevision, closed.get());
      if (!retry || !isRetryable(error) || attemptNo >= options.retry().maxAttempts()) {
        result.completeExceptionally(error);
        return;
      }
      long cap = options.retry().backoffCap(attemptNo).toNanos();
      long delay = ThreadLocalRandom.current().nextLong(cap + 1);
      if (System.nanoTime() + delay >= deadline) {
        result.completeExceptionally(error);
        return;
      }
      try {
        scheduler.schedule(() -> attempt(result, attempt, true, requestedRevision, deadline, attemptNo + 1),
            delay, TimeUnit.NANOSECONDS);
      } catch (java.util.concurrent.RejectedExecutionException e) {
        result.completeExceptionally(new KvException(KvErrorCode.CLOSED, "the etcd store is closed", e));
      }
    });
  }

  private static boolean isRetryable(KvException e) {
    // RESOURCE_EXHAUSTED other than a message size arrives as UNAVAILABLE; a too-large message never is.
    return e.code() == KvErrorCode.UNAVAILABLE || e.code() == KvErrorCode.TIMEOUT;
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Conversions

  private static GetOption getOption(RangeRequest request, EtcdKeys.EtcdRange r) {
    GetOption.Builder b = GetOption.builder()
        .withLimit(request.limit())
        .withRevision(request.revision())
        .withKeysOnly(request.keysOnly())
        .withCountOnly(request.countOnly());
    if (request.minModRevision() > 0) {
      b.withMinModRevision(request.minModRevision());
    }
    if (r.end() != null) {
      b.withRange(r.endBytes());
    }
    if (request.descending()) {
      b.withSortField(GetOption.SortTarget.KEY).withSortOrder(GetOption.SortOrder.DESCEND);
    }
    return b.build();
  }

  private static RangeResult toRangeResult(GetResponse resp, long headerRevision) {
    List<KeyValue> kvs = new ArrayList<>(resp.getKvs().size());
    for (io.etcd.jetcd.KeyValue kv : resp.getKvs()) {
      kvs.add(EtcdKeys.toKeyValue(kv));
    }
    return new RangeResult(kvs, resp.isMore(), resp.getCount(), headerRevision);
  }

  private static Cmp toCmp(Compare c) {
    Cmp.Op op = switch (c.op()) {
      case EQUAL -> Cmp.Op.EQUAL;
      case NOT_EQUAL -> Cmp.Op.NOT_EQUAL;
      case LESS -> Cmp.Op.LESS;
      case GREATER -> Cmp.Op.GREATER;
    };
    CmpTarget<?> target = switch (c.target()) {
      case MOD_REVISION -> CmpTarget.modRevision(c.value());
      case CREATE_REVISION -> CmpTarget.createRevision(c.value());
      case VERSION -> CmpTarget.version(c.value());
    };
    return new Cmp(EtcdKeys.bytes(c.key()), op, target);
  }

  private static Op toOp(KvOp op) {
    if (op instanceof KvOp.Put put) {
      PutOption option = put.prevKv() ? PutOption.builder().withPrevKV().build() : PutOption.DEFAULT;
      return Op.put(EtcdKeys.bytes(put.key()), ByteSequence.from(put.value()), option);
    }
    if (op instanceof KvOp.Delete delete) {
      EtcdKeys.EtcdRange r = EtcdKeys.toEtcd(delete.range());
      DeleteOption.Builder option = DeleteOption.builder().withPrevKV(delete.prevKv());
      if (r.end() != null) {
        option.withRange(r.endBytes());
      }
      return Op.delete(r.keyBytes(), option.build());
    }
    KvOp.Range range = (KvOp.Range) op;
    EtcdKeys.EtcdRange r = EtcdKeys.toEtcd(range.request().range());
    return Op.get(r.keyBytes(), getOption(range.request(), r));
  }

  /** Maps etcd's per-type response lists back to the branch's operation order. */
  private static TxnResult toTxnResult(TxnResponse resp, List<KvOp> branch) {
    long revision = resp.getHeader().getRevision();
    List<PutResponse> puts = resp.getPutResponses();
    List<DeleteResponse> deletes = resp.getDeleteResponses();
    List<GetResponse> gets = resp.getGetResponses();
    int p = 0;
    int d = 0;
    int g = 0;
    List<TxnResult.OpResult> results = new ArrayList<>(branch.size());
    for (KvOp op : branch) {
      if (op instanceof KvOp.Put put) {
        PutResponse r = puts.get(p++);
        results.add(new TxnResult.PutResult(put.prevKv() && r.hasPrevKv() ? EtcdKeys.toKeyValue(r.getPrevKv()) : null));
      } else if (op instanceof KvOp.Delete) {
        DeleteResponse r = deletes.get(d++);
        List<KeyValue> prev = new ArrayList<>(r.getPrevKvs().size());
        for (io.etcd.jetcd.KeyValue kv : r.getPrevKvs()) {
          prev.add(EtcdKeys.toKeyValue(kv));
        }
        results.add(new TxnResult.DeleteResult(r.getDeleted(), prev));
      } else {
        GetResponse r = gets.get(g++);
        // A read inside the transaction sees the writes before it in the branch; etcd's sub-response header says
        // which revision it read at (the new one once the branch has written).
        long readRevision = r.getHeader().getRevision() != 0 ? r.getHeader().getRevision() : revision;
        results.add(new TxnResult.RangeOpResult(toRangeResult(r, readRevision)));
      }
    }
    return new TxnResult(resp.isSucceeded(), revision, results);
  }

  private static ThreadFactory daemonThreads(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /**
   * Gives every unary call a gRPC deadline, so that etcd stops working on a call the caller gave up on. Watch
   * streams are long-lived and get none.
   */
  private static final class UnaryDeadline implements ClientInterceptor {
    private final Duration timeout;

    UnaryDeadline(Duration timeout) {
      this.timeout = timeout;
    }

    @Override
    public <ReqT, RespT> ClientCall<ReqT, RespT> interceptCall(
        MethodDescriptor<ReqT, RespT> method, CallOptions callOptions, Channel next) {
      if (method.getType() == MethodDescriptor.MethodType.UNARY && callOptions.getDeadline() == null) {
        callOptions = callOptions.withDeadlineAfter(timeout.toNanos(), TimeUnit.NANOSECONDS);
      }
      return next.newCall(method, callOptions);
    }
  }
}
