package io.revisor.apiserver.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.revisor.apiserver.crd.ResourceDefinition;
import io.revisor.apiserver.crd.ServedVersion;
import io.revisor.apiserver.json.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The published schemas of a custom resource kind and its list kind, derived from the definition's {@code
 * openAPIV3Schema} the way apiextensions-apiserver's OpenAPI builder does it:
 *
 * <ol>
 *   <li>keep what a structural schema can say (descriptions, types, defaults, value validations, {@code
 *       x-kubernetes-*} extensions) and drop the rest ({@code example}, {@code externalDocs});
 *   <li>unfold {@code x-kubernetes-int-or-string} into {@code anyOf: [integer, string]};
 *   <li>for v2 only, drop what Swagger 2.0 and kubectl's v2 reader cannot take: {@code allOf}/{@code anyOf}/{@code
 *       oneOf}/{@code not}, the type and children of {@code nullable} fields (and their {@code required} entries), the
 *       children of {@code x-kubernetes-preserve-unknown-fields} nodes, and every {@code default};
 *   <li>replace {@code apiVersion}, {@code kind} and {@code metadata} with the standard ones ({@code metadata} refers
 *       to {@code ObjectMeta}), do the same inside {@code x-kubernetes-embedded-resource} objects;
 *   <li>tag the kind with {@code x-kubernetes-group-version-kind}.
 * </ol>
 */
final class KindSchemas {
  static final String API_VERSION_DESCRIPTION =
      "APIVersion defines the versioned schema of this representation of an object. Servers should convert "
          + "recognized schemas to the latest internal value, and may reject unrecognized values. More info: "
          + "https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources";
  static final String KIND_DESCRIPTION =
      "Kind is a string value representing the REST resource this object represents. Servers may infer this from "
          + "the endpoint the client submits requests to. Cannot be updated. In CamelCase. More info: "
          + "https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds";
  static final String OBJECT_METADATA_DESCRIPTION =
      "Standard object's metadata. More info: "
          + "https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata";
  static final String LIST_METADATA_DESCRIPTION =
      "Standard list metadata. More info: "
          + "https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds";
  private static final String EMBEDDED_API_VERSION_DESCRIPTION =
      "apiVersion defines the versioned schema of this representation of an object. More info: "
          + "https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources";
  private static final String EMBEDDED_KIND_DESCRIPTION =
      "kind is a string value representing the type of this object. In CamelCase. More info: "
          + "https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds";

  /** The keywords a structural schema keeps; everything else is dropped from the published schema. */
  private static final Set<String> STRUCTURAL_KEYWORDS = Set.of(
      "type", "format", "title", "description", "default", "nullable",
      "enum", "maximum", "exclusiveMaximum", "minimum", "exclusiveMinimum", "multipleOf",
      "maxLength", "minLength", "pattern", "maxItems", "minItems", "uniqueItems", "maxProperties", "minProperties",
      "required", "allOf", "oneOf", "anyOf", "not", "properties", "additionalProperties", "items",
      "x-kubernetes-preserve-unknown-fields", "x-kubernetes-embedded-resource", "x-kubernetes-int-or-string",
      "x-kubernetes-list-map-keys", "x-kubernetes-list-type", "x-kubernetes-map-type", "x-kubernetes-validations");
  /** Boolean extensions that upstream only publishes when true. */
  private static final Set<String> TRUE_ONLY = Set.of(
      "nullable", "x-kubernetes-preserve-unknown-fields", "x-kubernetes-embedded-resource",
      "x-kubernetes-int-or-string");
  private static final String GVK = "x-kubernetes-group-version-kind";

  private KindSchemas() {}

