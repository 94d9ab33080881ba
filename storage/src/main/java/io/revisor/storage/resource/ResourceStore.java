package io.revisor.storage.resource;

import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * Kubernetes storage semantics for JSON objects, keeping every version.
 *
 * <p>Resource versions are the backend's revisions: global, gapless and in commit order. Objects are stored without
 * {@code metadata.resourceVersion}; every object returned has it filled in. Every mutation is exactly one
 * compare-and-swap transaction on the object's current key that also writes its history and trash entries and its
 * namespace's live-object counters, so a reader never sees half a change. Setting {@code uid} and
 * {@code creationTimestamp} is the caller's job.
 *
 * <p>Thread-safe. Methods return at once; stages complete on backend threads. Every failure is a
 * {@link StorageException} (possibly wrapped in a {@link java.util.concurrent.CompletionException}); use
 * {@link StorageException#from(Throwable)} to unwrap.
 */
public interface ResourceStore extends AutoCloseable {
  /**
   * A store on {@code kv}. It does not own {@code kv}: closing the store leaves it open. Background maintenance
   * (compaction, retention, chunk collection) is separate: see {@link Maintenance}. Returns at once; in the
   * background, the store counts the objects of namespaces written before live-object counters existed, once per
   * installation (see {@link #stats}).
   */
  static ResourceStore open(io.revisor.storage.kv.KvStore kv, ResourceStoreOptions options) {
    return new KvResourceStore(kv, options);
  }

  /**
   * Creates an object.
   *
   * @param json the object; a {@code metadata.resourceVersion} in it is ignored
   * @return the stored object with its new resourceVersion
   * @throws StorageException ALREADY_EXISTS if the name is taken, TOO_LARGE, INVALID if {@code json} is not a JSON
   *     object
   */
  CompletionStage<StoredObject> create(ObjectKey key, byte[] json, Actor actor);

  /**
   * Reads an object.
   *
   * @param revision 0 for the latest version (a consistent read), otherwise the version that was current at
   *     exactly that revision, answered from the history keys when the backend has compacted it
   * @throws StorageException NOT_FOUND (also when the object did not exist at {@code revision}), FUTURE_REVISION,
   *     COMPACTED when the revision predates the retained history
   */
  CompletionStage<StoredObject> get(ObjectKey key, long revision);

  /**
   * Reads a version of an object that is not older than {@code minRevision}, as Kubernetes reads a get with
   * {@code resourceVersion=0} (any version: may be stale) or {@code resourceVersion=N} (not older than N). A store
   * with a cache answers from memory once the cache has reached {@code minRevision}; the default answers as
   * {@link #get get(key, 0)} (the current version, newer than any revision the store has reached). Wrappers that do not
   * override it keep their own {@code get} in the path (the default calls it).
   *
   * @param minRevision 0 for any version, else the oldest revision the answer may be current at
   * @throws StorageException NOT_FOUND when the object did not exist at the revision answered
   */
  default CompletionStage<StoredObject> getNotOlderThan(ObjectKey key, long minRevision) {
    return get(key, 0);
  }

  /**
   * Guaranteed update: reads the current object, checks {@code preconditions}, applies {@code update} and writes
   * the result with a compare-and-swap; on a concurrent change it re-reads and tries again. A result equal to the
   * current object writes nothing and returns the current object unchanged.
   *
   * @throws StorageException NOT_FOUND, CONFLICT when a precondition fails, TOO_LARGE; and whatever
   *     {@code update} throws reaches the caller unchanged
   */
  CompletionStage<StoredObject> update(
      ObjectKey key, Preconditions preconditions, UpdateFunction update, Actor actor);

  /**
   * {@link #update(ObjectKey, Preconditions, UpdateFunction, Actor)} that may start from {@code expected}, a version
   * of the object that this store returned (from a get, a list or a watch) and that the caller believes current, as
   * a watch cache does, instead of reading the current version first. The outcome is the same in every case: a stale
   * {@code expected} is caught by the write's compare-and-swap, after which the update goes on from the current
   * version; and nothing that could fail on a stale version is judged on it (a failed precondition, what
   * {@code update} throws, a result that changes nothing): those send the update to the current version read from the
   * backend, so {@code update} may run once more than without {@code expected}. The default ignores
   * {@code expected}; so do wrappers that do not override it, which keeps their own {@code update} in the path.
   *
   * @param expected a version of the object from this store, or null
   */
  default CompletionStage<StoredObject> update(
      ObjectKey key, Preconditions preconditions, UpdateFunction update, Actor actor, StoredObject expected) {
    return update(key, preconditions, update, actor);
  }

  /**
   * {@link #delete(ObjectKey, Preconditions, java.util.function.Consumer, Actor)} that may start from
   * {@code expected}, as {@link #update(ObjectKey, Preconditions, UpdateFunction, Actor, StoredObject)} does: a failed
   * precondition or {@code check} on it sends the delete to the current version read from the backend. The default
   * ignores {@code expected}.
   *
   * @param expected a version of the object from this store, or null
   */
  default CompletionStage<StoredObject> delete(
      ObjectKey key, Preconditions preconditions, java.util.function.Consumer<StoredObject> check, Actor actor,
      StoredObject expected) {
    return delete(key, preconditions, check, actor);
  }

  /**
   * Deletes an object, recording its last state in history and trash.
   *
   * @param check runs on the freshest state before every attempt; throwing aborts the delete (null: no check)
   * @return the last state, with resourceVersion = the deletion revision
   * @throws StorageException NOT_FOUND, CONFLICT when a precondition fails
   */
  CompletionStage<StoredObject> delete(
      ObjectKey key, Preconditions preconditions, java.util.function.Consumer<StoredObject> check, Actor actor);

  /**
   * Lists objects of {@code type}, one page at a time. Every page of one list is read at the first page's revision;
   * a token whose revision the backend has compacted is still answered exactly from the history keys.
   *
   * @throws StorageException INVALID for a malformed or tampered continue token, FUTURE_REVISION, COMPACTED when
   *     the revision predates the retained history
   */
  CompletionStage<ListResult> list(ResourceType type, ListOptions options);

  /**
   * Watches objects of {@code type}. Changes arrive in revision order; DELETED events carry the deletion revision.
   * The returned watch is already running; failures (for example a compacted start revision) arrive as
   * {@link ResourceWatchListener#onClose(StorageException)}.
   */
  ResourceWatch watch(ResourceType type, WatchOptions options, ResourceWatchListener listener);

  /**
   * Every recorded change of one object (across deletions and re-creations of the name), newest first.
   *
   * @param limit at most this many entries (0 = all)
   * @param continueToken the previous page's token, or null
   */
  CompletionStage<HistoryPage> history(ObjectKey key, long limit, String continueToken);

  /**
   * The one change of {@code key} made at exactly {@code revision}, as {@link #history} lists it.
   *
   * @throws StorageException NOT_FOUND when no change of the object has that resourceVersion (or retention pruned
   *     it)
   */
  CompletionStage<HistoryEntry> change(ObjectKey key, long revision);

  /**
   * The trash entry of {@code key}, as {@link #trash} lists it.
   *
   * @throws StorageException NOT_FOUND when the object is not deleted, or was restored or re-created since
   */
  CompletionStage<TrashEntry> trashed(ObjectKey key);

  /**
   * Deleted objects of {@code type} that have not been restored or re-created, in key order.
   *
   * @param namespace one namespace, or null for all
   */
  CompletionStage<TrashPage> trash(ResourceType type, String namespace, long limit, String continueToken);

  /**
   * Brings back a version as a new write. When the object is deleted, it is re-created (from the trash when
   * {@code fromRevision} is 0); when it exists, it is rolled back to the version current at {@code fromRevision}.
   * Nothing is overwritten silently: a name taken again fails with ALREADY_EXISTS, a change since
   * {@code expected.resourceVersion()} with CONFLICT.
   *
   * @param fromRevision the revision whose version to bring back; 0 = the last state before the deletion
   * @param expected preconditions on the current object (its resourceVersion; ignored when the object is deleted)
   * @return the restored object with its new resourceVersion
   * @throws StorageException NOT_FOUND when there is no such version or nothing in the trash
   */
  CompletionStage<StoredObject> restore(
      ObjectKey key, long fromRevision, Preconditions expected, RestoreFunction prepare, Actor actor);

  /**
   * Live objects per resource type and namespace: how many, their total bytes, and the latest change. The answer is
   * exact at one revision, for every namespace in it (a concurrent mutation is either fully in it or not at all).
   * Every mutation updates counters in its own transaction, so this reads a few keys per namespace, never the objects
   * nor their history; only a namespace last changed by a store without counters is counted from its objects (once,
   * after an upgrade). Writes that fail, that change nothing, and maintenance (compaction, retention, chunk
   * collection) leave the figures unchanged. Cheap enough to be called before every create.
   *
   * @param type one resource type, or null for all types that ever had an object
   * @param namespace one namespace, or null for all; cluster-scoped types have none, so a namespace excludes them
   * @return one entry per namespace (of {@code type}) that ever had an object, count 0 once all are deleted; no
   *     particular order
   * @throws StorageException UNAVAILABLE, TIMEOUT; INTERNAL for an undecodable counter
   */
  CompletionStage<List<ResourceStats>> stats(ResourceType type, String namespace);

  /** The store's current revision. */
  CompletionStage<Long> currentRevision();

  /**
   * A consistent read of the store's revision and of the latest change of {@code type} after {@code sinceRevision}:
   * what a cache that has seen every change of {@code type} up to {@code sinceRevision} needs to answer a consistent
   * read. The default proves nothing ({@link Freshness#unknown}); stores that can tell cheaply override it.
   */
  default CompletionStage<Freshness> freshness(ResourceType type, long sinceRevision) {
    return currentRevision().thenApply(Freshness::unknown);
  }

  /**
   * The codec of this store's list continue tokens, for a cache in front of it.
   *
   * @throws StorageException (in the stage) INTERNAL when the store has none a cache could share
   */
  default CompletionStage<ListTokens> listTokens() {
    return java.util.concurrent.CompletableFuture.failedFuture(
        StorageException.internal("this store has no continue tokens to share", null));
  }

  /**
   * Stops background work and ends open watches; does not close the {@link io.revisor.storage.kv.KvStore}. Waits
   * for the step of the counters' backfill in progress, if any (bounded), so that no write of the store lands after
   * it returns.
   */
  @Override
  void close();
}
