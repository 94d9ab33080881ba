package io.revisor.apiserver.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.revisor.apiserver.json.Json;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * The rules every custom object follows on create and update, whatever its kind (kube's generic registry plus the
 * custom resource strategy): system metadata, generation, the status subresource split, finalizers, and the checks
 * on identity fields. Schema admission runs on the result ({@link Admission}).
 *
 * <p>Stateless apart from the injected clock; thread-safe.
 */
public final class ObjectStrategy {
  private final Clock clock;

  public ObjectStrategy(Clock clock) {
    this.clock = clock;
  }

  /** The current time as Kubernetes writes timestamps: RFC 3339, UTC, whole seconds. */
  public String now() {
    return Instant.now(clock).truncatedTo(ChronoUnit.SECONDS).toString();
  }

  /**
   * Checks {@code apiVersion} and {@code kind} of a request body against the request's kind; fills them in when
   * absent (as kube does for custom resources only when both match).
   */
  public void checkTypeMeta(ResourceRequest request, ObjectNode object) {
    String apiVersion = object.path("apiVersion").asText("");
    String kind = object.path("kind").asText("");
    if (!apiVersion.equals(request.apiVersion())) {
      throw ApiException.badRequest("the API version in the data (" + apiVersion
          + ") does not match the expected API version (" + request.apiVersion() + ")");
    }
    if (!kind.equals(request.definition().names().kind())) {
      throw ApiException.badRequest("the kind in the data (" + kind + ") does not match the expected kind ("
          + request.definition().names().kind() + ")");
    }
  }

  /** The body's metadata object, created when absent; a non-object metadata is a 400. */
  public static ObjectNode metadata(ObjectNode object) {
    JsonNode metadata = object.get("metadata");
    if (metadata == null || metadata.isNull()) {
      return object.putObject("metadata");
    }
    if (!metadata.isObject()) {
      throw ApiException.badRequest("metadata must be an object");
    }
    return (ObjectNode) metadata;
  }

  /** Aligns the body's namespace with the path: empty takes the path's; a different one is a 400. */
  public void checkNamespace(ResourceRequest request, ObjectNode metadata) {
    String bodyNamespace = metadata.path("namespace").asText("");
    if (!request.definition().namespaced()) {
      if (!bodyNamespace.isEmpty()) {
        // kube clears the namespace of cluster-scoped objects.
        metadata.remove("namespace");
      }
      return;
    }
    if (bodyNamespace.isEmpty()) {
      metadata.put("namespace", request.namespace());
    } else if (!bodyNamespace.equals(request.namespace())) {
      throw ApiException.badRequest(
          "the namespace of the provided object does not match the namespace sent on the request");
    }
  }

  /**
   * Prepares a new object: system fields set, status dropped when it is a subresource, generation 1. The name may
   * still be empty when {@code generateName} is used; the caller picks it.
   */
  public void prepareForCreate(ResourceRequest request, ObjectNode object) {
    ObjectNode metadata = metadata(object);
    checkNamespace(request, metadata);
    if (!metadata.path("resourceVersion").asText("").isEmpty()) {
      throw ApiException.badRequest("resourceVersion should not be set on objects to be created");
    }
    metadata.remove("resourceVersion");
    metadata.put("uid", UUID.randomUUID().toString());
    metadata.put("creationTimestamp", now());
    metadata.put("generation", 1);
    metadata.remove("deletionTimestamp");
    metadata.remove("deletionGracePeriodSeconds");
    metadata.remove("selfLink");
    if (request.version().statusSubresource()) {
      object.remove("status");
    }
  }

