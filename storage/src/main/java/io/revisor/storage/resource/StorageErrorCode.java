package io.revisor.storage.resource;

/** Why a {@link ResourceStore} call failed; the API layer maps each to one Kubernetes {@code Status}. */
public enum StorageErrorCode {
  /** The object (or the object at the requested revision) does not exist. */
  NOT_FOUND,
  /** Create of a name that is taken. */
  ALREADY_EXISTS,
  /** A precondition (uid, resourceVersion) does not hold, or the object changed under a conditional request. */
  CONFLICT,
  /** The requested revision is older than anything the store can still answer exactly. */
  COMPACTED,
  /** The requested revision is newer than the store's current revision. */
  FUTURE_REVISION,
  /** The object exceeds the store's maximum object size. */
  TOO_LARGE,
  /** A malformed request: a tampered or undecodable continue token, an invalid key segment. */
  INVALID,
  /** The backend cannot be reached. */
  UNAVAILABLE,
  /** The backend did not answer in time; the effect of a write is unknown. */
  TIMEOUT,
  /** A watcher fell too far behind and was ended; the client should watch again from its last revision. */
  TOO_SLOW,
  /** Stored data cannot be decoded, or another bug; never caused by the caller. */
  INTERNAL
}
