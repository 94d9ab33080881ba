package io.revisor.apiserver.patch;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The shape of a custom resource as server-side apply and {@code managedFields} see it, derived from a CRD version's
 * {@code openAPIV3Schema} the way kube-apiserver's type converter derives it: which fields an object declares, which
 * lists are {@code atomic} (the default), {@code set}s or {@code map}s keyed by {@code x-kubernetes-list-map-keys},
 * and which maps are {@code granular} (the default) or {@code atomic} ({@code x-kubernetes-map-type}).
 *
 * <p>{@code apiVersion}, {@code kind} and {@code metadata} are always those of a Kubernetes object (at the root and
 * under {@code x-kubernetes-embedded-resource}); {@code metadata} has kube's {@code ObjectMeta} shape whatever the
 * CRD says (labels and annotations granular maps, {@code finalizers} a set, {@code ownerReferences} a map list keyed
 * by {@code uid}). Subtrees marked {@code x-kubernetes-preserve-unknown-fields} (and everything, without a schema) are
 * untyped: maps granular, lists atomic.
 *
 * <p>Immutable and thread-safe.
 */
public final class FieldSchema {
  /** How a list merges and is owned. */
  public enum ListType {
    /** Replaced as a whole and owned as one field (the CRD default). */
    ATOMIC,
    /** {@code x-kubernetes-list-type: set}: scalar items, each owned on its own ({@code v:<value>}). */
    SET,
    /** {@code x-kubernetes-list-type: map}: object items keyed by their key fields ({@code k:{...}}). */
    MAP
  }

  /** How a map merges and is owned. */
  public enum MapType {
    /** Each key owned on its own (the default). */
    GRANULAR,
    /** {@code x-kubernetes-map-type: atomic}: replaced as a whole and owned as one field. */
    ATOMIC
  }

  private static final FieldSchema UNTYPED = new FieldSchema(Node.object(Map.of(), null, true, MapType.GRANULAR, true));

  private final Node root;

  private FieldSchema(Node root) {
    this.root = root;
  }

  /**
   * The schema of a CRD version.
   *
   * @param openApiV3Schema the version's {@code schema.openAPIV3Schema}; null (or JSON null) for none, which is
   *     {@link #untyped()}
   */
  public static FieldSchema fromSchema(JsonNode openApiV3Schema) {
    if (openApiV3Schema == null || openApiV3Schema.isNull() || openApiV3Schema.isMissingNode()) {
      return UNTYPED;
    }
    Node root = Parser.node(openApiV3Schema, true);
    if (root.shape != Node.Shape.OBJECT) {
      return UNTYPED;
    }
    return new FieldSchema(root);
  }

  /** No schema: every list atomic, every map granular, any field allowed; {@code metadata} is still ObjectMeta. */
  public static FieldSchema untyped() {
    return UNTYPED;
  }

  /**
   * The list type of the field at {@code path}, a sequence of field names where list items are stepped over
   * ({@code listType("spec", "ports")}, {@code listType("spec", "ports", "protocols")}).
   *
   * @return {@link ListType#ATOMIC} also for a path that is not a list or not in the schema
   */
  public ListType listType(String... path) {
    Node node = at(path);
    return node != null && node.shape == Node.Shape.LIST ? node.listType : ListType.ATOMIC;
  }

  /** The {@code x-kubernetes-list-map-keys} of the map list at {@code path}; empty for other lists. */
  public List<String> listMapKeys(String... path) {
    Node node = at(path);
    return node != null && node.shape == Node.Shape.LIST ? node.keys : List.of();
  }

  /** The map type of the object at {@code path}; {@link MapType#GRANULAR} also for a path not in the schema. */
  public MapType mapType(String... path) {
    Node node = at(path);
    return node != null && node.shape == Node.Shape.OBJECT ? node.mapType : MapType.GRANULAR;
  }

  private Node at(String... path) {
    Node node = root;
    for (String name : path) {
      if (node != null && node.shape == Node.Shape.LIST) {
        node = node.items;
      }
      node = node == null ? null : node.field(name);
    }
    return node;
  }

  Node root() {
    return root;
  }

  /** One node of the schema tree. */
  static final class Node {
    enum Shape {
      /** A map: declared properties, maybe an element type for other keys. */
      OBJECT,
      /** A list with an item type. */
      LIST,
      /** A string, number, boolean or int-or-string. */
      SCALAR,
      /** Anything: structured-merge-diff's deduced type (maps granular, lists atomic). */
      UNTYPED
    }

    static final Node SCALAR = new Node(Shape.SCALAR, Map.of(), null, false, MapType.GRANULAR, null,
        ListType.ATOMIC, List.of(), null);
    static final Node ANY = new Node(Shape.UNTYPED, Map.of(), null, false, MapType.GRANULAR, null,
        ListType.ATOMIC, List.of(), null);

    final Shape shape;
    final Map<String, Node> properties;
    final Node additional;
    final boolean preserveUnknown;
    final MapType mapType;
    final Node items;
    final ListType listType;
    final List<String> keys;
    final JsonNode defaultValue;

    private Node(Shape shape, Map<String, Node> properties, Node additional, boolean preserveUnknown,
        MapType mapType, Node items, ListType listType, List<String> keys, JsonNode defaultValue) {
      this.shape = shape;
      this.properties = properties;
      this.additional = additional;
      this.preserveUnknown = preserveUnknown;
      this.mapType = mapType;
      this.items = items;
      this.listType = listType;
      this.keys = keys;
      this.defaultValue = defaultValue;
    }

