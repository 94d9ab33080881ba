package io.revisor.storage.resource;

import io.revisor.storage.kv.Compare;
import io.revisor.storage.kv.KeyRange;
import io.revisor.storage.kv.KeyValue;
import io.revisor.storage.kv.KvErrorCode;
import io.revisor.storage.kv.KvOp;
import io.revisor.storage.kv.KvStore;
import io.revisor.storage.kv.RangeRequest;
import io.revisor.storage.kv.TxnRequest;
import io.revisor.storage.kv.TxnResult;
import io.revisor.storage.selection.ObjectPredicate;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link ResourceStore} on a {@link KvStore}. Every mutation is one transaction guarded by the current key's
 * mod revision; history and trash keys, and one counter shard of the object's scope ({@link CounterShards}), are
 * written in that same transaction. Reads below the backend's compaction are answered by {@link TimeTravel} from the
 * history keys; stats by {@link LiveStats} from the counters.
 */
final class KvResourceStore implements ResourceStore {
  private static final Logger LOG = LoggerFactory.getLogger(KvResourceStore.class);
  private static final String TOKEN_KEY = "continue-token-key";
  /** How long {@link #close()} waits for the backfill's current step, so that none of its writes lands later. */
  private static final long CLOSE_WAIT_SECONDS = 10;

  private final KvStore kv;
  private final KeyLayout keys;
  private final ResourceStoreOptions options;
  private final ChunkStore chunks;
  private final TimeTravel timeTravel;
  private final CounterShards counters;
  private final LiveStats liveStats;
  private final ExecutorService dispatch;
  private final ScheduledExecutorService scheduler;
  private final Set<WatchSession> watches = ConcurrentHashMap.newKeySet();
  private final KeyedQueue<ObjectKey> mutations = new KeyedQueue<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  /** The backfill mark, to be written by the next mutation (see {@link LiveStats.Outcome#mark()}); or null. */
  private final AtomicReference<KvOp.Put> pendingMark = new AtomicReference<>();
  private volatile CompletableFuture<ContinueTokens> tokens;
  private final CompletableFuture<Void> backfill;

