package io.revisor.storage.kv;

/**
 * The only failure type of the {@link KvStore} SPI. Every failed {@code CompletionStage} of the SPI completes
 * exceptionally with this exception (possibly wrapped in a {@link java.util.concurrent.CompletionException} by
 * the caller's own composition; use {@link #unwrap(Throwable)}).
 */
public final class KvException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final KvErrorCode code;
  private final long revision;

  public KvException(KvErrorCode code, String message) {
    this(code, message, 0, null);
  }

  public KvException(KvErrorCode code, String message, Throwable cause) {
    this(code, message, 0, cause);
  }

  public KvException(KvErrorCode code, String message, long revision, Throwable cause) {
    super(message, cause);
    this.code = code;
    this.revision = revision;
  }

  public static KvException compacted(long requested, long compactedRevision) {
    return new KvException(
        KvErrorCode.COMPACTED,
        "required revision " + requested + " has been compacted (compacted revision " + compactedRevision + ")",
        compactedRevision,
        null);
  }

  public static KvException futureRevision(long requested, long currentRevision) {
    return new KvException(
        KvErrorCode.FUTURE_REVISION,
        "required revision " + requested + " is a future revision (current revision " + currentRevision + ")",
        currentRevision,
        null);
  }

  public KvErrorCode code() {
    return code;
  }

  /**
   * For {@link KvErrorCode#COMPACTED}, the revision the store is compacted to (0 when the backend does not say);
   * for {@link KvErrorCode#FUTURE_REVISION}, the current revision (0 when unknown); 0 otherwise.
   */
  public long revision() {
    return revision;
  }

  /** Finds the {@link KvException} in a chain of completion wrappers, or returns {@code null}. */
  public static KvException unwrap(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof KvException e) {
        return e;
      }
      if (c.getCause() == c) {
        break;
      }
    }
    return null;
  }
}
