package io.revisor.apiserver.table;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.revisor.apiserver.json.Json;

/**
 * The list metadata a Table or {@code PartialObjectMetadataList} carries over from the list it was made from.
 *
 * @param resourceVersion the list's resource version, or null
 * @param continueToken the {@code continue} token of a paginated list, or null
 * @param remainingItemCount the {@code remainingItemCount} of a paginated list, or null
 */
public record ListMeta(String resourceVersion, String continueToken, Long remainingItemCount) {
  /** No list metadata. */
  public static final ListMeta EMPTY = new ListMeta(null, null, null);

  public ListMeta {
    resourceVersion = emptyToNull(resourceVersion);
    continueToken = emptyToNull(continueToken);
  }

  /**
   * Reads {@code metadata.resourceVersion}, {@code metadata.continue} and {@code metadata.remainingItemCount} of a list
   * or of a single object (a Table made from one object carries the object's resource version, as Kubernetes' does).
   *
   * @param listOrObject a list or object; absent or malformed fields read as null
   */
  public static ListMeta of(JsonNode listOrObject) {
    JsonNode metadata = listOrObject.path("metadata");
    JsonNode remaining = metadata.path("remainingItemCount");
    return new ListMeta(
        text(metadata.path("resourceVersion")),
        text(metadata.path("continue")),
        remaining.isIntegralNumber() && remaining.canConvertToLong() ? remaining.longValue() : null);
  }

  /** The JSON form, with only the fields that are set (Kubernetes' {@code omitempty}). */
  public ObjectNode toJson() {
    ObjectNode node = Json.object();
    if (resourceVersion != null) {
      node.put("resourceVersion", resourceVersion);
    }
    if (continueToken != null) {
      node.put("continue", continueToken);
    }
    if (remainingItemCount != null) {
      node.put("remainingItemCount", remainingItemCount.longValue());
    }
    return node;
  }

  private static String text(JsonNode node) {
    return node.isTextual() ? node.textValue() : null;
  }

  private static String emptyToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }
}