    static Node object(Map<String, Node> properties, Node additional, boolean preserveUnknown, MapType mapType,
        boolean kubernetesObject) {
      Map<String, Node> props = new LinkedHashMap<>(properties);
      if (kubernetesObject) {
        props.put("apiVersion", SCALAR);
        props.put("kind", SCALAR);
        props.put("metadata", ObjectMeta.NODE);
      }
      return new Node(Shape.OBJECT, Collections.unmodifiableMap(props), additional, preserveUnknown, mapType, null,
          ListType.ATOMIC, List.of(), null);
    }

    static Node list(Node items, ListType listType, List<String> keys) {
      return new Node(Shape.LIST, Map.of(), null, false, MapType.GRANULAR, items, listType, List.copyOf(keys), null);
    }

    Node withDefault(JsonNode value) {
      return new Node(shape, properties, additional, preserveUnknown, mapType, items, listType, keys, value);
    }

    /** Whether {@code name} is a declared property (a struct field, as opposed to a key of a map). */
    boolean declares(String name) {
      return shape == Shape.OBJECT && properties.containsKey(name);
    }

    /** The schema of field {@code name}: the property, the element type, untyped, or null when not allowed. */
    Node field(String name) {
      return switch (shape) {
        case OBJECT -> {
          Node property = properties.get(name);
          if (property != null) {
            yield property;
          }
          yield additional != null ? additional : preserveUnknown ? ANY : null;
        }
        case UNTYPED -> ANY;
        default -> null;
      };
    }

    /** The schema of the items of this list (untyped when this is not a list). */
    Node items() {
      return shape == Shape.LIST && items != null ? items : ANY;
    }

    /** The schema under {@code element}, treating unknown fields as untyped. */
    static Node childOf(Node schema, PathElement element) {
      if (schema == null) {
        return ANY;
      }
      if (element instanceof PathElement.Field f) {
        Node field = schema.field(f.name());
        return field == null ? ANY : field;
      }
      return schema.items();
    }
  }

  /** Turns an OpenAPI v3 schema (structural, as CRDs require) into {@link Node}s. */
  private static final class Parser {
    private Parser() {}

    static Node node(JsonNode schema, boolean kubernetesObject) {
      if (schema == null || !schema.isObject()) {
        return Node.ANY;
      }
      Node node = shape(schema, kubernetesObject);
      JsonNode def = schema.get("default");
      return def == null ? node : node.withDefault(def);
    }

    private static Node shape(JsonNode schema, boolean kubernetesObject) {
      boolean preserve = schema.path("x-kubernetes-preserve-unknown-fields").asBoolean(false);
      boolean embedded = schema.path("x-kubernetes-embedded-resource").asBoolean(false);
      if (schema.path("x-kubernetes-int-or-string").asBoolean(false)) {
        return Node.SCALAR;
      }
      String type = schema.path("type").asText("");
      if (type.equals("array")) {
        return list(schema);
      }
      boolean objectLike = type.equals("object") || schema.has("properties") || schema.has("additionalProperties")
          || embedded || kubernetesObject;
      if (objectLike) {
        Map<String, Node> properties = new LinkedHashMap<>();
        schema.path("properties").fields().forEachRemaining(e -> properties.put(e.getKey(), node(e.getValue(),
            false)));
        JsonNode additionalSchema = schema.get("additionalProperties");
        Node additional = null;
        if (additionalSchema != null && additionalSchema.isObject()) {
          additional = node(additionalSchema, false);
        } else if (additionalSchema != null && additionalSchema.asBoolean(false)) {
          additional = Node.ANY;
        }
        MapType mapType = "atomic".equals(schema.path("x-kubernetes-map-type").asText(""))
            ? MapType.ATOMIC : MapType.GRANULAR;
        return Node.object(properties, additional, preserve, mapType, kubernetesObject || embedded);
      }
      if (type.isEmpty()) {
        return Node.ANY;
      }
      return Node.SCALAR;
    }

    private static Node list(JsonNode schema) {
      Node items = node(schema.get("items"), false);
      String listType = schema.path("x-kubernetes-list-type").asText("atomic");
      return switch (listType) {
        case "set" -> Node.list(items, ListType.SET, List.of());
        case "map" -> {
          List<String> keys = new ArrayList<>();
          schema.path("x-kubernetes-list-map-keys").forEach(k -> keys.add(k.asText()));
          yield keys.isEmpty() ? Node.list(items, ListType.ATOMIC, List.of()) : Node.list(items, ListType.MAP, keys);
        }
        default -> Node.list(items, ListType.ATOMIC, List.of());
      };
    }
  }

  /** kube's ObjectMeta as server-side apply types it. */
  private static final class ObjectMeta {
    static final Node NODE = build();

    private ObjectMeta() {}

    private static Node build() {
      Map<String, Node> fields = new LinkedHashMap<>();
      for (String scalar : List.of("name", "generateName", "namespace", "selfLink", "uid", "resourceVersion",
          "generation", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds")) {
        fields.put(scalar, Node.SCALAR);
      }
      Node stringMap = Node.object(Map.of(), Node.SCALAR, false, MapType.GRANULAR, false);
      fields.put("labels", stringMap);
      fields.put("annotations", stringMap);
      Map<String, Node> ownerReference = new LinkedHashMap<>();
      for (String scalar : List.of("apiVersion", "kind", "name", "uid", "controller", "blockOwnerDeletion")) {
        ownerReference.put(scalar, Node.SCALAR);
      }
      fields.put("ownerReferences", Node.list(Node.object(ownerReference, null, false, MapType.GRANULAR, false),
          ListType.MAP, List.of("uid")));
      fields.put("finalizers", Node.list(Node.SCALAR, ListType.SET, List.of()));
      fields.put("managedFields", Node.list(Node.ANY, ListType.ATOMIC, List.of()));
      return Node.object(fields, null, false, MapType.GRANULAR, false);
    }
  }
}
