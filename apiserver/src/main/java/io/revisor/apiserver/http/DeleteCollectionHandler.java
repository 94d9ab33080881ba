package io.revisor.apiserver.http;

import io.revisor.storage.resource.ListOptions;
import io.revisor.storage.resource.ListResult;
import io.revisor.storage.resource.StorageErrorCode;
import io.revisor.storage.resource.StorageException;
import io.revisor.storage.resource.StoredObject;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;

/**
 * DELETE of a collection: lists the matching objects (label and field selectors) and deletes each one like a single
 * DELETE, one after the other; not atomic, as in Kubernetes. Objects already gone are skipped. The answer is the list
 * of what was deleted or marked for deletion.
 */
final class DeleteCollectionHandler {
  private final ApiContext api;
  private final DeleteHandler deleter;

  DeleteCollectionHandler(ApiContext api, DeleteHandler deleter) {
    this.api = api;
    this.deleter = deleter;
  }

  void handle(ResourceRequest request) {
    MediaTypes.Representation as = MediaTypes.negotiate(request.routing().request().getHeader("Accept"), true);
    ReadParams params = ReadParams.parse(request.query(), false, request.version().selectableFields());
    DeleteOptions options = DeleteOptions.parse(request, api.admission());
    ListOptions list = new ListOptions(
        request.namespace().isEmpty() ? null : request.namespace(), params.predicate(), 0, null, 0);
    request.on(api.store().list(request.type(), list))
        .compose(page -> deleteAll(request, options, page.items(), 0, new ArrayList<>())
            .map(done -> new ListResult(done, page.resourceVersion(), null, null)))
        .onSuccess(result -> request.reply(200, as, () -> api.renderer().list(request, as, result)))
        .onFailure(failure -> request.fail(failure, ""));
  }

  private Future<List<StoredObject>> deleteAll(
      ResourceRequest request, DeleteOptions options, List<StoredObject> items, int index, List<StoredObject> done) {
    if (index == items.size()) {
      return Future.succeededFuture(done);
    }
    String name = items.get(index).key().name();
    return deleter.delete(request, name, options)
        .map(outcome -> {
          done.add(outcome.object());
          return done;
        })
        .recover(failure -> StorageException.from(failure).code() == StorageErrorCode.NOT_FOUND
            ? Future.succeededFuture(done)
            : Future.failedFuture(failure))
        .compose(ignored -> deleteAll(request, options, items, index + 1, done));
  }
}
