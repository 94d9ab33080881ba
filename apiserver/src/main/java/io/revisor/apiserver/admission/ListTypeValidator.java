package io.revisor.apiserver.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The uniqueness invariants of {@code x-kubernetes-list-type: set} (whole items) and {@code map} (the key fields),
 * as apiextensions' {@code listtype.ValidateListSetsAndMaps} checks them: each repeated item is reported once, at its
 * second appearance, as {@code Duplicate value}. Stateless.
 */
final class ListTypeValidator {
  private static final String UNSPECIFIED = "\u0000unspecified";

  private ListTypeValidator() {}

  static void validate(FieldPath p, SchemaNode s, JsonNode obj, List<FieldError> out) {
    if (s == null || obj == null || !obj.isObject()) {
      return;
    }
    if (s.additionalProperties != null) {
      for (String k : ObjectMetaFields.names(obj)) {
        value(p.key(k), s.additionalProperties, obj.get(k), out);
      }
    }
    for (String k : ObjectMetaFields.names(obj)) {
      SchemaNode prop = s.properties.get(k);
      if (prop != null) {
        value(p.child(k), prop, obj.get(k), out);
      }
    }
  }

  private static void value(FieldPath p, SchemaNode s, JsonNode v, List<FieldError> out) {
    if (v.isArray()) {
      array(p, s, v, out);
    } else if (v.isObject()) {
      validate(p, s, v, out);
    }
  }

  private static void array(FieldPath p, SchemaNode s, JsonNode list, List<FieldError> out) {
    if ("set".equals(s.listType)) {
      List<JsonNode> items = new ArrayList<>();
      list.forEach(items::add);
      for (int i : duplicates(items)) {
        out.add(FieldError.duplicate(p.index(i).toString(), list.get(i)));
      }
    } else if ("map".equals(s.listType)) {
      listMap(p, s, list, out);
    }
    if (s.items != null) {
      for (int i = 0; i < list.size(); i++) {
        value(p.index(i), s.items, list.get(i), out);
      }
    }
  }

  private static void listMap(FieldPath p, SchemaNode s, JsonNode list, List<FieldError> out) {
    for (int i = 0; i < list.size(); i++) {
      JsonNode x = list.get(i);
      if (!x.isNull() && !x.isObject()) {
        out.add(FieldError.invalid(p.index(i).toString(), x, "must be an object for an array of list-type map"));
        return;
      }
    }
    if (list.size() <= 1) {
      return;
    }
    List<JsonNode> keys = new ArrayList<>();
    if (s.listMapKeys.size() == 1) {
      String keyField = s.listMapKeys.get(0);
      for (JsonNode x : list) {
        JsonNode key = x.isNull() ? null : x.get(keyField);
        keys.add(key == null ? JsonNodeFactory.instance.textNode(UNSPECIFIED) : key);
      }
      for (int i : duplicates(keys)) {
        ObjectNode shown = JsonNodeFactory.instance.objectNode();
        if (!(keys.get(i).isTextual() && keys.get(i).textValue().equals(UNSPECIFIED))) {
          shown.set(keyField, keys.get(i));
        }
        out.add(FieldError.duplicate(p.index(i).toString(), shown));
      }
      return;
    }
    for (JsonNode x : list) {
      ObjectNode key = JsonNodeFactory.instance.objectNode();
      for (String keyField : s.listMapKeys) {
        if (!x.isNull() && x.has(keyField)) {
          key.set(keyField, x.get(keyField));
        }
      }
      keys.add(key);
    }
    for (int i : duplicates(keys)) {
      out.add(FieldError.duplicate(p.index(i).toString(), keys.get(i)));
    }
  }

  /** Indices of second appearances; scalars compare as Go map keys (1 and 1.0 differ), compounds by their JSON. */
  private static List<Integer> duplicates(List<JsonNode> items) {
    List<Integer> out = new ArrayList<>();
    if (items.size() <= 1) {
      return out;
    }
    Map<String, Integer> seen = new HashMap<>();
    for (int i = 0; i < items.size(); i++) {
      int times = seen.merge(identity(items.get(i)), 1, Integer::sum);
      if (times == 2) {
        out.add(i);
      }
    }
    return out;
  }

  private static String identity(JsonNode x) {
    if (x.isObject() || x.isArray()) {
      return "c" + GoText.json(x);
    }
    if (x.isNull()) {
      return "n";
    }
    if (x.isTextual()) {
      return "s" + x.textValue();
    }
    if (x.isBoolean()) {
      return "b" + x.booleanValue();
    }
    if (Json.isInteger(x)) {
      return "i" + x.longValue();
    }
    double d = x.doubleValue();
    return "f" + (d == 0 ? 0.0 : d);
  }
}
