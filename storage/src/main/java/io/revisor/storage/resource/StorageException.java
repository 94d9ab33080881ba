package io.revisor.storage.resource;

import io.revisor.storage.kv.KvErrorCode;
import io.revisor.storage.kv.KvException;
import java.util.concurrent.CompletionException;

/**
 * The only failure of the {@link ResourceStore}. It becomes a Kubernetes {@code Status} in exactly one place of the
 * API layer; messages are written to be shown to users as they are.
 */
public final class StorageException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final StorageErrorCode code;
  private final long revision;

  public StorageException(StorageErrorCode code, String message) {
    this(code, message, 0, null);
  }

  public StorageException(StorageErrorCode code, String message, long revision, Throwable cause) {
    super(message, cause);
    this.code = code;
    this.revision = revision;
  }

  public StorageErrorCode code() {
    return code;
  }

  /**
   * For {@link StorageErrorCode#COMPACTED}: the oldest revision still answerable (0 if unknown); for
   * {@link StorageErrorCode#FUTURE_REVISION}: the current revision; for {@link StorageErrorCode#CONFLICT} and
   * {@link StorageErrorCode#ALREADY_EXISTS}: the resourceVersion of the object found (0 if none).
   */
  public long revision() {
    return revision;
  }

  public static StorageException notFound(ObjectKey key) {
    return new StorageException(StorageErrorCode.NOT_FOUND, key.describe() + " not found");
  }

  public static StorageException alreadyExists(ObjectKey key, long revision) {
    return new StorageException(StorageErrorCode.ALREADY_EXISTS, key.describe() + " already exists", revision, null);
  }

  public static StorageException invalid(String message) {
    return new StorageException(StorageErrorCode.INVALID, message);
  }

  public static StorageException internal(String message, Throwable cause) {
    return new StorageException(StorageErrorCode.INTERNAL, message, 0, cause);
  }

  /** Translates a failure of the KV layer (or anything else thrown below the store) into a storage failure. */
  public static StorageException from(Throwable failure) {
    Throwable t = failure;
    while (t instanceof CompletionException && t.getCause() != null) {
      t = t.getCause();
    }
    if (t instanceof StorageException e) {
      return e;
    }
    KvException kv = KvException.unwrap(t);
    if (kv == null) {
      return internal("internal storage error: " + t, t);
    }
    return switch (kv.code()) {
      case COMPACTED -> new StorageException(StorageErrorCode.COMPACTED, kv.getMessage(), kv.revision(), kv);
      case FUTURE_REVISION -> new StorageException(
          StorageErrorCode.FUTURE_REVISION, kv.getMessage(), kv.revision(), kv);
      case VALUE_TOO_LARGE -> new StorageException(StorageErrorCode.TOO_LARGE, kv.getMessage(), 0, kv);
      case UNAVAILABLE, CLOSED -> new StorageException(
          StorageErrorCode.UNAVAILABLE, "storage unavailable: " + kv.getMessage(), 0, kv);
      case TIMEOUT -> new StorageException(StorageErrorCode.TIMEOUT, "storage timeout: " + kv.getMessage(), 0, kv);
      case INVALID_ARGUMENT, INTERNAL -> internal("storage error: " + kv.getMessage(), kv);
    };
  }

  /** Whether {@code failure} is a {@link KvException} with the given code. */
  static boolean isKv(Throwable failure, KvErrorCode code) {
    KvException kv = KvException.unwrap(failure);
    return kv != null && kv.code() == code;
  }
}
