package io.revisor.apiserver.system;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.revisor.apiserver.http.ApiException;
import io.revisor.apiserver.json.Json;
import io.revisor.storage.resource.ObjectKey;
import io.revisor.storage.resource.ResourceType;
import io.revisor.storage.resource.StoredObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

/** Building the computed objects of Revisor's own kinds. Stateless. */
final class SystemObjects {
  static final String API_VERSION = "revisor.io/v1";

  private SystemObjects() {}

  /**
   * A computed object: {@code apiVersion}, {@code kind} and metadata with a {@code uid} derived from the kind and name
   * (the same object always has the same uid) and {@code resourceVersion}.
   */
  static ObjectNode object(String kind, String namespace, String name, long resourceVersion, Instant created) {
    ObjectNode object = Json.object().put("apiVersion", API_VERSION).put("kind", kind);
    ObjectNode metadata = object.putObject("metadata").put("name", name).put("namespace", namespace);
    metadata.put("uid", UUID.nameUUIDFromBytes((kind + "/" + namespace + "/" + name)
        .getBytes(StandardCharsets.UTF_8)).toString());
    metadata.put("resourceVersion", Long.toString(resourceVersion));
    if (created != null) {
      metadata.put("creationTimestamp", timestamp(created));
    }
    return object;
  }

  /** An RFC 3339 timestamp in whole seconds, as kube writes them. */
  static String timestamp(Instant instant) {
    return instant.truncatedTo(ChronoUnit.SECONDS).toString();
  }

  /** The JSON of a stored object. */
  static ObjectNode json(StoredObject stored) {
    try {
      return (ObjectNode) Json.parse(stored.json());
    } catch (IOException | ClassCastException e) {
      throw ApiException.internal("stored object " + stored.key() + " is not a JSON object");
    }
  }

  /** {@code object} as a stored object under {@code key}, at {@code resourceVersion}. */
  static StoredObject stored(ResourceType type, ObjectNode object, long resourceVersion) {
    JsonNode metadata = object.path("metadata");
    ObjectKey key = type.key(metadata.path("namespace").asText(""), metadata.path("name").asText());
    return new StoredObject(key, Json.bytes(object), resourceVersion);
  }
}
