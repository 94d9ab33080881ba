package io.revisor.apiserver.http;

import io.revisor.apiserver.patch.PatchException;
import io.revisor.storage.resource.StorageException;
import java.util.List;

/**
 * The one place where storage failures become Kubernetes {@code Status} errors. Anything that is neither a storage
 * failure nor an {@link ApiException} is a bug and becomes a 500.
 */
public final class StorageErrors {
  private StorageErrors() {}

  /**
   * Maps {@code failure} for a request on {@code group}/{@code resource}, object {@code name} (empty for
   * collections).
   */
  public static ApiException toApi(Throwable failure, String group, String resource, String name) {
    Throwable cause = unwrap(failure);
    if (cause instanceof ApiException api) {
      return api;
    }
    if (cause instanceof PatchException patch) {
      return fromPatch(patch, name);
    }
    StorageException e = StorageException.from(cause);
    String qualified = group.isEmpty() ? resource : resource + "." + group;
    ApiException.Details details = new ApiException.Details(name.isEmpty() ? null : name, group, resource, null);
    return switch (e.code()) {
      case NOT_FOUND -> ApiException.notFound(group, resource, name);
      case ALREADY_EXISTS -> ApiException.of(409, "AlreadyExists",
          qualified + " \"" + name + "\" already exists", details, List.of());
      case CONFLICT -> ApiException.of(409, "Conflict",
          "Operation cannot be fulfilled on " + qualified + " \"" + name + "\": " + conflictDetail(e), details,
          List.of());
      case COMPACTED -> ApiException.of(410, "Expired", e.getMessage());
      case FUTURE_REVISION -> ApiException.tooLargeResourceVersion(requested(e), e.revision());
      case TOO_LARGE -> ApiException.tooLarge("Request entity too large: " + e.getMessage());
      case INVALID -> ApiException.badRequest(e.getMessage());
      case UNAVAILABLE, TOO_SLOW -> ApiException.of(503, "ServiceUnavailable",
          "storage is unavailable: " + e.getMessage()).withRetryAfter(1);
      case TIMEOUT -> ApiException.of(504, "Timeout",
          "Timeout: request did not complete within the storage deadline; the change may or may not have been made")
          .withRetryAfter(1);
      case INTERNAL -> ApiException.internal(e.getMessage());
    };
  }

  /** {@code failure} without the {@code CompletionException}/{@code ExecutionException} wrappers of futures. */
  static Throwable unwrap(Throwable failure) {
    Throwable cause = failure;
    while ((cause instanceof java.util.concurrent.CompletionException
            || cause instanceof java.util.concurrent.ExecutionException)
        && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause;
  }

  /** A patch or apply failure, with the message and causes the patch package chose (kube's own words). */
  static ApiException fromPatch(PatchException e, String name) {
    List<ApiException.Cause> causes = e.causes().stream()
        .map(c -> new ApiException.Cause(c.type(), c.message(), c.field())).toList();
    ApiException.Details details = e.detailsGroup() == null && e.detailsKind() == null && name.isEmpty()
        ? ApiException.Details.NONE
        : new ApiException.Details(name.isEmpty() ? null : name, e.detailsGroup(), e.detailsKind(), null);
    return ApiException.of(e.kind().code(), e.kind().reason(), e.getMessage(), details, causes);
  }

  private static String conflictDetail(StorageException e) {
    String message = e.getMessage() == null ? "" : e.getMessage();
    if (message.contains("uid")) {
      return "Precondition failed: " + message;
    }
    return "the object has been modified; please apply your changes to the latest version and try again";
  }

  private static long requested(StorageException e) {
    String message = e.getMessage() == null ? "" : e.getMessage();
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+)").matcher(message);
    return m.find() ? Long.parseLong(m.group(1)) : 0;
  }
}
