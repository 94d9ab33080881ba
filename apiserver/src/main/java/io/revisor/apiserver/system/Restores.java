package io.revisor.apiserver.system;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.revisor.apiserver.crd.ResourceDefinition;
import io.revisor.apiserver.http.ApiException;
import io.revisor.apiserver.http.KindView;
import io.revisor.apiserver.http.ResourceRequest;
import io.revisor.apiserver.json.Json;
import io.revisor.storage.resource.Actor;
import io.revisor.storage.resource.ForwardingResourceStore;
import io.revisor.storage.resource.ObjectKey;
import io.revisor.storage.resource.Preconditions;
import io.revisor.storage.resource.ResourceStore;
import io.revisor.storage.resource.StorageErrorCode;
import io.revisor.storage.resource.StorageException;
import io.revisor.storage.resource.StoredObject;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code restores}: creating a Restore brings back a version of an object as a new write, and the Restore records
 * the outcome. A deleted object is re-created (by default from its last state before the deletion, keeping its uid);
 * an existing one is rolled back to the version of {@code spec.resourceVersion} (keeping its uid and creation time,
 * with the next generation). Nothing is overwritten silently: a name taken again, or a change since {@code
 * spec.expectedResourceVersion}, fails the Restore with the reason in its status.
 *
 * <p>Order: the caller must be allowed to {@code get} the object and to {@code create} it (deleted) or {@code update}
 * it (existing), else the request is a 403 and nothing is written. Then the Restore is stored as {@code Pending}, the
 * restore is made, and the status is written: the answer to the create is the Restore with its outcome. Restores are
 * records: updates and patches may change labels and annotations; the spec is immutable (422) and the status is the
 * server's (changes to it are dropped).
 */
final class Restores implements KindView {
  private final ResourceStore store;
  private final Targets targets;
  private final TargetAccess access;

  Restores(ResourceStore store, Targets targets, TargetAccess access) {
    this.store = store;
    this.targets = targets;
    this.access = access;
  }

  @Override
  public io.vertx.core.Future<ResourceStore> storeFor(ResourceRequest request) {
    return io.vertx.core.Future.succeededFuture(new View(request));
  }

  /** The stored Restores; a create performs the restore it asks for. */
  private final class View extends ForwardingResourceStore {
    private final ResourceRequest request;

    View(ResourceRequest request) {
      super(store);
      this.request = request;
    }

    @Override
    public CompletionStage<StoredObject> create(ObjectKey key, byte[] json, Actor actor) {
      ObjectNode restore = parse(json);
      JsonNode spec = restore.path("spec");
      ResourceDefinition target = targets.require(spec.path("resource").asText(), "spec.resource");
      String name = spec.path("name").asText();
      long from = number(spec, "resourceVersion");
      long expected = number(spec, "expectedResourceVersion");
      ObjectKey targetKey;
      try {
        targetKey = target.type().key(key.namespace(), name);
      } catch (StorageException e) {
        throw ApiException.badRequest("spec.name: " + e.getMessage());
      }
      return authorize(target, targetKey)
          .thenCompose(allowed -> delegate().create(key, Json.bytes(withStatus(restore, pending())), actor))
          .thenCompose(record -> restore(target, targetKey, from, expected, actor)
              .thenCompose(outcome -> delegate().update(key, Preconditions.uid(uid(record)),
                  current -> Json.bytes(withStatus(parse(current.json()), outcome)), actor)));
    }

    @Override
    public CompletionStage<StoredObject> update(
        ObjectKey key, Preconditions preconditions, io.revisor.storage.resource.UpdateFunction update, Actor actor) {
      return delegate().update(key, preconditions, current -> {
        ObjectNode before = parse(current.json());
        ObjectNode after = parse(update.apply(current));
        if (!before.path("spec").equals(after.path("spec"))) {
          throw ApiException.invalid(request.definition().group(), request.definition().names().kind(),
              key.name(), java.util.List.of(new ApiException.Cause("FieldValueInvalid",
                  "Invalid value: the spec of a Restore is immutable: create another Restore", "spec")));
        }
        after.remove("status");
        if (before.get("status") instanceof ObjectNode status) {
          after.set("status", status);
        }
        return Json.bytes(after);
      }, actor);
    }

