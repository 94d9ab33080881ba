package io.revisor.apiserver.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;

/**
 * Removes what the schema does not declare, as apiextensions' {@code pruning.PruneWithOptions} does, plus the two
 * other steps kube-apiserver's decoder takes on a custom resource: the {@code metav1.ObjectMeta} round trip of
 * {@code metadata} (at the root and in embedded resources) and {@code PruneNonNullableNullsWithoutDefaults}.
 *
 * <p>Below {@code x-kubernetes-preserve-unknown-fields: true} nothing is pruned except inside the properties (and
 * {@code additionalProperties}) the node still specifies. At the root, and in {@code x-kubernetes-embedded-resource}
 * objects, {@code apiVersion}, {@code kind} and {@code metadata} are never pruned by the schema. Stateless.
 */
final class Pruner {
  private static final Set<String> META_FIELDS = Set.of("apiVersion", "kind", "metadata");

  private Pruner() {}

  /**
   * Prunes {@code object} in place.
   *
   * @return the paths of the dropped unknown fields: root metadata first, then the schema's (sorted, as kube sorts
   *     them), then embedded resources' metadata
   */
  static List<String> prune(ObjectNode object, SchemaNode root) {
    List<String> metaUnknown = new ArrayList<>();
    if (object.get("metadata") instanceof ObjectNode metadata) {
      ObjectMetaFields.coerce(metadata, "metadata", metaUnknown);
    }
    List<String> pruned = new ArrayList<>();
    prune(object, root, true, "", pruned);
    Collections.sort(pruned);
    pruneNulls(object, root);
    List<String> embeddedUnknown = new ArrayList<>();
    coerceEmbedded(object, root, "", embeddedUnknown, true);

    List<String> all = new ArrayList<>(metaUnknown.size() + pruned.size() + embeddedUnknown.size());
    all.addAll(metaUnknown);
    all.addAll(pruned);
    all.addAll(embeddedUnknown);
    return all;
  }

  /** Prunes a value against a schema without reporting (used to check that defaults are pruned). */
  static void pruneQuietly(JsonNode value, SchemaNode schema, boolean isResourceRoot) {
    prune(value, schema, isResourceRoot || schema != null && schema.embeddedResource, "", new ArrayList<>());
  }

  private static void prune(JsonNode x, SchemaNode s, boolean embedded, String path, List<String> out) {
    if (s != null && s.preserveUnknownFields) {
      skipPrune(x, s, embedded, path, out);
      return;
    }
    if (x instanceof ObjectNode o) {
      if (s == null) {
        for (String k : ObjectMetaFields.names(o)) {
          out.add(key(path, k));
        }
        o.removeAll();
        return;
      }
      for (String k : ObjectMetaFields.names(o)) {
        if (embedded && META_FIELDS.contains(k)) {
          continue;
        }
        SchemaNode prop = s.properties.get(k);
        if (prop != null) {
          prune(o.get(k), prop, prop.embeddedResource, key(path, k), out);
        } else if (s.hasAdditionalProperties) {
          SchemaNode ap = s.additionalProperties;
          prune(o.get(k), ap, ap != null && ap.embeddedResource, key(path, k), out);
        } else {
          if (!META_FIELDS.contains(k) || !path.isEmpty()) {
            out.add(key(path, k));
          }
          o.remove(k);
        }
      }
    } else if (x != null && x.isArray()) {
      SchemaNode items = s == null ? null : s.items;
      for (int i = 0; i < x.size(); i++) {
        prune(x.get(i), items, items != null && items.embeddedResource, path + "[" + i + "]", out);
      }
    }
  }

  private static void skipPrune(JsonNode x, SchemaNode s, boolean embedded, String path, List<String> out) {
    if (s == null) {
      return;
    }
    if (x instanceof ObjectNode o) {
      for (String k : ObjectMetaFields.names(o)) {
        if (embedded && META_FIELDS.contains(k)) {
          continue;
        }
        SchemaNode prop = s.properties.get(k);
        if (prop != null) {
          prune(o.get(k), prop, prop.embeddedResource, key(path, k), out);
        } else if (s.hasAdditionalProperties) {
          SchemaNode ap = s.additionalProperties;
          prune(o.get(k), ap, ap != null && ap.embeddedResource, key(path, k), out);
        }
      }
    } else if (x != null && x.isArray()) {
      for (int i = 0; i < x.size(); i++) {
        SchemaNode items = s.items;
        skipPrune(x.get(i), items, items != null && items.embeddedResource, path + "[" + i + "]", out);
      }
    }
  }

  /** Drops null values of fields that are neither nullable nor defaulted (defaulting fills the others). */
  private static void pruneNulls(JsonNode x, SchemaNode s) {
    if (x instanceof ObjectNode o) {
      for (String k : ObjectMetaFields.names(o)) {
        SchemaNode field = s == null ? null : s.fieldSchema(k);
        JsonNode v = o.get(k);
        if (v.isNull() && field != null && !field.nullable && !field.hasDefault()) {
          o.remove(k);
        } else {
          pruneNulls(v, field);
        }
      }
    } else if (x != null && x.isArray()) {
      SchemaNode items = s == null ? null : s.items;
      for (JsonNode item : x) {
        pruneNulls(item, items);
      }
    }
  }

  /** The ObjectMeta round trip of every embedded resource's metadata. */
  private static void coerceEmbedded(JsonNode x, SchemaNode s, String path, List<String> out, boolean root) {
    if (s == null) {
      return;
    }
    if (x instanceof ObjectNode o) {
      if (s.embeddedResource && !root && o.get("metadata") instanceof ObjectNode metadata) {
        ObjectMetaFields.coerce(metadata, key(path, "metadata"), out);
      }
      for (String k : ObjectMetaFields.names(o)) {
        SchemaNode field = s.fieldSchema(k);
        if (field != null) {
          coerceEmbedded(o.get(k), field, key(path, k), out, false);
        }
      }
    } else if (x != null && x.isArray()) {
      for (int i = 0; i < x.size(); i++) {
        coerceEmbedded(x.get(i), s.items, path + "[" + i + "]", out, false);
      }
    }
  }

  private static String key(String path, String k) {
    return path.isEmpty() ? k : path + "." + k;
  }
}