  /**
   * Prepares an update of {@code old} to {@code updated} through the main resource ({@code subresource} empty) or
   * {@code /status}: carries over what the client may not change, and bumps generation.
   *
   * @return the object to store (may be {@code updated} itself)
   */
  public ObjectNode prepareForUpdate(ResourceRequest request, ObjectNode updated, ObjectNode old, boolean status) {
    ObjectNode oldMetadata = metadata(old);
    ObjectNode result;
    if (status) {
      // Only status changes through /status: everything else comes from the stored object.
      result = old.deepCopy();
      JsonNode newStatus = updated.get("status");
      if (newStatus == null) {
        result.remove("status");
      } else {
        result.set("status", newStatus);
      }
      ObjectNode newMetadata = metadata(updated);
      ObjectNode resultMetadata = metadata(result);
      copyIfPresent(newMetadata, resultMetadata, "managedFields");
      return result;
    }
    result = updated;
    ObjectNode metadata = metadata(result);
    checkNamespace(request, metadata);
    if (metadata.path("uid").asText("").isEmpty()) {
      metadata.put("uid", oldMetadata.path("uid").asText());
    }
    metadata.set("creationTimestamp", oldMetadata.get("creationTimestamp"));
    copyOrRemove(oldMetadata, metadata, "deletionTimestamp");
    copyOrRemove(oldMetadata, metadata, "deletionGracePeriodSeconds");
    metadata.remove("selfLink");
    if (request.version().statusSubresource()) {
      if (old.has("status")) {
        result.set("status", old.get("status"));
      } else {
        result.remove("status");
      }
    }
    long generation = oldMetadata.path("generation").asLong(1);
    boolean specChanged = !withoutMetadataAndStatus(result, request).equals(withoutMetadataAndStatus(old, request));
    metadata.put("generation", specChanged ? generation + 1 : generation);
    if (oldMetadata.has("deletionTimestamp")) {
      Set<String> oldFinalizers = finalizers(oldMetadata);
      for (String finalizer : finalizers(metadata)) {
        if (!oldFinalizers.contains(finalizer)) {
          throw ApiException.of(422, "Invalid", request.definition().names().kind() + "."
              + request.definition().group() + " \"" + request.info().name() + "\" is invalid: metadata.finalizers: "
              + "Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers "
              + "[\"" + finalizer + "\"]",
              new ApiException.Details(request.info().name(), request.definition().group(),
                  request.definition().names().kind(), null),
              List.of(new ApiException.Cause("FieldValueForbidden",
                  "Forbidden: no new finalizers can be added if the object is being deleted", "metadata.finalizers")));
        }
      }
    }
    return result;
  }

  /** Immutable metadata fields an update may not change: 422 when it tries. */
  public void checkImmutable(ResourceRequest request, ObjectNode updated, ObjectNode old) {
    ObjectNode metadata = metadata(updated);
    ObjectNode oldMetadata = metadata(old);
    if (!metadata.path("uid").asText("").equals(oldMetadata.path("uid").asText(""))) {
      throw immutable(request, "metadata.uid", metadata.path("uid").asText(""));
    }
    if (!metadata.path("name").asText("").equals(oldMetadata.path("name").asText(""))) {
      throw immutable(request, "metadata.name", metadata.path("name").asText(""));
    }
  }

  private static ApiException immutable(ResourceRequest request, String field, String value) {
    return ApiException.invalid(request.definition().group(), request.definition().names().kind(),
        request.info().name(), List.of(new ApiException.Cause("FieldValueInvalid",
            "Invalid value: \"" + value + "\": field is immutable", field)));
  }

  /** Whether an object is being deleted and no finalizer holds it any more: it must go now. */
  public static boolean readyToDelete(ObjectNode object) {
    ObjectNode metadata = metadata(object);
    return metadata.has("deletionTimestamp") && finalizers(metadata).isEmpty();
  }

  /**
   * Marks an object for deletion because finalizers hold it: sets {@code deletionTimestamp} and bumps generation
   * the first time, adds {@code addFinalizer} (for Foreground/Orphan propagation) when given.
   */
  public ObjectNode markDeleting(ObjectNode current, String addFinalizer) {
    ObjectNode result = current.deepCopy();
    ObjectNode metadata = metadata(result);
    if (!metadata.has("deletionTimestamp")) {
      metadata.put("deletionTimestamp", now());
      metadata.put("deletionGracePeriodSeconds", 0);
      metadata.put("generation", metadata.path("generation").asLong(1) + 1);
    }
    if (addFinalizer != null && !finalizers(metadata).contains(addFinalizer)) {
      ArrayNode list = metadata.has("finalizers") && metadata.get("finalizers").isArray()
          ? (ArrayNode) metadata.get("finalizers")
          : metadata.putArray("finalizers");
      list.add(addFinalizer);
    }
    return result;
  }

  /** The finalizer names of {@code metadata}. */
  public static Set<String> finalizers(JsonNode metadata) {
    Set<String> names = new LinkedHashSet<>();
    JsonNode list = metadata.path("finalizers");
    for (Iterator<JsonNode> it = list.elements(); it.hasNext(); ) {
      names.add(it.next().asText());
    }
    return names;
  }

  private static ObjectNode withoutMetadataAndStatus(ObjectNode object, ResourceRequest request) {
    ObjectNode copy = object.deepCopy();
    copy.remove("metadata");
    if (request.version().statusSubresource()) {
      copy.remove("status");
    }
    copy.remove("apiVersion");
    copy.remove("kind");
    return copy;
  }

  private static void copyOrRemove(ObjectNode from, ObjectNode to, String field) {
    if (from.has(field)) {
      to.set(field, from.get(field));
    } else {
      to.remove(field);
    }
  }

  private static void copyIfPresent(ObjectNode from, ObjectNode to, String field) {
    if (from.has(field)) {
      to.set(field, from.get(field));
    }
  }

  /** Serializes an object for storage. */
  public static byte[] encode(ObjectNode object) {
    return Json.bytes(object);
  }
}
