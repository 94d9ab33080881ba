package io.revisor.storage.selection;

import java.util.Map;

/**
 * What selectors look at in one object.
 *
 * @param name {@code metadata.name}
 * @param namespace {@code metadata.namespace}, empty for cluster-scoped objects
 * @param labels {@code metadata.labels}, never null
 * @param fields the values of the field paths the predicate asked for ({@link ObjectPredicate#fieldPaths()}),
 *     rendered as strings (absent fields are absent from the map), plus {@code metadata.name} and
 *     {@code metadata.namespace}
 */
public record ObjectAttributes(String name, String namespace, Map<String, String> labels, Map<String, String> fields) {
  public ObjectAttributes {
    labels = labels == null ? Map.of() : labels;
    fields = fields == null ? Map.of() : fields;
  }
}
