package io.revisor.storage.kv;

/** Why a {@link KvStore} call failed. The resource store and the API layer branch on these, never on messages. */
public enum KvErrorCode {
  /** The requested revision has been compacted away; {@link KvException#revision()} is the compacted revision. */
  COMPACTED(false),
  /** The requested revision is newer than the store's; {@link KvException#revision()} is the current revision. */
  FUTURE_REVISION(false),
  /** The request (a value, or a whole transaction) exceeds the backend's request size limit. */
  VALUE_TOO_LARGE(false),
  /** The request is malformed for this backend (for example a duplicate key in one transaction). */
  INVALID_ARGUMENT(false),
  /** The backend cannot be reached or refused the call for now; safe reads may be retried. */
  UNAVAILABLE(true),
  /** The call did not complete within its deadline. Its effect, for a write, is unknown. */
  TIMEOUT(true),
  /** The store or the watch was closed. */
  CLOSED(false),
  /** Anything else: a backend bug or corruption. */
  INTERNAL(false);

  private final boolean transientFailure;

  KvErrorCode(boolean transientFailure) {
    this.transientFailure = transientFailure;
  }

  /** Whether a later attempt of the same call may succeed. Says nothing about whether repeating it is safe. */
  public boolean isTransient() {
    return transientFailure;
  }
}