  /** The schema of {@code definition}'s kind at {@code version}. */
  static ObjectNode kind(ResourceDefinition definition, ServedVersion version, Dialect dialect) {
    ObjectNode schema = version.schema().deepCopy();
    SchemaTree.walk(schema, KindSchemas::keepStructural);
    SchemaTree.walk(schema, KindSchemas::unfoldIntOrString);
    ObjectNode result;
    if (dialect == Dialect.V2 && schema.path("x-kubernetes-preserve-unknown-fields").asBoolean(false)) {
      // Upstream publishes an opaque object here: any property listed would make kubectl reject unknown fields.
      result = Json.object().put("type", "object");
    } else {
      if (dialect == Dialect.V2) {
        SchemaTree.walk(schema, KindSchemas::toSwagger2);
      }
      result = withTypeAndObjectMeta(schema, dialect);
      SchemaTree.walk(result, node -> addEmbeddedProperties(node, dialect));
      if (dialect == Dialect.V2) {
        SchemaTree.walk(result, node -> node.remove("default"));
      } else {
        SchemaTree.walk(result, KindSchemas::wrapRef);
      }
    }
    result.set(GVK, gvk(definition.group(), version.name(), definition.names().kind()));
    return result;
  }

  /** The schema of {@code definition}'s list kind at {@code version}. */
  static ObjectNode list(ResourceDefinition definition, String version, Dialect dialect) {
    String kind = definition.names().kind();
    String listKind = definition.names().listKind();
    ObjectNode schema = Json.object()
        .put("description", listKind + " is a list of " + kind)
        .put("type", "object");
    schema.putArray("required").add("items");
    ObjectNode properties = schema.putObject("properties");
    properties.set("apiVersion", typeMeta(API_VERSION_DESCRIPTION));
    ObjectNode items = properties.putObject("items")
        .put("description", "List of " + definition.names().plural() + ". More info: "
            + "https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md")
        .put("type", "array");
    items.putObject("items").put("$ref", dialect.ref(SchemaNames.kind(definition.group(), version, kind)));
    properties.set("kind", typeMeta(KIND_DESCRIPTION));
    properties.set("metadata", ref(dialect, SchemaNames.LIST_META, LIST_METADATA_DESCRIPTION));
    schema.set(GVK, gvk(definition.group(), version, listKind));
    return schema;
  }

  /** A reference with a description, in the dialect's form ({@code allOf}-wrapped in v3). */
  static ObjectNode ref(Dialect dialect, String name, String description) {
    ObjectNode node = Json.object();
    if (dialect == Dialect.V3) {
      node.putArray("allOf").addObject().put("$ref", dialect.ref(name));
    } else {
      node.put("$ref", dialect.ref(name));
    }
    return node.put("description", description);
  }

  private static ArrayNode gvk(String group, String version, String kind) {
    ArrayNode list = Json.MAPPER.createArrayNode();
    list.addObject().put("group", group).put("kind", kind).put("version", version);
    return list;
  }

  private static ObjectNode typeMeta(String description) {
    return Json.object().put("description", description).put("type", "string");
  }

  private static void keepStructural(ObjectNode node) {
    List<String> drop = new ArrayList<>();
    for (Map.Entry<String, JsonNode> field : node.properties()) {
      String key = field.getKey();
      if (!STRUCTURAL_KEYWORDS.contains(key)
          || (TRUE_ONLY.contains(key) && !field.getValue().asBoolean(false))) {
        drop.add(key);
      }
    }
    node.remove(drop);
  }

  private static void unfoldIntOrString(ObjectNode node) {
    if (!node.path("x-kubernetes-int-or-string").asBoolean(false)) {
      return;
    }
    if (isIntOrStringAnyOf(node.get("anyOf"))
        || (node.path("allOf").isArray() && isIntOrStringAnyOf(node.path("allOf").path(0).get("anyOf")))) {
      return;
    }
    ArrayNode intOrString = Json.MAPPER.createArrayNode();
    intOrString.addObject().put("type", "integer");
    intOrString.addObject().put("type", "string");
    if (!node.has("anyOf")) {
      node.set("anyOf", intOrString);
    } else {
      ArrayNode allOf = Json.MAPPER.createArrayNode();
      allOf.addObject().set("anyOf", intOrString);
      if (node.get("allOf") instanceof ArrayNode existing) {
        allOf.addAll(existing);
      }
      node.set("allOf", allOf);
    }
  }

