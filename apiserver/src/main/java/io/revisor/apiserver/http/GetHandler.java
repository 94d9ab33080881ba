package io.revisor.apiserver.http;

import io.vertx.core.Future;

/**
 * GET of one object (and of its {@code /status}). {@code resourceVersion} unset or "0" reads the latest version; N
 * means "not older than N": the read waits up to a few seconds for the store to reach N, then answers 504.
 */
final class GetHandler {
  private final ApiContext api;

  GetHandler(ApiContext api) {
    this.api = api;
  }

  void handle(ResourceRequest request) {
    MediaTypes.Representation as =
        MediaTypes.negotiate(request.routing().request().getHeader("Accept"), false);
    Long rv = ReadParams.resourceVersion(request.query().string("resourceVersion"));
    Future<Long> ready = rv == null || rv == 0 ? Future.succeededFuture(0L) : api.awaitRevision(rv);
    ready
        .compose(ignored -> request.on(api.store().get(request.key(), 0)))
        .onSuccess(object -> request.reply(200, as, () -> api.renderer().object(request, as, object.json())))
        .onFailure(failure -> request.fail(failure, request.info().name()));
  }
}
