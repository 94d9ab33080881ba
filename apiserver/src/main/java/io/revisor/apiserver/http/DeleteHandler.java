package io.revisor.apiserver.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.revisor.apiserver.json.Json;
import io.revisor.storage.resource.StorageErrorCode;
import io.revisor.storage.resource.StorageException;
import io.revisor.storage.resource.StoredObject;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;

/**
 * DELETE of one object. Without finalizers (and with Background propagation) the object is removed at once and the
 * answer is a {@code Status} of Success. When finalizers hold it (or Foreground/Orphan add one) it gets a
 * {@code deletionTimestamp} instead, watchers see MODIFIED, and the answer is 202 with the object; removing the last
 * finalizer later deletes it.
 */
final class DeleteHandler {
  private final ApiContext api;

  DeleteHandler(ApiContext api) {
    this.api = api;
  }

  /** Signals from the delete's freshness check that finalizers keep the object. */
  private static final class HeldByFinalizers extends RuntimeException {
    private static final long serialVersionUID = 1L;

    HeldByFinalizers() {
      super(null, null, false, false);
    }
  }

  void handle(ResourceRequest request) {
    MediaTypes.Representation as = MediaTypes.negotiate(request.routing().request().getHeader("Accept"), false);
    DeleteOptions options = DeleteOptions.parse(request, api.admission());
    delete(request, options)
        .onSuccess(outcome -> {
          if (outcome.deleted()) {
            request.reply(200, MediaTypes.Representation.JSON_OBJECT, () -> Buffer.buffer(Json.bytes(success(request, outcome.object()))));
          } else {
            request.reply(202, as, () -> api.renderer().object(request, as, outcome.object().json()));
          }
        })
        .onFailure(failure -> request.fail(failure, request.info().name()));
  }

  /** What a delete did: removed the object, or marked it for deletion. */
  record Outcome(StoredObject object, boolean deleted) {}

  /** Deletes (or marks) the request's object, or {@code key(name)} for delete-collection. */
  Future<Outcome> delete(ResourceRequest request, DeleteOptions options) {
    return delete(request, request.info().name(), options);
  }

  Future<Outcome> delete(ResourceRequest request, String name, DeleteOptions options) {
    if (options.dryRun()) {
      return request.on(api.store().get(request.key(name), 0)).map(current -> {
        check(options, current);
        return new Outcome(current, !held(options, current));
      });
    }
    return request.on(api.store().delete(request.key(name), options.preconditions(), current -> {
          if (held(options, current)) {
            throw new HeldByFinalizers();
          }
        }, request.actor()))
        .map(deleted -> new Outcome(deleted, true))
        .recover(failure -> {
          if (!(StorageErrors.unwrap(failure) instanceof HeldByFinalizers)) {
            return Future.failedFuture(failure);
          }
          return request.on(api.store().update(request.key(name), options.preconditions(),
                  current -> ObjectStrategy.encode(
                      api.strategy().markDeleting(ObjectRenderer.decode(current.json()), options.finalizerToAdd())),
                  request.actor()))
              .map(marked -> new Outcome(marked, false));
        });
  }

  private static boolean held(DeleteOptions options, StoredObject current) {
    ObjectNode metadata = ObjectStrategy.metadata(ObjectRenderer.decode(current.json()));
    return options.finalizerToAdd() != null || !ObjectStrategy.finalizers(metadata).isEmpty();
  }

  private static void check(DeleteOptions options, StoredObject current) {
    ObjectNode metadata = ObjectStrategy.metadata(ObjectRenderer.decode(current.json()));
    if (options.preconditions().uid() != null && !options.preconditions().uid().equals(metadata.path("uid").asText())) {
      throw new StorageException(StorageErrorCode.CONFLICT,
          "uid in precondition: " + options.preconditions().uid() + ", uid in object meta: " + metadata.path("uid").asText());
    }
    if (options.preconditions().resourceVersion() != 0
        && options.preconditions().resourceVersion() != current.resourceVersion()) {
      throw new StorageException(StorageErrorCode.CONFLICT,
          "resourceVersion mismatch");
    }
  }

  static ObjectNode success(ResourceRequest request, StoredObject deleted) {
    ObjectNode status = Json.object();
    status.put("kind", "Status").put("apiVersion", "v1");
    status.putObject("metadata");
    status.put("status", "Success");
    ObjectNode details = status.putObject("details");
    details.put("name", deleted.key().name()).put("group", request.definition().group())
        .put("kind", request.definition().names().plural());
    String uid = ObjectStrategy.metadata(ObjectRenderer.decode(deleted.json())).path("uid").asText("");
    if (!uid.isEmpty()) {
      details.put("uid", uid);
    }
    return status;
  }

}
