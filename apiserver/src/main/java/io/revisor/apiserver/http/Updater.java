package io.revisor.apiserver.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.revisor.storage.resource.Preconditions;
import io.revisor.storage.resource.StorageErrorCode;
import io.revisor.storage.resource.StorageException;
import io.revisor.storage.resource.StoredObject;
import io.vertx.core.Future;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;

/**
 * The guaranteed-update path shared by PUT and PATCH: computes the desired object from the current one, applies the
 * update rules and admission, writes it with a compare-and-swap (retried by the store on concurrent changes), and
 * deletes an object whose last finalizer was just removed.
 */
final class Updater {
  private final ApiContext api;

  Updater(ApiContext api) {
    this.api = api;
  }

  /**
   * Updates the request's object.
   *
   * @param desired computes the client's intended object from a copy of the current one; may throw ApiException;
   *     called again after a concurrent change
   */
  Future<StoredObject> update(
      ResourceRequest request, Preconditions preconditions, UnaryOperator<ObjectNode> desired, boolean dryRun) {
    return update(request, preconditions, desired,
        (old, result) -> api.managedFields().recordUpdate(request, old, result), dryRun);
  }

  /**
   * Like {@link #update(ResourceRequest, Preconditions, UnaryOperator, boolean)}, with the managedFields step given
   * (server-side apply has already recorded ownership in the desired object).
   */
  Future<StoredObject> update(ResourceRequest request, Preconditions preconditions,
      UnaryOperator<ObjectNode> desired, java.util.function.BinaryOperator<ObjectNode> managedFields, boolean dryRun) {
    boolean status = request.info().subresource().equals("status");
    if (dryRun) {
      return request.on(api.store().get(request.key(), 0)).map(current -> {
        if (preconditions.resourceVersion() != 0 && preconditions.resourceVersion() != current.resourceVersion()) {
          throw new StorageException(StorageErrorCode.CONFLICT, "resourceVersion mismatch");
        }
        byte[] next = next(request, current, desired, managedFields, status).bytes();
        return new StoredObject(current.key(), next, current.resourceVersion());
      });
    }
    // The uid of the object the last attempt wrote when that object must go (being deleted, no finalizer left);
    // the store's result is that attempt's object (or, when it changed nothing, the current one, which it equals).
    AtomicReference<String> deleteUid = new AtomicReference<>();
    return request.on(api.store().update(request.key(), preconditions, current -> {
      Next next = next(request, current, desired, managedFields, status);
      deleteUid.set(ObjectStrategy.readyToDelete(next.object())
          ? ObjectStrategy.metadata(next.object()).path("uid").asText() : null);
      return next.bytes();
    }, request.actor())).compose(updated -> {
      String uid = deleteUid.get();
      if (uid == null) {
        return Future.succeededFuture(updated);
      }
      return request.on(api.store().delete(updated.key(), new Preconditions(uid, updated.resourceVersion()), null,
          request.actor()));
    });
  }

  /** The object to write instead of the current one, and its encoding. */
  private record Next(ObjectNode object, byte[] bytes) {}

  private Next next(ResourceRequest request, StoredObject current, UnaryOperator<ObjectNode> desired,
      java.util.function.BinaryOperator<ObjectNode> managedFields, boolean status) {
    ObjectNode old = ObjectRenderer.decode(current.json());
    ObjectNode wanted = desired.apply(old.deepCopy());
    api.strategy().checkTypeMeta(request, wanted);
    ObjectNode result = api.strategy().prepareForUpdate(request, wanted, old, status);
    api.strategy().checkImmutable(request, result, old);
    ObjectStrategy.metadata(result).put("resourceVersion", Long.toString(current.resourceVersion()));
    api.admission().admit(request, result, old);
    ObjectNode managed = managedFields.apply(old, result);
    return new Next(managed, ObjectStrategy.encode(managed));
  }

}
