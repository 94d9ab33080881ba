package io.revisor.apiserver.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * What kube-apiserver's round trip of {@code metadata} through {@code metav1.ObjectMeta} does to the JSON: fields
 * ObjectMeta (and its owner references and managed fields entries) does not know are dropped and reported, and fields
 * Go would omit when marshalling ({@code omitempty}: null, {@code ""}, {@code 0}, {@code {}}, {@code []}) disappear
 * silently. Values of the wrong type are left for {@link ObjectMetaValidation} to report. Stateless.
 */
final class ObjectMetaFields {
  private ObjectMetaFields() {}

  private static final Set<String> OBJECT_META = Set.of("name", "generateName", "namespace", "selfLink", "uid",
      "resourceVersion", "generation", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds",
      "labels", "annotations", "ownerReferences", "finalizers", "managedFields");
  private static final Set<String> OWNER_REFERENCE = Set.of("apiVersion", "kind", "name", "uid", "controller",
      "blockOwnerDeletion");
  /** Owner reference fields without omitempty: kept even when empty. */
  private static final Set<String> OWNER_REFERENCE_KEPT = Set.of("apiVersion", "kind", "name", "uid");
  private static final Set<String> MANAGED_FIELDS_ENTRY = Set.of("manager", "operation", "apiVersion", "time",
      "fieldsType", "fieldsV1", "subresource");

  /**
   * Coerces {@code metadata} in place.
   *
   * @param path the path of {@code metadata} in the pruning path form ({@code metadata}, {@code spec.template.metadata})
   * @param unknown receives the path of every dropped unknown field
   */
  static void coerce(ObjectNode metadata, String path, List<String> unknown) {
    for (String k : names(metadata)) {
      JsonNode v = metadata.get(k);
      if (!OBJECT_META.contains(k)) {
        unknown.add(path + "." + k);
        metadata.remove(k);
      } else if (omitted(k, v)) {
        metadata.remove(k);
      } else if (k.equals("ownerReferences") && v.isArray()) {
        entries(v, path + ".ownerReferences", OWNER_REFERENCE, OWNER_REFERENCE_KEPT, unknown);
      } else if (k.equals("managedFields") && v.isArray()) {
        entries(v, path + ".managedFields", MANAGED_FIELDS_ENTRY, Set.of(), unknown);
      }
    }
  }

  private static void entries(JsonNode array, String path, Set<String> known, Set<String> kept, List<String> unknown) {
    for (int i = 0; i < array.size(); i++) {
      if (!(array.get(i) instanceof ObjectNode entry)) {
        continue;
      }
      for (String k : names(entry)) {
        if (!known.contains(k)) {
          unknown.add(path + "[" + i + "]." + k);
          entry.remove(k);
        } else if (!kept.contains(k) && omitted(k, entry.get(k))) {
          entry.remove(k);
        }
      }
    }
  }

  private static final Set<String> OMIT_EMPTY_STRINGS = Set.of("name", "generateName", "namespace", "selfLink", "uid",
      "resourceVersion", "manager", "operation", "apiVersion", "fieldsType", "subresource");
  private static final Set<String> OMIT_EMPTY_COLLECTIONS = Set.of("labels", "annotations", "ownerReferences",
      "finalizers", "managedFields");

  /** Whether Go's {@code omitempty} (or a nil pointer) drops the field's value when marshalling. */
  private static boolean omitted(String field, JsonNode v) {
    if (v.isNull()) {
      return true;
    }
    if (v.isTextual() && v.textValue().isEmpty()) {
      return OMIT_EMPTY_STRINGS.contains(field);
    }
    if (field.equals("generation")) {
      return Json.isInteger(v) && v.longValue() == 0;
    }
    return (v.isObject() || v.isArray()) && v.isEmpty() && OMIT_EMPTY_COLLECTIONS.contains(field);
  }

  static List<String> names(JsonNode object) {
    List<String> out = new ArrayList<>(object.size());
    for (Iterator<String> it = object.fieldNames(); it.hasNext(); ) {
      out.add(it.next());
    }
    return out;
  }
}