  private static boolean isIntOrStringAnyOf(JsonNode anyOf) {
    return anyOf != null && anyOf.size() == 2 && anyOf.get(0).size() == 1 && anyOf.get(1).size() == 1
        && "integer".equals(anyOf.get(0).path("type").asText()) && "string".equals(anyOf.get(1).path("type").asText());
  }

  /** apiextensions-apiserver's conversion of a structural schema to what Swagger 2.0 and kubectl can read. */
  private static void toSwagger2(ObjectNode node) {
    node.remove(List.of("allOf", "anyOf", "oneOf", "not"));
    if (node.path("properties") instanceof ObjectNode properties && node.get("required") instanceof ArrayNode required) {
      ArrayNode kept = Json.MAPPER.createArrayNode();
      required.forEach(name -> {
        if (!properties.path(name.asText()).path("nullable").asBoolean(false)) {
          kept.add(name);
        }
      });
      if (kept.isEmpty()) {
        node.remove("required");
      } else {
        node.set("required", kept);
      }
    }
    if (node.path("additionalProperties").path("nullable").asBoolean(false)) {
      node.remove("required");
    }
    if (node.path("nullable").asBoolean(false)) {
      // An untyped value: kubectl breaks on untyped values with items or properties.
      node.remove(List.of("type", "nullable", "items", "properties"));
    }
    if (node.path("x-kubernetes-preserve-unknown-fields").asBoolean(false)) {
      node.remove(List.of("items", "properties"));
    }
    if (!node.has("items") && "array".equals(node.path("type").asText())) {
      node.remove("type");
    }
  }

  private static ObjectNode withTypeAndObjectMeta(ObjectNode schema, Dialect dialect) {
    ObjectNode result = Json.object();
    for (Map.Entry<String, JsonNode> field : schema.properties()) {
      if (!field.getKey().equals("properties")) {
        result.set(field.getKey(), field.getValue());
      }
    }
    ObjectNode properties = Json.object();
    properties.set("apiVersion", typeMeta(API_VERSION_DESCRIPTION));
    properties.set("kind", typeMeta(KIND_DESCRIPTION));
    properties.set("metadata", ref(dialect, SchemaNames.OBJECT_META, OBJECT_METADATA_DESCRIPTION));
    if (schema.get("properties") instanceof ObjectNode declared) {
      for (Map.Entry<String, JsonNode> field : declared.properties()) {
        properties.putIfAbsent(field.getKey(), field.getValue());
      }
    }
    result.set("properties", properties);
    return result;
  }

  private static void addEmbeddedProperties(ObjectNode node, Dialect dialect) {
    if (!node.path("x-kubernetes-embedded-resource").asBoolean(false)) {
      return;
    }
    if (dialect == Dialect.V2 && node.path("x-kubernetes-preserve-unknown-fields").asBoolean(false)) {
      // Listing these would make kubectl's v2 validation refuse the unknown fields the schema allows.
      return;
    }
    ObjectNode properties = node.withObjectProperty("properties");
    properties.set("apiVersion", typeMeta(EMBEDDED_API_VERSION_DESCRIPTION));
    properties.set("kind", typeMeta(EMBEDDED_KIND_DESCRIPTION));
    properties.set("metadata", ref(dialect, SchemaNames.OBJECT_META, OBJECT_METADATA_DESCRIPTION));
    ArrayNode required = node.withArrayProperty("required");
    for (String field : List.of("kind", "apiVersion")) {
      boolean present = false;
      for (JsonNode r : required) {
        present |= r.asText().equals(field);
      }
      if (!present) {
        required.add(field);
      }
    }
  }

  /** OpenAPI 3.0 ignores the siblings of a {@code $ref}; kube moves the reference into {@code allOf}. */
  private static void wrapRef(ObjectNode node) {
    if (node.has("$ref") && node.size() > 1 && !node.has("allOf")) {
      String target = node.remove("$ref").asText();
      node.putArray("allOf").addObject().put("$ref", target);
    }
  }
}
