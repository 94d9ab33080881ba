package io.revisor.storage.kv;

import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * A revisioned key-value store with etcd's semantics: one global revision counter bumped by every committed write
 * transaction, multi-version reads at any revision not yet compacted, compare-and-swap transactions, and ordered
 * watches that can start in the past.
 *
 * <p>Thread-safe. Every method returns at once; the returned stage completes on a backend thread (never block in
 * its callbacks). Every call is bounded by the backend's request timeout: when the backend is down the stage fails
 * with {@link KvErrorCode#UNAVAILABLE} or {@link KvErrorCode#TIMEOUT} instead of hanging. Failures are always a
 * {@link KvException}. Arguments are never null.
 */
public interface KvStore extends AutoCloseable {
  /**
   * Reads a range of keys.
   *
   * @return the key-values, in key order (descending if asked), with the header revision of the read
   * @throws KvException (in the stage) {@link KvErrorCode#COMPACTED} if {@code revision} is below the compacted
   *     revision, {@link KvErrorCode#FUTURE_REVISION} if it is above the current one, UNAVAILABLE or TIMEOUT
   */
  CompletionStage<RangeResult> range(RangeRequest request);

  /**
   * Runs an atomic compare-and-swap transaction. A failed compare is not an error: the result says
   * {@code succeeded == false}. A transaction is never retried by the backend, since its effect is unknown after a
   * timeout.
   *
   * @throws KvException (in the stage) {@link KvErrorCode#VALUE_TOO_LARGE} if the request exceeds the backend's
   *     request limit, INVALID_ARGUMENT (for example a key written twice), UNAVAILABLE or TIMEOUT
   */
  CompletionStage<TxnResult> txn(TxnRequest request);

  /**
   * Starts a watch. Events arrive through {@code listener} in revision order, each exactly once, starting at
   * {@code startRevision}. The backend resumes the watch after transient failures without losing or repeating
   * events; a start revision that is (or becomes) compacted ends the watch with
   * {@link KvWatchListener#onError} {@link KvErrorCode#COMPACTED}.
   *
   * @return a handle to request progress or stop the watch; returned before any event is delivered
   */
  KvWatch watch(WatchRequest request, KvWatchListener listener);

  /**
   * Discards every version older than {@code revision} except the latest version of each key at it. Reads and
   * watches below {@code revision} then fail with COMPACTED. Compacting to an already compacted revision completes
   * normally.
   *
   * @return the revision compacted to
   * @throws KvException (in the stage) FUTURE_REVISION if {@code revision} is above the current revision
   */
  CompletionStage<Long> compact(long revision);

  /** The store's current revision: that of the latest committed write (0 or 1 for a new store; etcd starts at 1). */
  CompletionStage<Long> currentRevision();

  /**
   * Whether {@link KvWatchListener#onProgress(long)} is exact: every change up to the reported revision has been
   * delivered. etcd before 3.4.31 and 3.5.8 may report progress ahead of events it has not sent yet (etcd issue
   * 15220), so consumers that must not skip events (bookmarks, caches) may only trust progress when this is true.
   */
  default boolean progressIsExact() {
    return true;
  }

  /** Releases connections, files and threads. Pending calls and watches fail with CLOSED. Idempotent. */
  @Override
  void close();

  /** Reads one key at the latest revision; the stage holds null when it is absent. */
  default CompletionStage<KeyValue> get(String key) {
    return range(RangeRequest.key(key)).thenApply(RangeResult::first);
  }

  /** Puts one key unconditionally; the stage holds the new revision. */
  default CompletionStage<Long> put(String key, byte[] value) {
    return txn(TxnRequest.when(List.of(), List.of(KvOp.put(key, value)))).thenApply(TxnResult::revision);
  }

  /** Deletes one key unconditionally; the stage holds the revision after the call. */
  default CompletionStage<Long> delete(String key) {
    return txn(TxnRequest.when(List.of(), List.of(KvOp.delete(key)))).thenApply(TxnResult::revision);
  }
}
