package io.revisor.apiserver.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/**
 * Applies {@code default}s as apiextensions' {@code defaulting.Default} does: an absent property gets its default,
 * and so does a null one that is not {@code nullable}; defaults apply inside every object that exists (never to a
 * parent that is absent), to array items and to map values that are non-nullable nulls. Values are deep copies of
 * the schema's. Stateless.
 */
final class Defaulter {
  private Defaulter() {}

  static void apply(JsonNode x, SchemaNode s) {
    if (s == null) {
      return;
    }
    if (x instanceof ObjectNode o) {
      for (Map.Entry<String, SchemaNode> e : s.properties.entrySet()) {
        SchemaNode prop = e.getValue();
        if (!prop.hasDefault()) {
          continue;
        }
        JsonNode v = o.get(e.getKey());
        if (v == null || v.isNull() && !prop.nullable) {
          o.set(e.getKey(), prop.defaultCopy());
        }
      }
      for (String k : ObjectMetaFields.names(o)) {
        SchemaNode prop = s.properties.get(k);
        if (prop != null) {
          apply(o.get(k), prop);
        } else if (s.additionalProperties != null) {
          SchemaNode ap = s.additionalProperties;
          if (o.get(k).isNull() && !ap.nullable) {
            o.set(k, orNull(ap.defaultCopy()));
          }
          apply(o.get(k), ap);
        }
      }
    } else if (x instanceof ArrayNode a) {
      SchemaNode items = s.items;
      for (int i = 0; i < a.size(); i++) {
        if (items != null && a.get(i).isNull() && !items.nullable) {
          a.set(i, orNull(items.defaultCopy()));
        }
        apply(a.get(i), items);
      }
    }
  }

  private static JsonNode orNull(JsonNode v) {
    return v == null ? NullNode.getInstance() : v;
  }
}
