package io.revisor.apiserver.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.revisor.storage.resource.StorageErrorCode;
import io.revisor.storage.resource.StorageException;
import io.revisor.storage.resource.StoredObject;
import io.vertx.core.Future;
import java.security.SecureRandom;
import java.util.List;

/**
 * POST to a collection: decode, system fields, admission, then one compare-and-put. {@code generateName} picks a
 * random 5-character suffix and retries on a taken name up to {@value #GENERATE_NAME_ATTEMPTS} times.
 */
final class CreateHandler {
  static final int GENERATE_NAME_ATTEMPTS = 8;
  private static final String SUFFIX_ALPHABET = "bcdfghjklmnpqrstvwxz2456789";
  private static final SecureRandom RANDOM = new SecureRandom();

  private final ApiContext api;

  CreateHandler(ApiContext api) {
    this.api = api;
  }

  void handle(ResourceRequest request) {
    MediaTypes.Representation as = MediaTypes.negotiate(request.routing().request().getHeader("Accept"), false);
    boolean dryRun = DryRun.of(request);
    FieldManagers.validate(request, "CreateOptions", false);
    ObjectNode object = api.admission().decodeObject(request, request.routing().body().buffer());
    api.strategy().checkTypeMeta(request, object);
    ObjectNode prepared = prepare(request, object);
    respond(request, as, create(request, prepared, dryRun, GENERATE_NAME_ATTEMPTS), prepared);
  }

  /** Answers 201 with the created object, or the failure. */
  void respond(ResourceRequest request, MediaTypes.Representation as, Future<StoredObject> created, ObjectNode prepared) {
    created
        .onSuccess(stored -> request.reply(201, as, () -> api.renderer().object(request, as, stored.json())))
        .onFailure(failure -> request.fail(failure, ObjectStrategy.metadata(prepared).path("name").asText("")));
  }

  /**
   * Prepares an object that server-side apply built (its managedFields already record the apply): system fields
   * and admission, without another managedFields entry.
   */
  ObjectNode prepareApplied(ResourceRequest request, ObjectNode object) {
    api.strategy().checkTypeMeta(request, object);
    api.strategy().prepareForCreate(request, object);
    api.admission().admit(request, object, null);
    return object;
  }

  /** Everything before storage: system fields, name, admission, managed fields. Runs once per request. */
  ObjectNode prepare(ResourceRequest request, ObjectNode object) {
    api.strategy().prepareForCreate(request, object);
    ObjectNode metadata = ObjectStrategy.metadata(object);
    String name = metadata.path("name").asText("");
    String generateName = metadata.path("generateName").asText("");
    if (name.isEmpty() && generateName.isEmpty()) {
      throw ApiException.invalid(request.definition().group(), request.definition().names().kind(), "",
          List.of(new ApiException.Cause("FieldValueRequired", "Required value: name or generateName is required",
              "metadata.name")));
    }
    if (name.isEmpty()) {
      metadata.put("name", generateName + suffix());
    }
    api.admission().admit(request, object, null);
    return api.managedFields().recordUpdate(request, null, object);
  }

  /** Stores a prepared object, retrying generated names that are taken. */
  Future<StoredObject> create(ResourceRequest request, ObjectNode object, boolean dryRun, int attempts) {
    ObjectNode metadata = ObjectStrategy.metadata(object);
    String name = metadata.path("name").asText();
    if (dryRun) {
      // A dry run still reports a taken name.
      return request.on(api.store().get(request.key(name), 0))
          .<StoredObject>compose(existing -> Future.failedFuture(
              new StorageException(StorageErrorCode.ALREADY_EXISTS, "exists")))
          .recover(failure -> StorageException.from(failure).code() == StorageErrorCode.NOT_FOUND
              ? Future.succeededFuture(new StoredObject(request.key(name), ObjectStrategy.encode(object), 0))
              : Future.failedFuture(failure));
    }
    return request.on(api.store().create(request.key(name), ObjectStrategy.encode(object), request.actor()))
        .recover(failure -> {
          String generateName = metadata.path("generateName").asText("");
          if (attempts > 1 && !generateName.isEmpty()
              && StorageException.from(failure).code() == StorageErrorCode.ALREADY_EXISTS) {
            metadata.put("name", generateName + suffix());
            return create(request, object, false, attempts - 1);
          }
          return Future.failedFuture(failure);
        });
  }

  static String suffix() {
    StringBuilder s = new StringBuilder(5);
    for (int i = 0; i < 5; i++) {
      s.append(SUFFIX_ALPHABET.charAt(RANDOM.nextInt(SUFFIX_ALPHABET.length())));
    }
    return s.toString();
  }
}
