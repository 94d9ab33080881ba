package io.revisor.apiserver.http;

import io.revisor.storage.resource.ListOptions;
import io.revisor.storage.resource.ListResult;
import io.revisor.storage.resource.StorageErrorCode;
import io.revisor.storage.resource.StorageException;
import io.vertx.core.Future;

/**
 * LIST, following Kubernetes' resourceVersion table: unset = a consistent read; "0" = any (the watch cache answers
 * from memory at once); N without a limit, or {@code resourceVersionMatch=NotOlderThan} = not older than N; N with a
 * limit, or {@code resourceVersionMatch=Exact} = exactly at N; a continue token = the token's revision. Unlike kube's
 * cache, {@code limit} is honoured in every mode.
 */
final class ListHandler {
  private final ApiContext api;

  ListHandler(ApiContext api) {
    this.api = api;
  }

  void handle(ResourceRequest request) {
    MediaTypes.Representation as = MediaTypes.negotiate(request.routing().request().getHeader("Accept"), true);
    ReadParams params = ReadParams.parse(request.query(), false, request.version().selectableFields());
    ListOptions options = new ListOptions(
        request.namespace().isEmpty() ? null : request.namespace(), params.predicate(), params.limit(),
        params.continueToken(), 0);
    Long rv = params.resourceVersion();
    Future<ListResult> listed;
    if (params.continueToken() != null || rv == null) {
      listed = list(request, options);
    } else if (rv == 0) {
      listed = list(request, options.notOlderThan(ListOptions.ANY));
    } else if (params.match().equals(ReadParams.EXACT) || (params.match().isEmpty() && params.limit() > 0)) {
      listed = list(request, options.atRevision(rv));
    } else {
      // Not older than N: the cache usually answers at once; only an answer older than N (N may be ahead of the
      // store, kube's "too large resource version") waits for the store to reach N, and is asked for again.
      ListOptions notOlder = options.notOlderThan(rv);
      listed = list(request, notOlder).compose(page -> page.resourceVersion() >= rv
          ? Future.succeededFuture(page)
          : api.awaitRevision(rv).compose(current -> list(request, notOlder)));
    }
    listed
        .onSuccess(page -> request.reply(200, as, () -> api.renderer().list(request, as, page)))
        .onFailure(failure -> request.routing().fail(listError(request, failure, params)));
  }

  private Future<ListResult> list(ResourceRequest request, ListOptions options) {
    return request.on(api.store().list(request.type(), options));
  }

  private static ApiException listError(ResourceRequest request, Throwable failure, ReadParams params) {
    if (failure instanceof ApiException api) {
      return api;
    }
    StorageException storage = StorageException.from(failure);
    if (storage.code() == StorageErrorCode.COMPACTED) {
      return params.continueToken() != null
          ? ApiException.of(410, "Expired", "The provided continue parameter is too old to display a consistent "
              + "list result. You can start a new list without the continue parameter.")
          : ApiException.of(410, "Expired", "The resourceVersion for the provided list is too old.");
    }
    if (storage.code() == StorageErrorCode.FUTURE_REVISION && params.resourceVersion() != null) {
      return ApiException.tooLargeResourceVersion(params.resourceVersion(), storage.revision());
    }
    if (storage.code() == StorageErrorCode.INVALID && params.continueToken() != null) {
      String message = storage.getMessage();
      return ApiException.badRequest(message.startsWith("invalid continue token") ? message : "invalid continue token: " + message);
    }
    return request.error(failure, "");
  }
}
