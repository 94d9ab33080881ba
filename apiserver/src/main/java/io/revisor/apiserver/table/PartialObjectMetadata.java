package io.revisor.apiserver.table;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.revisor.apiserver.json.Json;
import java.util.Objects;

/**
 * {@code PartialObjectMetadata} and {@code PartialObjectMetadataList} ({@code meta.k8s.io/v1}): objects reduced to
 * their metadata, answered for {@code Accept: application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1} (and
 * {@code as=PartialObjectMetadataList}). The garbage collector, namespace deletion and quota read custom resources
 * this way, through client-go's metadata client.
 *
 * <p>Stateless and thread-safe. Results share the input's {@code metadata} nodes rather than copying them: do not
 * modify the input afterwards, nor the result.
 */
public final class PartialObjectMetadata {
  /** The group version of both kinds. */
  public static final String API_VERSION = "meta.k8s.io/v1";

  private PartialObjectMetadata() {}

  /**
   * One object's metadata: {@code {"kind":"PartialObjectMetadata","apiVersion":"meta.k8s.io/v1","metadata":{...}}}.
   *
   * @param object a Kubernetes object; a missing {@code metadata} gives an empty one
   */
  public static ObjectNode of(JsonNode object) {
    Objects.requireNonNull(object, "object");
    ObjectNode partial = Json.object();
    partial.put("kind", "PartialObjectMetadata");
    partial.put("apiVersion", API_VERSION);
    JsonNode metadata = object.get("metadata");
    partial.set("metadata", metadata != null && metadata.isObject() ? metadata : Json.object());
    return partial;
  }

  /**
   * A list's items reduced to metadata, with the list's {@code resourceVersion}, {@code continue} and
   * {@code remainingItemCount}.
   *
   * @param list a Kubernetes list ({@code items} and {@code metadata})
   */
  public static ObjectNode listOf(JsonNode list) {
    Objects.requireNonNull(list, "list");
    return listOf(list.path("items"), ListMeta.of(list));
  }

  /**
   * Items reduced to metadata under the given list metadata.
   *
   * @param items the objects, in order
   * @param meta the list metadata to carry over
   */
  public static ObjectNode listOf(Iterable<? extends JsonNode> items, ListMeta meta) {
    Objects.requireNonNull(items, "items");
    Objects.requireNonNull(meta, "meta");
    ObjectNode list = Json.object();
    list.put("kind", "PartialObjectMetadataList");
    list.put("apiVersion", API_VERSION);
    list.set("metadata", meta.toJson());
    ArrayNode out = list.putArray("items");
    for (JsonNode item : items) {
      out.add(of(item));
    }
    return list;
  }
}
