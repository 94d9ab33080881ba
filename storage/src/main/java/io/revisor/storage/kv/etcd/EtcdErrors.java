package io.revisor.storage.kv.etcd;

import io.etcd.jetcd.common.exception.ClosedClientException;
import io.etcd.jetcd.common.exception.ClosedWatcherException;
import io.etcd.jetcd.common.exception.CompactedException;
import io.etcd.jetcd.common.exception.EtcdException;
import io.grpc.Status;
import io.revisor.storage.kv.KvErrorCode;
import io.revisor.storage.kv.KvException;
import java.util.Locale;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeoutException;

/**
 * The one place where jetcd and gRPC failures become {@link KvException}s.
 *
 * <p>jetcd hands KV failures over as the raw {@code StatusRuntimeException} (not as its own {@code EtcdException}),
 * and etcd reports several distinct conditions under one gRPC code (OUT_OF_RANGE covers both compacted and future
 * revisions), so the etcd error text is matched first and the code only decides the rest.
 */
final class EtcdErrors {
  // etcd's own error strings (server/etcdserver/api/v3rpc/rpctypes and mvcc), stable since 3.0.
  private static final String COMPACTED = "required revision has been compacted";
  private static final String FUTURE_REVISION = "required revision is a future revision";
  private static final String TOO_LARGE = "request is too large";
  private static final String DUPLICATE_KEY = "duplicate key given in txn request";

  private EtcdErrors() {}

  /**
   * Classifies a failure of a KV call.
   *
   * @param requestedRevision the revision the call asked for (0 when none), for the message
   * @param storeClosed whether the store was closed when the failure was seen: then every failure is CLOSED,
   *     since the channel's shutdown surfaces as CANCELLED or UNAVAILABLE
   */
  static KvException toKvException(Throwable failure, long requestedRevision, boolean storeClosed) {
    Throwable t = unwrap(failure);
    if (t instanceof KvException e) {
      return e;
    }
    if (storeClosed || isClosed(t)) {
      return new KvException(KvErrorCode.CLOSED, "the etcd store is closed", t);
    }
    if (t instanceof CompactedException e) {
      return new KvException(KvErrorCode.COMPACTED, "required revision " + requestedRevision
          + " has been compacted (compacted revision " + e.getCompactedRevision() + ")", e.getCompactedRevision(), t);
    }
    if (t instanceof TimeoutException) {
      return new KvException(KvErrorCode.TIMEOUT, "etcd did not answer in time", t);
    }
    Status status = Status.fromThrowable(t);
    Status.Code code = status.getCode();
    if (code == Status.Code.UNKNOWN && t instanceof EtcdException e) {
      code = Status.Code.valueOf(e.getErrorCode().name());
    }
    String text = describe(t, status);
    String lower = text.toLowerCase(Locale.ROOT);
    if (lower.contains(COMPACTED)) {
      return new KvException(KvErrorCode.COMPACTED, "required revision " + requestedRevision
          + " has been compacted (etcd: " + text + ")", 0, t);
    }
    if (lower.contains(FUTURE_REVISION)) {
      return new KvException(KvErrorCode.FUTURE_REVISION, "required revision " + requestedRevision
          + " is a future revision (etcd: " + text + ")", 0, t);
    }
    if (lower.contains(TOO_LARGE)) {
      return new KvException(KvErrorCode.VALUE_TOO_LARGE, "etcd: " + text, t);
    }
    if (lower.contains(DUPLICATE_KEY)) {
      return new KvException(KvErrorCode.INVALID_ARGUMENT, "etcd: " + text, t);
    }
    return switch (code) {
      case RESOURCE_EXHAUSTED -> isMessageSize(lower)
          ? new KvException(KvErrorCode.VALUE_TOO_LARGE, "etcd: " + text, t)
          : new KvException(KvErrorCode.UNAVAILABLE, "etcd is overloaded: " + text, t);
      case OUT_OF_RANGE -> new KvException(KvErrorCode.COMPACTED, "etcd: " + text, 0, t);
      case INVALID_ARGUMENT, FAILED_PRECONDITION -> new KvException(KvErrorCode.INVALID_ARGUMENT, "etcd: " + text, t);
      case UNAVAILABLE, CANCELLED, ABORTED -> new KvException(KvErrorCode.UNAVAILABLE, "etcd unavailable: " + text, t);
      case DEADLINE_EXCEEDED -> new KvException(KvErrorCode.TIMEOUT, "etcd did not answer in time: " + text, t);
      default -> new KvException(KvErrorCode.INTERNAL, "etcd call failed: " + text, t);
    };
  }

  /**
   * Whether a failed watch stream should be reopened rather than reported. Everything that says "the connection
   * or the server had a problem" is; what says "this watch is wrong" (compaction, a rejected range) is not.
   */
  static boolean isTransientWatchFailure(Throwable failure) {
    Throwable t = unwrap(failure);
    if (t instanceof CompactedException || isClosed(t)) {
      return false;
    }
    Status.Code code = Status.fromThrowable(t).getCode();
    if (code == Status.Code.UNKNOWN && t instanceof EtcdException e) {
      code = Status.Code.valueOf(e.getErrorCode().name());
    }
    return switch (code) {
      case UNAVAILABLE, INTERNAL, UNKNOWN, DEADLINE_EXCEEDED, CANCELLED, ABORTED, RESOURCE_EXHAUSTED -> true;
      default -> false;
    };
  }

  /** Strips the wrappers that futures add around the real failure. */
  static Throwable unwrap(Throwable failure) {
    Throwable t = failure;
    while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  private static boolean isClosed(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (c instanceof ClosedClientException
          || c instanceof ClosedWatcherException
          || c instanceof RejectedExecutionException
          || c instanceof CancellationException) {
        return true;
      }
    }
    return false;
  }

  private static boolean isMessageSize(String lowerText) {
    // gRPC's own words on either side: "received message larger than max", "message exceeds maximum size".
    return lowerText.contains("larger than max") || lowerText.contains("exceeds maximum")
        || lowerText.contains("message too large");
  }

  private static String describe(Throwable t, Status status) {
    StringBuilder sb = new StringBuilder();
    if (status.getDescription() != null) {
      sb.append(status.getDescription());
    }
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (c.getMessage() != null && sb.indexOf(c.getMessage()) < 0) {
        if (sb.length() > 0) {
          sb.append("; ");
        }
        sb.append(c.getMessage());
      }
    }
    return sb.length() == 0 ? status.getCode().toString() : sb.toString();
  }
}
