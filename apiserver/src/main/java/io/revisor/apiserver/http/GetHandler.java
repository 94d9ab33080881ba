package io.revisor.apiserver.http;

import io.vertx.core.Future;

/**
 * GET of one object (and of its {@code /status}). {@code resourceVersion} unset reads the latest version (a consistent
 * read); "0" reads any version, from the watch cache when it is on (as kube-apiserver does: it may be a little stale);
 * N means "not older than N": the read waits up to a few seconds for the store to reach N (else 504), then answers
 * from the watch cache once it has reached N, else from the store.
 *
 * <p>Time travel, Revisor's addition: {@code resourceVersionMatch=Exact} with N reads the object exactly as it was at
 * N (404 when it did not exist then), also after etcd has compacted N. kube's GetOptions has no such parameter and
 * ignores it, so the same query against another server reads the latest version instead of failing.
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
    String match = request.query().string("resourceVersionMatch");
    if (!match.isEmpty() && !match.equals(ReadParams.EXACT) && !match.equals(ReadParams.NOT_OLDER_THAN)) {
      throw ApiException.invalidOptions("GetOptions", "resourceVersionMatch",
          "Unsupported value: \"" + match + "\": supported values: \"Exact\", \"NotOlderThan\", \"\"");
    }
    boolean exact = match.equals(ReadParams.EXACT);
    if (exact && (rv == null || rv == 0)) {
      throw ApiException.invalidOptions("GetOptions", "resourceVersionMatch",
          "Forbidden: resourceVersionMatch \"Exact\" requires a resourceVersion other than \"0\"");
    }
    Future<Long> ready = rv == null || rv == 0 ? Future.succeededFuture(0L) : api.awaitRevision(rv);
    ready
        .compose(ignored -> request.on(rv == null ? api.store().get(request.key(), 0)
            : exact ? api.store().get(request.key(), rv)
            : api.store().getNotOlderThan(request.key(), rv)))
        .onSuccess(object -> request.reply(200, as, () -> api.renderer().object(request, as, object.json())))
        .onFailure(failure -> request.fail(failure, request.info().name()));
  }
}
