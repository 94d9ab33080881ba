package io.revisor.apiserver.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.revisor.apiserver.patch.Patches;
import io.revisor.storage.resource.Preconditions;
import io.revisor.storage.resource.StorageErrorCode;
import io.revisor.storage.resource.StorageException;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;

/**
 * PATCH of an object or its {@code /status}: JSON patch (RFC 6902), merge patch (RFC 7386) and server-side apply
 * ({@code application/apply-patch+yaml}, which also creates a missing object). Strategic merge patch is a 415, as for
 * custom resources. The patch is applied to the freshest state inside the guaranteed update, so concurrent writers
 * never lose each other's changes; a {@code metadata.resourceVersion} in the patch is a precondition.
 */
final class PatchHandler {
  private final ApiContext api;
  private final Updater updater;
  private final CreateHandler creator;

  PatchHandler(ApiContext api, Updater updater, CreateHandler creator) {
    this.api = api;
    this.updater = updater;
    this.creator = creator;
  }

  void handle(ResourceRequest request) {
    String type = MediaTypes.bodyType(request.routing().request().getHeader("Content-Type"));
    switch (type) {
      case MediaTypes.JSON_PATCH, MediaTypes.MERGE_PATCH, MediaTypes.APPLY_PATCH -> { }
      default -> throw ApiException.unsupportedMediaType("the body of the request was in an unknown format - "
          + "accepted media types include: application/json-patch+json, application/merge-patch+json, "
          + "application/apply-patch+yaml");
    }
    MediaTypes.Representation as = MediaTypes.negotiate(request.routing().request().getHeader("Accept"), false);
    boolean dryRun = DryRun.of(request);
    boolean apply = type.equals(MediaTypes.APPLY_PATCH);
    FieldManagers.validate(request, "PatchOptions", apply);
    if (!apply && request.query().has("force")) {
      throw ApiException.invalidOptions("PatchOptions", "force",
          "Forbidden: may not be specified for non-apply patch");
    }
    Buffer body = request.routing().body().buffer();
    if (body == null || body.length() == 0) {
      throw ApiException.badRequest("the body of the request is empty");
    }
    byte[] patch = body.getBytes();
    Future<io.revisor.storage.resource.StoredObject> result = apply
        ? apply(request, patch, dryRun)
        : updater.update(request, Preconditions.NONE, current -> patched(request, type, current, patch), dryRun);
    result
        .onSuccess(stored -> request.reply(200, as, () -> api.renderer().object(request, as, stored.json())))
        .onFailure(failure -> request.fail(failure, request.info().name()));
  }

  /** The current object with a JSON or merge patch applied; a resourceVersion it sets must be the current one. */
  private static ObjectNode patched(ResourceRequest request, String type, ObjectNode current, byte[] patch) {
    String currentRv = current.path("metadata").path("resourceVersion").asText();
    JsonNode result = type.equals(MediaTypes.JSON_PATCH)
        ? Patches.applyJsonPatch(current, patch)
        : Patches.applyMergePatch(current, patch);
    if (!result.isObject()) {
      throw ApiException.badRequest("the patch must leave an object");
    }
    ObjectNode object = (ObjectNode) result;
    checkIdentity(request, object);
    String patchedRv = object.path("metadata").path("resourceVersion").asText("");
    if (!patchedRv.isEmpty() && !patchedRv.equals(currentRv)) {
      throw new StorageException(StorageErrorCode.CONFLICT, "resourceVersion in the patch is not current");
    }
    return object;
  }

  /** Server-side apply: creates the object when it is missing, else merges with field ownership. */
  private Future<io.revisor.storage.resource.StoredObject> apply(ResourceRequest request, byte[] body, boolean dryRun) {
    ObjectNode configuration = Patches.decodeApplyConfiguration(body);
    boolean force = request.query().bool("force", false);
    return request.on(api.store().get(request.key(), 0))
        .map(existing -> true)
        .recover(failure -> StorageException.from(failure).code() == StorageErrorCode.NOT_FOUND
            ? Future.succeededFuture(false)
            : Future.failedFuture(failure))
        .compose(exists -> {
          if (!exists) {
            if (!request.info().subresource().isEmpty()) {
              return Future.failedFuture(ApiException.notFound(request.definition().group(),
                  request.definition().names().plural(), request.info().name()));
            }
            ObjectNode created = api.managedFields().apply(request, null, configuration, force);
            checkIdentity(request, created);
            ObjectStrategy.metadata(created).put("name", request.info().name());
            ObjectNode prepared = creator.prepareApplied(request, created);
            return creator.create(request, prepared, dryRun, 1)
                .recover(failure -> StorageException.from(failure).code() == StorageErrorCode.ALREADY_EXISTS
                    ? apply(request, body, dryRun)
                    : Future.failedFuture(failure));
          }
          return updater.update(request, Preconditions.NONE,
              current -> {
                ObjectNode merged = api.managedFields().apply(request, current, configuration, force);
                checkIdentity(request, merged);
                return merged;
              },
              (old, result) -> result, dryRun);
        });
  }

  private static void checkIdentity(ResourceRequest request, ObjectNode object) {
    ObjectNode metadata = ObjectStrategy.metadata(object);
    String name = metadata.path("name").asText("");
    if (!name.isEmpty() && !name.equals(request.info().name())) {
      throw ApiException.badRequest("the name of the object (" + name + ") does not match the name on the URL ("
          + request.info().name() + ")");
    }
    String namespace = metadata.path("namespace").asText("");
    if (!namespace.isEmpty() && !namespace.equals(request.namespace())) {
      throw ApiException.badRequest("the namespace of the object (" + namespace
          + ") does not match the namespace on the URL (" + request.namespace() + ")");
    }
  }
}
