package io.revisor.apiserver.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.revisor.storage.resource.Preconditions;
import java.util.List;

/**
 * PUT of an object or its {@code /status}. The body's resourceVersion is required and must be current (409
 * Conflict otherwise); a missing object is a 404 (custom resources are not created by PUT); a result equal to the
 * stored object writes nothing.
 */
final class UpdateHandler {
  private final ApiContext api;
  private final Updater updater;

  UpdateHandler(ApiContext api, Updater updater) {
    this.api = api;
    this.updater = updater;
  }

  void handle(ResourceRequest request) {
    MediaTypes.Representation as = MediaTypes.negotiate(request.routing().request().getHeader("Accept"), false);
    boolean dryRun = DryRun.of(request);
    FieldManagers.validate(request, "UpdateOptions", false);
    ObjectNode body = api.admission().decodeObject(request, request.routing().body().buffer());
    api.strategy().checkTypeMeta(request, body);
    ObjectNode metadata = ObjectStrategy.metadata(body);
    String name = metadata.path("name").asText("");
    if (!name.equals(request.info().name())) {
      throw ApiException.badRequest("the name of the object (" + name + ") does not match the name on the URL ("
          + request.info().name() + ")");
    }
    Long rv = ReadParams.resourceVersion(metadata.path("resourceVersion").asText(""));
    if (rv == null || rv == 0) {
      throw ApiException.invalid(request.definition().group(), request.definition().names().kind(), name,
          List.of(new ApiException.Cause("FieldValueInvalid",
              "Invalid value: 0x0: must be specified for an update", "metadata.resourceVersion")));
    }
    updater.update(request, Preconditions.resourceVersion(rv), current -> body.deepCopy(), dryRun)
        .onSuccess(stored -> request.reply(200, as, () -> api.renderer().object(request, as, stored.json())))
        .onFailure(failure -> request.fail(failure, name));
  }
}