  KvResourceStore(KvStore kv, ResourceStoreOptions options) {
    this.kv = kv;
    this.options = options;
    this.keys = new KeyLayout(options.keyPrefix());
    this.chunks = new ChunkStore(kv, keys, options.inlineLimit(), options.chunkSize());
    this.timeTravel = new TimeTravel(kv, keys, this);
    this.counters = new CounterShards(kv, keys, options.counterShards());
    this.liveStats = new LiveStats(kv, keys, options.listBatchSize());
    AtomicInteger threads = new AtomicInteger();
    this.dispatch = Executors.newCachedThreadPool(r -> daemon(r, "revisor-watch-" + threads.incrementAndGet()));
    this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "revisor-store-timer"));
    this.backfill = liveStats.backfill(closed::get).handle((outcome, error) -> {
      if (error != null) {
        if (!closed.get()) {
          LOG.warn("backfill of the live-object counters stopped; stats count those scopes when read", error);
        }
      } else if (outcome.mark() != null) {
        pendingMark.compareAndSet(null, outcome.mark());
      } else if (outcome.scopes() > 0) {
        LOG.info("backfilled the live-object counters of {} scopes", outcome.scopes());
      }
      return null;
    });
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  KeyLayout keys() {
    return keys;
  }

  ResourceStoreOptions options() {
    return options;
  }

  // ---------------------------------------------------------------------------------------------- decoding

  /**
   * The object stored in {@code kv} (current or history value) with its resourceVersion set to {@code rv}; a current
   * value read at its own revision carries its {@link VersionRecord}.
   */
  CompletableFuture<StoredObject> object(ObjectKey key, KeyValue kv, long rv) {
    Envelope envelope = Envelope.decode(kv.key(), kv.value());
    return chunks.read(kv.key(), envelope.body()).thenApply(body -> rv == kv.modRevision()
        ? VersionRecord.current(key, envelope, body, rv)
        : new StoredObject(key, ObjectJson.withResourceVersion(body, rv), rv));
  }

  CompletableFuture<byte[]> body(String kvKey, Envelope envelope) {
    return chunks.read(kvKey, envelope.body());
  }

  private Envelope newVersion(Action action, Actor actor, Envelope.Body body) {
    return new Envelope(action, actor.user(), options.clock().millis(), 0, null, body);
  }

  private Envelope.Ending ending(Action action, Actor actor) {
    return new Envelope.Ending(action, actor.user(), options.clock().millis());
  }

  private byte[] normalized(ObjectKey key, byte[] json) {
    byte[] body = ObjectJson.normalize(key, json);
    if (body.length > options.maxObjectBytes()) {
      throw new StorageException(StorageErrorCode.TOO_LARGE,
          key.describe() + " is " + body.length + " bytes, more than the limit of " + options.maxObjectBytes());
    }
    return body;
  }

  /**
   * Runs a mutation of {@code key} after this store's earlier mutations of it have finished: writes of one object
   * from one process never race each other (see {@link KeyedQueue}), only other processes' writes can conflict.
   */
  private <T> CompletableFuture<T> queued(ObjectKey key, java.util.function.Supplier<CompletionStage<T>> mutation) {
    return mutations.run(key, mutation);
  }

  private CompletableFuture<KeyValue> readCurrent(ObjectKey key) {
    return Futures.of(kv.get(keys.current(key)));
  }

  // ---------------------------------------------------------------------------------------------- create

  @Override
  public CompletionStage<StoredObject> create(ObjectKey key, byte[] json, Actor actor) {
    return Futures.translated(queued(key, () -> {
      byte[] body = normalized(key, json);
      return chunks.prepare(body).thenCompose(prepared -> createAttempt(key, body, prepared, actor, 1));
    }));
  }

  private CompletableFuture<StoredObject> createAttempt(
      ObjectKey key, byte[] body, ChunkStore.Prepared prepared, Actor actor, int attempt) {
    String current = keys.current(key);
    List<Compare> guards = new ArrayList<>();
    guards.add(Compare.absent(current));
    guards.addAll(prepared.guards());
    Envelope envelope = newVersion(Action.CREATED, actor, prepared.body());
    Mutation mutation = new Mutation(
        guards,
        List.of(KvOp.put(current, envelope.encode()), KvOp.delete(keys.trash(key))),
        Figures.object(body.length),
        0);
    return commit(key, mutation, body, existing -> {
      if (existing != null) {
        throw StorageException.alreadyExists(key, existing.modRevision());
      }
      // A chunk guard failed: the collector removed a chunk we wrote. Write the chunks again.
      checkAttempts(key, attempt);
      return chunks.prepare(body).thenCompose(again -> createAttempt(key, body, again, actor, attempt + 1));
    });
  }

  /**
   * One mutation of an object.
   *
   * @param guards the compares it needs (the object's mod revision, its chunks' create revisions, ...)
   * @param writes its writes of object, history and trash keys
   * @param delta what it changes in the live figures of the object's scope
   * @param expectedRevision the object's mod revision the guards expect; 0 when they expect it absent
   */
  private record Mutation(List<Compare> guards, List<KvOp> writes, Figures delta, long expectedRevision) {}

  /**
   * Commits a mutation in one transaction together with {@code delta} added to a leased counter shard of the
   * object's scope; the failure branch reads the current key and the shard. On success, the result is {@code body}
   * at the transaction's revision. When the object is as expected but the shard had changed (another replica wrote
   * it), the same mutation is committed again on the shard's fresh state, without running any caller's function
   * again; otherwise {@code lost} decides, given the fresh current state (null when the object is absent).
   */
  private CompletableFuture<StoredObject> commit(
      ObjectKey key, Mutation mutation, byte[] body,
      java.util.function.Function<KeyValue, CompletableFuture<StoredObject>> lost) {
    return commit(key, mutation, body, lost, 1);
  }

  private CompletableFuture<StoredObject> commit(
      ObjectKey key, Mutation mutation, byte[] body,
      java.util.function.Function<KeyValue, CompletableFuture<StoredObject>> lost, int attempt) {
    String currentKey = keys.current(key);
    return counters.lease(keys.counterPrefix(key)).thenCompose(lease -> {
      TxnRequest txn;
      KvOp.Put mark = pendingMark.get();
      try {
        List<Compare> compares = new ArrayList<>(mutation.guards());
        compares.add(lease.guard());
        List<KvOp> writes = new ArrayList<>(mutation.writes());
        writes.add(lease.write(mutation.delta()));
        if (mark != null) {
          writes.add(mark);
        }
        txn = new TxnRequest(compares, writes, List.of(KvOp.get(currentKey), KvOp.get(lease.key())));
      } catch (RuntimeException e) {
        lease.unknown();
        throw e;
      }
      return Futures.of(kv.txn(txn)).handle((result, error) -> {
        if (error != null) {
          lease.unknown();
          return Futures.<StoredObject>failed(error);
        }
        if (result.succeeded()) {
          long rv = result.revision();
          lease.committed(rv);
          if (mark != null) {
            pendingMark.compareAndSet(mark, null);
          }
          return CompletableFuture.completedFuture(
              new StoredObject(key, ObjectJson.withResourceVersion(body, rv), rv));
        }
        KeyValue fresh = result.range(0).first();
        boolean shardMoved = lease.failed(result.range(1).first());
        if (shardMoved && (fresh == null ? 0 : fresh.modRevision()) == mutation.expectedRevision()) {
          checkAttempts(key, attempt);
          return commit(key, mutation, body, lost, attempt + 1);
        }
        return lost.apply(fresh);
      }).thenCompose(stage -> stage);
    });
  }

  /** {@link #commit}, retrying a lost race with the fresh state (bounded by {@code maxUpdateAttempts}). */
  private CompletableFuture<StoredObject> commitOrRetry(
      ObjectKey key, Mutation mutation, byte[] body, int attempt,
      java.util.function.Function<KeyValue, CompletableFuture<StoredObject>> retry) {
    return commit(key, mutation, body, fresh -> {
      checkAttempts(key, attempt);
      return retry.apply(fresh);
    });
  }

  private void checkAttempts(ObjectKey key, int attempt) {
    if (attempt >= options.maxUpdateAttempts()) {
      throw new StorageException(StorageErrorCode.CONFLICT,
          "Operation cannot be fulfilled on " + key.describe() + ": too many concurrent changes, try again");
    }
  }

  // ---------------------------------------------------------------------------------------------- get

  @Override
  public CompletionStage<StoredObject> get(ObjectKey key, long revision) {
    return Futures.translated(Futures.call(() -> {
      if (revision == 0) {
        return readCurrent(key).thenCompose(current -> {
          if (current == null) {
            throw StorageException.notFound(key);
          }
          return object(key, current, current.modRevision());
        });
      }
      RangeRequest at = RangeRequest.key(keys.current(key)).atRevision(revision);
      return Futures.of(kv.range(at)).handle((range, error) -> {
        if (error == null) {
          KeyValue version = range.first();
          if (version == null) {
            throw StorageException.notFound(key);
          }
          return object(key, version, version.modRevision());
        }
        if (StorageException.isKv(error, KvErrorCode.COMPACTED)) {
          return timeTravel.versionAt(key, revision);
        }
        return this.<StoredObject>failure(error);
      }).thenCompose(stage -> stage);
    }));
  }

  // ---------------------------------------------------------------------------------------------- update

  @Override
  public CompletionStage<StoredObject> update(
      ObjectKey key, Preconditions preconditions, UpdateFunction update, Actor actor) {
    return Futures.translated(queued(key, () -> updateFromStore(key, preconditions, update, actor)));
  }

  /**
   * Starts from {@code expected} when it carries its {@link VersionRecord} (see {@link #cached}): the update's
   * compare-and-swap is its only read of the object while the cache is current.
   */
  @Override
  public CompletionStage<StoredObject> update(
      ObjectKey key, Preconditions preconditions, UpdateFunction update, Actor actor, StoredObject expected) {
    Version cached = cached(key, expected);
    if (cached == null) {
      return update(key, preconditions, update, actor);
    }
    return Futures.translated(queued(key, () -> {
      StoredObject existing = cached.object(key);
      byte[] next;
      try {
        checkPreconditions(key, preconditions, cached.body(), cached.rv());
        next = normalized(key, Futures.callerFunction(() -> update.apply(existing)));
      } catch (RuntimeException e) {
        return updateFromStore(key, preconditions, update, actor);
      }
      if (Arrays.equals(next, cached.body())) {
        return updateFromStore(key, preconditions, update, actor);
      }
      return updateWrite(key, cached, next, preconditions, update, actor, 0);
    }));
  }

  private CompletableFuture<StoredObject> updateFromStore(
      ObjectKey key, Preconditions preconditions, UpdateFunction update, Actor actor) {
    return readCurrent(key).thenCompose(current -> updateAttempt(key, current, preconditions, update, actor, 1));
  }

  private CompletableFuture<StoredObject> updateAttempt(
      ObjectKey key, KeyValue current, Preconditions preconditions, UpdateFunction update, Actor actor,
      int attempt) {
    return checkedCurrent(key, current, preconditions).thenCompose(version -> {
      StoredObject existing = version.object(key);
      byte[] next = normalized(key, Futures.callerFunction(() -> update.apply(existing)));
      if (Arrays.equals(next, version.body())) {
        return CompletableFuture.completedFuture(existing);
      }
      return updateWrite(key, version, next, preconditions, update, actor, attempt);
    });
  }

  /** Writes {@code next} over {@code version}; a lost race runs the update again on the fresh state. */
  private CompletableFuture<StoredObject> updateWrite(
      ObjectKey key, Version version, byte[] next, Preconditions preconditions, UpdateFunction update, Actor actor,
      int attempt) {
    long rv = version.rv();
    return chunks.prepare(next).thenCompose(prepared -> {
      String currentKey = keys.current(key);
      List<Compare> guards = new ArrayList<>();
      guards.add(Compare.modRevisionIs(currentKey, rv));
      guards.addAll(prepared.guards());
      Mutation mutation = new Mutation(
          guards,
          List.of(
              KvOp.put(currentKey, newVersion(Action.UPDATED, actor, prepared.body()).encode()),
              KvOp.put(keys.history(key, rv), version.envelope().endedBy(ending(Action.UPDATED, actor)).encode())),
          new Figures(0, (long) next.length - version.body().length),
          rv);
      return commitOrRetry(key, mutation, next, attempt,
          fresh -> updateAttempt(key, fresh, preconditions, update, actor, attempt + 1));
    });
  }

  /**
   * The current version of an object, decoded, as a mutation attempt sees it.
   *
   * @param object the object at {@code rv}, when at hand; else made from {@code body} when asked for
   */
  private record Version(Envelope envelope, byte[] body, long rv, StoredObject object) {
    StoredObject object(ObjectKey key) {
      return object != null ? object : new StoredObject(key, ObjectJson.withResourceVersion(body, rv), rv);
    }
  }

  /**
   * The version a caller (a watch cache) believes current, when it can stand for the value read from the backend:
   * an object of {@code key} read from this store, carrying its {@link VersionRecord}; else null. A mutation that
   * starts from it judges nothing on it that could fail: a precondition, the caller's function or check failing on
   * it, or an update that would change nothing, sends the mutation to the current version read from the backend, as
   * if it had started there; and its compare-and-swap fails when the version is no longer current, after which the
   * mutation goes on with the fresh state the failed transaction read, as after any lost race. The attempt from the
   * cached version is not counted against {@code maxUpdateAttempts}.
   */
  private static Version cached(ObjectKey key, StoredObject expected) {
    if (expected == null || !key.equals(expected.key())) {
      return null;
    }
    Envelope envelope = VersionRecord.envelope(expected);
    if (envelope == null) {
      return null;
    }
    return new Version(envelope, ((Envelope.Inline) envelope.body()).json(), expected.resourceVersion(), expected);
  }

  /** Decodes {@code current} and checks {@code preconditions} on it; NOT_FOUND when it is absent. */
  private CompletableFuture<Version> checkedCurrent(ObjectKey key, KeyValue current, Preconditions preconditions) {
    if (current == null) {
      throw StorageException.notFound(key);
    }
    Envelope envelope = Envelope.decode(current.key(), current.value());
    return body(current.key(), envelope).thenApply(body -> {
      checkPreconditions(key, preconditions, body, current.modRevision());
      return new Version(envelope, body, current.modRevision(), null);
    });
  }

  private static void checkPreconditions(ObjectKey key, Preconditions preconditions, byte[] body, long rv) {
    if (preconditions.uid() != null) {
      String uid = ObjectJson.uid(body);
      if (!preconditions.uid().equals(uid)) {
        throw new StorageException(StorageErrorCode.CONFLICT,
            "Precondition failed: UID in precondition: " + preconditions.uid() + ", UID in object meta: "
                + (uid == null ? "" : uid), rv, null);
      }
    }
    if (preconditions.resourceVersion() != 0 && preconditions.resourceVersion() != rv) {
      throw new StorageException(StorageErrorCode.CONFLICT,
          "Operation cannot be fulfilled on " + key.describe()
              + ": the object has been modified; please apply your changes to the latest version and try again",
          rv, null);
    }
  }

  // ---------------------------------------------------------------------------------------------- delete

  @Override
  public CompletionStage<StoredObject> delete(
      ObjectKey key, Preconditions preconditions, Consumer<StoredObject> check, Actor actor) {
    return Futures.translated(queued(key, () -> deleteFromStore(key, preconditions, check, actor)));
  }

  /** Starts from {@code expected} as {@link #update(ObjectKey, Preconditions, UpdateFunction, Actor, StoredObject)}. */
  @Override
  public CompletionStage<StoredObject> delete(
      ObjectKey key, Preconditions preconditions, Consumer<StoredObject> check, Actor actor, StoredObject expected) {
    Version cached = cached(key, expected);
    if (cached == null) {
      return delete(key, preconditions, check, actor);
    }
    return Futures.translated(queued(key, () -> {
      try {
        checkPreconditions(key, preconditions, cached.body(), cached.rv());
        check(key, cached, check);
      } catch (RuntimeException e) {
        return deleteFromStore(key, preconditions, check, actor);
      }
      return deleteWrite(key, cached, preconditions, check, actor, 0);
    }));
  }

  private CompletableFuture<StoredObject> deleteFromStore(
      ObjectKey key, Preconditions preconditions, Consumer<StoredObject> check, Actor actor) {
    return readCurrent(key).thenCompose(current -> deleteAttempt(key, current, preconditions, check, actor, 1));
  }

  private CompletableFuture<StoredObject> deleteAttempt(
      ObjectKey key, KeyValue current, Preconditions preconditions, Consumer<StoredObject> check, Actor actor,
      int attempt) {
    return checkedCurrent(key, current, preconditions).thenCompose(version -> {
      check(key, version, check);
      return deleteWrite(key, version, preconditions, check, actor, attempt);
    });
  }

  private static void check(ObjectKey key, Version version, Consumer<StoredObject> check) {
    if (check != null) {
      StoredObject fresh = version.object(key);
      Futures.callerFunction(() -> {
        check.accept(fresh);
        return null;
      });
    }
  }

  /** Deletes {@code version}; a lost race runs the delete again on the fresh state. */
  private CompletableFuture<StoredObject> deleteWrite(
      ObjectKey key, Version version, Preconditions preconditions, Consumer<StoredObject> check, Actor actor,
      int attempt) {
    long rv = version.rv();
    String currentKey = keys.current(key);
    Envelope ended = version.envelope().endedBy(ending(Action.DELETED, actor));
    Mutation mutation = new Mutation(
        List.of(Compare.modRevisionIs(currentKey, rv)),
        List.of(
            KvOp.delete(currentKey),
            KvOp.put(keys.history(key, rv), ended.encode()),
            KvOp.put(keys.trash(key), ended.withRevision(rv).encode())),
        Figures.object(version.body().length).negated(),
        rv);
    return commitOrRetry(key, mutation, version.body(), attempt,
        fresh -> deleteAttempt(key, fresh, preconditions, check, actor, attempt + 1));
  }

  // ---------------------------------------------------------------------------------------------- list

  /**
   * The continue-token codec, created on first use from a key shared by all replicas through the store. The first
   * paged list of an installation therefore writes that key once (one revision); no later read writes.
   */
  CompletableFuture<ContinueTokens> tokens() {
    CompletableFuture<ContinueTokens> t = tokens;
    if (t != null && !t.isCompletedExceptionally()) {
      return t;
    }
    String metaKey = keys.meta(TOKEN_KEY);
    byte[] fresh = new byte[32];
    new SecureRandom().nextBytes(fresh);
    TxnRequest createIfAbsent = new TxnRequest(
        List.of(Compare.absent(metaKey)), List.of(KvOp.put(metaKey, fresh)), List.of(KvOp.get(metaKey)));
    t = Futures.of(kv.txn(createIfAbsent)).thenApply(result ->
        new ContinueTokens(result.succeeded() ? fresh : result.range(0).first().value()));
    tokens = t;
    return t;
  }

  /** The part of a current key after the type prefix: {@code ns/name}. */
  String relative(ResourceType type, String currentKey) {
    return currentKey.substring(keys.typePrefix(type).length());
  }

  static String scope(ResourceType type, String namespace) {
    if (!type.namespaced()) {
      return KeyLayout.CLUSTER_SEGMENT + "/";
    }
    return namespace == null || namespace.isEmpty() ? "" : namespace + "/";
  }

  @Override
  public CompletionStage<ListResult> list(ResourceType type, ListOptions options) {
    return Futures.translated(Futures.call(() -> {
      String namespace = type.namespaced() ? options.namespace() : null;
      String scope = scope(type, namespace);
      String prefix = keys.currentPrefix(type, namespace);
      if (options.continueToken() == null) {
        return list(type, options, prefix, prefix, options.revision());
      }
      return tokens().thenCompose(codec -> {
        ContinueTokens.Position position =
            codec.decode(ContinueTokens.Kind.LIST, options.continueToken(), scope);
        return list(type, options, prefix, keys.typePrefix(type) + position.start(), position.revision());
      });
    }));
  }

  private CompletableFuture<ListResult> list(
      ResourceType type, ListOptions options, String prefix, String start, long revision) {
    String single = options.predicate().singleName();
    KeyRange range = KeyRange.prefix(prefix).from(start);
    if (single != null && (options.namespace() != null || !type.namespaced())) {
      // One name in one scope: read that key alone (or nothing, when the continue token is already past it).
      String key = prefix + single;
      range = io.revisor.storage.kv.Keys.compare(key, start) >= 0
          ? KeyRange.single(key)
          : KeyRange.prefix(prefix).from(start).until(start);
    }
    Page page = new Page(type, options, range, revision);
    return page.next().handle((result, error) -> {
      if (error == null) {
        return CompletableFuture.completedFuture(result);
      }
      if (revision != 0 && StorageException.isKv(error, KvErrorCode.COMPACTED)) {
        return timeTravel.listAt(type, options, prefix, start, revision);
      }
      return this.<ListResult>failure(error);
    }).thenCompose(stage -> stage);
  }

  /**
   * Fails with {@code error} translated; a FUTURE_REVISION the backend reported without the current revision (etcd
   * does not say) gets it, as {@link StorageException#revision()} promises.
   */
  private <T> CompletableFuture<T> failure(Throwable error) {
    StorageException translated = StorageException.from(error);
    if (translated.code() != StorageErrorCode.FUTURE_REVISION || translated.revision() != 0) {
      return Futures.failed(translated);
    }
    return Futures.of(kv.currentRevision()).handle((current, ignored) -> {
      throw new StorageException(StorageErrorCode.FUTURE_REVISION, translated.getMessage(),
          current == null ? 0 : current, translated.getCause());
    });
  }

  /** One page of a list: reads batches at one revision until the page is full or the range is exhausted. */
  private final class Page {
    private final ResourceType type;
    private final ListOptions options;
    private final KeyRange range;
    private final List<StoredObject> items = new ArrayList<>();
    private final ObjectPredicate predicate;
    private long revision;
    private String next;

    Page(ResourceType type, ListOptions options, KeyRange range, long revision) {
      this.type = type;
      this.options = options;
      this.range = range;
      this.revision = revision;
      this.predicate = options.predicate();
      this.next = range.start();
    }

    CompletableFuture<ListResult> next() {
      long wanted = options.limit() == 0 ? Long.MAX_VALUE : options.limit() - items.size();
      // Without a selector every key read is returned, so read exactly what the page still needs.
      long batch = predicate.isEverything() ? Math.min(wanted, KvResourceStore.this.options.listBatchSize())
          : KvResourceStore.this.options.listBatchSize();
      RangeRequest request = RangeRequest.of(range.from(next)).withLimit(batch).atRevision(revision);
      return Futures.of(kv.range(request)).thenCompose(result -> {
        if (revision == 0) {
          revision = result.headerRevision();
        }
        return decode(result.kvs()).thenCompose(decoded -> {
          for (int i = 0; i < decoded.size(); i++) {
            StoredObject object = decoded.get(i);
            if (object != null) {
              items.add(object);
            }
            next = result.kvs().get(i).key() + "\0";
            if (options.limit() > 0 && items.size() == options.limit()) {
              boolean more = i < decoded.size() - 1 || result.more();
              long remaining = result.count() - (i + 1);
              return finish(more, remaining);
            }
          }
          if (result.more()) {
            return next();
          }
          return finish(false, 0);
        });
      });
    }

    /** Decodes a batch: the matching objects, null where the predicate does not match. */
    private CompletableFuture<List<StoredObject>> decode(List<KeyValue> batch) {
      List<CompletableFuture<StoredObject>> objects = new ArrayList<>(batch.size());
      for (KeyValue kv : batch) {
        ObjectKey key = keys.parseCurrent(type, kv.key());
        if (key == null) {
          objects.add(Futures.failed(StorageException.internal("unexpected key " + kv.key(), null)));
          continue;
        }
        Envelope envelope = Envelope.decode(kv.key(), kv.value());
        objects.add(body(kv.key(), envelope).thenApply(body -> ObjectJson.matches(key, body, predicate)
            ? VersionRecord.current(key, envelope, body, kv.modRevision())
            : null));
      }
      return Futures.all(objects);
    }

    private CompletableFuture<ListResult> finish(boolean more, long remaining) {
      if (!more) {
        return CompletableFuture.completedFuture(new ListResult(items, revision, null, null));
      }
      Long remainingItemCount = predicate.isEverything() ? remaining : null;
      return tokens().thenApply(codec -> new ListResult(
          items, revision,
          codec.encode(ContinueTokens.Kind.LIST, revision, relative(type, next)),
          remainingItemCount));
    }
  }

  // ---------------------------------------------------------------------------------------------- watch

  @Override
  public ResourceWatch watch(ResourceType type, WatchOptions options, ResourceWatchListener listener) {
    WatchSession session = new WatchSession(this, kv, type, options, listener, dispatch, scheduler, watches::remove);
    watches.add(session);
    if (closed.get()) {
      session.fail(new StorageException(StorageErrorCode.UNAVAILABLE, "store closed"));
    } else {
      session.start();
    }
    return session;
  }

  // ---------------------------------------------------------------------------------------------- history & trash

  @Override
  public CompletionStage<HistoryPage> history(ObjectKey key, long limit, String continueToken) {
    return Futures.translated(Futures.call(() -> timeTravel.history(key, limit, continueToken)));
  }

  @Override
  public CompletionStage<HistoryEntry> change(ObjectKey key, long revision) {
    return Futures.translated(Futures.call(() -> timeTravel.change(key, revision)));
  }

  @Override
  public CompletionStage<TrashEntry> trashed(ObjectKey key) {
    return Futures.translated(Futures.call(() -> timeTravel.trashed(key)));
  }

  @Override
  public CompletionStage<TrashPage> trash(ResourceType type, String namespace, long limit, String continueToken) {
    return Futures.translated(Futures.call(() -> timeTravel.trash(type, namespace, limit, continueToken)));
  }

  // ---------------------------------------------------------------------------------------------- restore

  @Override
  public CompletionStage<StoredObject> restore(
      ObjectKey key, long fromRevision, Preconditions expected, RestoreFunction prepare, Actor actor) {
    return Futures.translated(queued(key, () -> restoreAttempt(key, fromRevision, expected, prepare, actor, 1)));
  }

  private CompletableFuture<StoredObject> restoreAttempt(
      ObjectKey key, long fromRevision, Preconditions expected, RestoreFunction prepare, Actor actor, int attempt) {
    String currentKey = keys.current(key);
    String trashKey = keys.trash(key);
    RangeRequest currentRead = RangeRequest.key(currentKey);
    return Futures.of(kv.range(currentRead)).thenCompose(currentRange -> {
      KeyValue current = currentRange.first();
      if (current != null && fromRevision == 0) {
        throw StorageException.alreadyExists(key, current.modRevision());
      }
      CompletableFuture<StoredObject> currentObject = current == null
          ? CompletableFuture.completedFuture(null)
          : object(key, current, current.modRevision());
      CompletableFuture<Source> source = fromRevision == 0
          ? trashSource(key)
          : get(key, fromRevision).toCompletableFuture().thenApply(s -> new Source(s, null));
      return currentObject.thenCombine(source, (now, from) -> new Object[] {now, from})
          .thenCompose(pair -> {
            StoredObject now = (StoredObject) pair[0];
            Source from = (Source) pair[1];
            if (now != null) {
              checkPreconditions(key, expected, now.json(), now.resourceVersion());
            }
            byte[] body = normalized(key, Futures.callerFunction(() -> prepare.apply(from.object(), now)));
            return chunks.prepare(body).thenCompose(prepared -> {
              List<Compare> guards = new ArrayList<>(prepared.guards());
              List<KvOp> writes = new ArrayList<>();
              writes.add(KvOp.put(currentKey, newVersion(Action.RESTORED, actor, prepared.body()).encode()));
              Figures delta;
              if (current == null) {
                guards.add(Compare.absent(currentKey));
                if (from.trash() != null) {
                  guards.add(Compare.modRevisionIs(trashKey, from.trash().modRevision()));
                }
                writes.add(KvOp.delete(trashKey));
                delta = Figures.object(body.length);
              } else {
                guards.add(Compare.modRevisionIs(currentKey, current.modRevision()));
                Envelope previous = Envelope.decode(current.key(), current.value());
                writes.add(KvOp.put(keys.history(key, current.modRevision()),
                    previous.endedBy(ending(Action.RESTORED, actor)).encode()));
                delta = new Figures(0, body.length - previous.body().size());
              }
              Mutation mutation =
                  new Mutation(guards, writes, delta, current == null ? 0 : current.modRevision());
              return commit(key, mutation, body, found -> {
                if (current == null && found != null) {
                  throw StorageException.alreadyExists(key, found.modRevision());
                }
                if (current != null && expected.resourceVersion() != 0) {
                  long rv = found == null ? 0 : found.modRevision();
                  throw new StorageException(StorageErrorCode.CONFLICT,
                      "Operation cannot be fulfilled on " + key.describe()
                          + ": the object has been modified since resourceVersion " + expected.resourceVersion()
                          + "; restore not applied", rv, null);
                }
                checkAttempts(key, attempt);
                return restoreAttempt(key, fromRevision, expected, prepare, actor, attempt + 1);
              });
            });
          });
    });
  }

  /** What a restore brings back, and the trash entry it consumes (null when restoring from history). */
  private record Source(StoredObject object, KeyValue trash) {}

  private CompletableFuture<Source> trashSource(ObjectKey key) {
    return Futures.of(kv.get(keys.trash(key))).thenCompose(trash -> {
      if (trash == null) {
        throw new StorageException(StorageErrorCode.NOT_FOUND, key.describe() + " is not in the trash");
      }
      Envelope envelope = Envelope.decode(trash.key(), trash.value());
      return object(key, trash, envelope.revision()).thenApply(o -> new Source(o, trash));
    });
  }

  // ---------------------------------------------------------------------------------------------- stats

  @Override
  public CompletionStage<List<ResourceStats>> stats(ResourceType type, String namespace) {
    return Futures.translated(Futures.call(() -> liveStats.stats(type, namespace)));
  }

  @Override
  public CompletionStage<Long> currentRevision() {
    return Futures.translated(Futures.of(kv.currentRevision()));
  }

  /**
   * Every mutation writes a counter shard of its scope in its own transaction (see {@link #commit}), and so did the
   * stores before counters with their scope's marker: the counter keys of {@code type} modified after
   * {@code sinceRevision} tell its latest change since. One keys-only read, whatever the number of objects; etcd reads
   * every counter key of the type to filter them, so its cost grows with the namespaces and shards in use.
   */
  @Override
  public CompletionStage<Freshness> freshness(ResourceType type, long sinceRevision) {
    RangeRequest changed = RangeRequest.prefix(keys.statsPrefix(type)).withKeysOnly().modifiedSince(sinceRevision + 1);
    // Every mutation writes a shard (an older replica's, the scope's marker) in its own transaction; a scope's base is
    // rewritten alone (by the backfill and by stats reads of legacy scopes), at revisions that change no object.
    return Futures.translated(Futures.of(kv.range(changed)).thenApply(result -> new Freshness(
        result.headerRevision(), result.kvs().stream()
            .filter(counter -> !isBase(keys.parseStats(counter.key())))
            .mapToLong(KeyValue::modRevision).max().orElse(0))));
  }

  private static boolean isBase(KeyLayout.StatsKey key) {
    return key != null && key.kind() == KeyLayout.StatsKind.BASE;
  }

  @Override
  public CompletionStage<ListTokens> listTokens() {
    return Futures.translated(tokens().thenApply(codec -> new ListTokens() {
      @Override
      public String after(long revision, ObjectKey last) {
        return codec.encode(ContinueTokens.Kind.LIST, revision, relative(last.type(), keys.current(last)) + "\0");
      }

      @Override
      public Position decode(ResourceType type, String namespace, String token) {
        ContinueTokens.Position position =
            codec.decode(ContinueTokens.Kind.LIST, token, scope(type, type.namespaced() ? namespace : null));
        String start = position.start();
        int slash = start.indexOf('/');
        return new Position(position.revision(), type.namespaced() ? start.substring(0, slash) : "",
            start.substring(slash + 1));
      }
    }));
  }

  // ---------------------------------------------------------------------------------------------- lifecycle

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      for (WatchSession watch : List.copyOf(watches)) {
        watch.fail(new StorageException(StorageErrorCode.UNAVAILABLE, "store closed"));
      }
      scheduler.shutdownNow();
      dispatch.shutdown();
      try {
        // The backfill stops before its next scope; every call of the current one is bounded by the backend.
        backfill.get(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (ExecutionException | TimeoutException e) {
        LOG.debug("backfill still running at close", e);
      }
    }
  }

  static Instant instant(long millis) {
    return Instant.ofEpochMilli(millis);
  }
}