    /** {@code get}, then {@code create} or {@code update} of the target, as it exists now. */
    private CompletionStage<Void> authorize(ResourceDefinition target, ObjectKey targetKey) {
      String namespace = targetKey.namespace();
      return access.require(request, target, "get", namespace, targetKey.name()).toCompletionStage()
          .thenCompose(allowed -> delegate().get(targetKey, 0).handle((current, failure) -> {
            if (failure != null && StorageException.from(failure).code() != StorageErrorCode.NOT_FOUND) {
              throw StorageException.from(failure);
            }
            return failure == null ? "update" : "create";
          }))
          .thenCompose(verb -> access.require(request, target, verb, namespace, targetKey.name()).toCompletionStage());
    }

    /** Makes the restore; its outcome as a status, also when it fails for a reason the user can act on. */
    private CompletionStage<ObjectNode> restore(
        ResourceDefinition target, ObjectKey targetKey, long from, long expected, Actor actor) {
      AtomicLong source = new AtomicLong();
      Preconditions preconditions = expected == 0 ? Preconditions.NONE : Preconditions.resourceVersion(expected);
      String object = target.name() + " \"" + targetKey.name() + "\"";
      return delegate().restore(targetKey, from, preconditions, (version, current) -> {
            source.set(version.resourceVersion());
            return prepare(version, current);
          }, actor)
          .thenApply(restored -> Json.object()
              .put("phase", "Succeeded")
              .put("message", "restored " + object + " to the version of resourceVersion " + source.get()
                  + (from == 0 ? " (its last state before the deletion)" : ""))
              .put("sourceResourceVersion", Long.toString(source.get()))
              .put("restoredResourceVersion", Long.toString(restored.resourceVersion())))
          .exceptionally(failure -> failed(failure, object, from, expected));
    }

    private ObjectNode failed(Throwable failure, String object, long from, long expected) {
      Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
          ? failure.getCause() : failure;
      if (cause instanceof ApiException api && api.code() == 403) {
        return failure("Forbidden", api.getMessage());
      }
      StorageException e = StorageException.from(cause);
      return switch (e.code()) {
        case ALREADY_EXISTS -> failure("AlreadyExists", object + " exists (it was created or restored since the "
            + "deletion), and nothing was overwritten. To replace it with an old version, set spec.resourceVersion to "
            + "that version's resourceVersion.");
        case CONFLICT -> failure("Conflict", object + " has been modified since resourceVersion " + expected
            + " (now " + e.revision() + "), and nothing was overwritten.");
        case NOT_FOUND -> failure("NotFound", from == 0
            ? object + " is not in the trash: it was never deleted, or was restored, re-created or dropped by "
                + "retention since."
            : "no version of " + object + " existed at resourceVersion " + from + ".");
        case COMPACTED -> failure("Expired", e.getMessage());
        case TOO_LARGE, INVALID -> failure("Invalid", e.getMessage());
        default -> throw e;
      };
    }

    private static ObjectNode failure(String reason, String message) {
      return Json.object().put("phase", "Failed").put("reason", reason).put("message", message);
    }

    private static ObjectNode pending() {
      return Json.object().put("phase", "Pending").put("message", "restoring");
    }
  }

  /**
   * The object to write: the old version, with the identity of the object it becomes. A rollback keeps the current
   * uid and creation time and takes the next generation; a re-created object keeps the uid it had. Deletion marks
   * of the old version are dropped.
   */
  static byte[] prepare(StoredObject version, StoredObject current) {
    ObjectNode object = parse(version.json());
    ObjectNode metadata = object.with("metadata");
    metadata.remove("resourceVersion");
    metadata.remove("deletionTimestamp");
    metadata.remove("deletionGracePeriodSeconds");
    if (current != null) {
      JsonNode now = parse(current.json()).path("metadata");
      metadata.set("uid", now.path("uid"));
      metadata.set("creationTimestamp", now.path("creationTimestamp"));
      metadata.put("generation", now.path("generation").asLong(0) + 1);
    }
    return Json.bytes(object);
  }

  private static ObjectNode withStatus(ObjectNode restore, ObjectNode status) {
    restore.set("status", status);
    return restore;
  }

  private static String uid(StoredObject record) {
    return parse(record.json()).path("metadata").path("uid").asText();
  }

  /** A decimal resourceVersion field of the spec (validated by the schema), 0 when absent. */
  private static long number(JsonNode spec, String field) {
    String text = spec.path(field).asText("");
    try {
      return text.isEmpty() ? 0 : Long.parseLong(text);
    } catch (NumberFormatException e) {
      throw ApiException.badRequest("spec." + field + ": \"" + text + "\" is not a resourceVersion");
    }
  }

  private static ObjectNode parse(byte[] json) {
    try {
      return (ObjectNode) Json.parse(json);
    } catch (IOException | ClassCastException e) {
      throw ApiException.badRequest("not a JSON object");
    }
  }
}
