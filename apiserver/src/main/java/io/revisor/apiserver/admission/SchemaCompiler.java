package io.revisor.apiserver.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntPredicate;

/**
 * Checks an {@code openAPIV3Schema} the way kube-apiserver checks a CustomResourceDefinition version's schema, and
 * compiles it into {@link SchemaNode}s.
 *
 * <p>Three groups of checks, reported in kube's order: the structural-schema invariants (apiextensions
 * {@code schema.ValidateStructural}, sorted by text as kube sorts them), then, when those pass, the defaults (each
 * {@code default} must be pruned and valid against its schema), then the OpenAPI checks of
 * {@code ValidateCustomResourceDefinitionOpenAPISchema}. A schema that is not even well-typed JSON Schema (a string
 * where a number belongs, an unknown keyword) fails with only those decoding errors. Single use, not thread-safe.
 */
final class SchemaCompiler {
  private static final Set<String> KEYWORDS = Set.of("id", "$schema", "$ref", "description", "type", "format",
      "title", "default", "maximum", "exclusiveMaximum", "minimum", "exclusiveMinimum", "maxLength", "minLength",
      "pattern", "maxItems", "minItems", "uniqueItems", "multipleOf", "enum", "maxProperties", "minProperties",
      "required", "items", "allOf", "oneOf", "anyOf", "not", "properties", "additionalProperties", "patternProperties",
      "dependencies", "additionalItems", "definitions", "externalDocs", "example", "nullable",
      "x-kubernetes-preserve-unknown-fields", "x-kubernetes-embedded-resource", "x-kubernetes-int-or-string",
      "x-kubernetes-list-map-keys", "x-kubernetes-list-type", "x-kubernetes-map-type", "x-kubernetes-validations");
  private static final List<String> TYPES = List.of("array", "boolean", "integer", "number", "object", "string");
  private static final Set<String> META_FIELDS = Set.of("metadata", "kind", "apiVersion");

  private enum Level { ROOT, ITEMS, FIELD }

  /** What {@code specStandardValidator} carries down the tree. */
  private record Ssv(boolean allowDefaults, String disallowReason, boolean insideMeta) {
    Ssv forbidDefaults(String reason) {
      return new Ssv(false, reason, insideMeta);
    }

    Ssv withInsideMeta() {
      return new Ssv(allowDefaults, disallowReason, true);
    }
  }

  private record Defaulted(FieldPath path, SchemaNode node) {}

  private final List<FieldError> decodeErrors = new ArrayList<>();
  private final List<FieldError> structuralErrors = new ArrayList<>();
  private final List<FieldError> openApiErrors = new ArrayList<>();
  private final List<Defaulted> defaulted = new ArrayList<>();

  private SchemaCompiler() {}

  /**
   * Compiles a schema.
   *
   * @throws InvalidSchemaException listing every problem when kube-apiserver would refuse the schema
   */
  static SchemaNode compile(JsonNode schema) {
    SchemaCompiler c = new SchemaCompiler();
    FieldPath root = FieldPath.of("openAPIV3Schema");
    if (schema == null || !schema.isObject()) {
      throw new InvalidSchemaException(List.of(FieldError.required(root.toString(), "schemas are required")));
    }
    SchemaNode node = c.structural(new Raw(schema, root, c.decodeErrors), Level.ROOT,
        new Ssv(true, null, false), true, true);
    if (!c.decodeErrors.isEmpty()) {
      throw new InvalidSchemaException(c.decodeErrors);
    }
    List<FieldError> all = new ArrayList<>(c.structuralErrors);
    all.sort(Comparator.comparing(FieldError::line));
    if (all.isEmpty()) {
      for (Defaulted d : c.defaulted) {
        all.addAll(DefaultCheck.check(d.path(), d.node()));
      }
    }
    all.addAll(c.openApiErrors);
    if (!all.isEmpty()) {
      throw new InvalidSchemaException(all);
    }
    return node;
  }

  /** A node of the structural part of the schema (not under a logical junctor). */
  private SchemaNode structural(Raw r, Level lvl, Ssv ssv, boolean isRoot, boolean collectDefaults) {
    FieldPath p = r.path;
    SchemaNode.Builder b = common(r, ssv);
    boolean embedded = r.embedded;

    // children, with the OpenAPI checks in kube's order around them
    if (r.additionalProperties != null) {
      if (!r.properties.isEmpty() && (r.additionalProperties.isBoolean() && !r.additionalProperties.booleanValue()
          || r.additionalProperties.isObject())) {
        openApiErrors.add(FieldError.forbidden(p.child("additionalProperties").toString(),
            "additionalProperties and properties are mutual exclusive"));
      }
      b.hasAdditionalProperties = true;
      if (r.additionalProperties.isBoolean()) {
        b.additionalPropertiesAllowed = r.additionalProperties.booleanValue();
      } else if (r.additionalProperties.isObject()) {
        Ssv sub = ssv.insideMeta ? ssv.forbidDefaults("inside additionalProperties applying to object metadata") : ssv;
        b.additionalProperties = structural(r.child(r.additionalProperties, p.child("additionalProperties")),
            Level.FIELD, sub, false, false);
      }
    }
    for (Map.Entry<String, JsonNode> e : r.properties.entrySet()) {
      String k = e.getKey();
      Ssv sub = ssv;
      if ((isRoot || embedded) && META_FIELDS.contains(k)) {
        sub = sub.withInsideMeta();
        if (isRoot) {
          sub = sub.forbidDefaults("in top-level " + k);
        }
      }
      Raw child = r.child(e.getValue(), p.child("properties").key(k));
      b.properties.put(k, structural(child, Level.FIELD, sub, false, collectDefaults));
    }
    junctors(r, b, lvl, ssv, isIntOrStringAnyOf(r), isIntOrStringAllOf(r), true);
    if (r.items != null && r.items.isObject()) {
      b.items = structural(r.child(r.items, p.child("items")), Level.ITEMS, ssv, false, collectDefaults);
    }
    listAndMapChecks(r, b);
    completeness(r, b.build(), p);

    // structural invariants
    if (r.type.equals("array") && (r.items == null || !r.items.isObject())) {
      structuralErrors.add(FieldError.required(p.child("items").toString(), "must be specified"));
    }
    if (r.additionalProperties != null && lvl == Level.ROOT) {
      structuralErrors.add(FieldError.forbidden(p.child("additionalProperties").toString(),
          "must not be used at the root"));
    }
    if (r.intOrString && r.preserveUnknownFields) {
      structuralErrors.add(FieldError.invalid(p.child("x-kubernetes-preserve-unknown-fields").toString(), true,
          "must be false if x-kubernetes-int-or-string is true"));
    }
    if (r.intOrString && embedded) {
      structuralErrors.add(FieldError.invalid(p.child("x-kubernetes-embedded-resource").toString(), true,
          "must be false if x-kubernetes-int-or-string is true"));
    }
    if (embedded && !r.type.equals("object")) {
      String msg = "must be object if x-kubernetes-embedded-resource is true";
      structuralErrors.add(r.type.isEmpty() ? FieldError.required(p.child("type").toString(), msg)
          : FieldError.invalid(p.child("type").toString(), r.type, msg));
    } else if (r.type.isEmpty() && !r.intOrString && !r.preserveUnknownFields) {
      String msg = switch (lvl) {
        case ROOT -> "must not be empty at the root";
        case ITEMS -> "must not be empty for specified array items";
        case FIELD -> "must not be empty for specified object fields";
      };
      structuralErrors.add(FieldError.required(p.child("type").toString(), msg));
    }
    if (embedded && r.additionalProperties != null) {
      structuralErrors.add(FieldError.forbidden(p.child("additionalProperties").toString(),
          "must not be used if x-kubernetes-embedded-resource is set"));
    }
    if (lvl == Level.ROOT && !r.type.isEmpty() && !r.type.equals("object")) {
      structuralErrors.add(FieldError.invalid(p.child("type").toString(), r.type, "must be object at the root"));
    }
    boolean checkMetadata = lvl == Level.ROOT || embedded;
    for (String typeMeta : List.of("kind", "apiVersion")) {
      JsonNode prop = r.properties.get(typeMeta);
      if (prop != null && checkMetadata) {
        String t = prop.path("type").isTextual() ? prop.path("type").textValue() : "";
        if (!t.equals("string")) {
          structuralErrors.add(FieldError.invalid(p.child("properties").key(typeMeta).child("type").toString(), t,
              "must be string"));
        }
      }
    }
    JsonNode metadata = r.properties.get("metadata");
    if (metadata != null && metadata.isObject()) {
      metadataInvariants(metadata, checkMetadata, lvl, p.child("properties").key("metadata"));
    }
    if (embedded && !r.preserveUnknownFields && r.properties.isEmpty()) {
      structuralErrors.add(FieldError.required(p.child("properties").toString(),
          "must not be empty if x-kubernetes-embedded-resource is true without x-kubernetes-preserve-unknown-fields"));
    }

    SchemaNode node = b.build();
    if (collectDefaults && node.hasDefault()) {
      defaulted.add(new Defaulted(p, node));
    }
    return node;
  }

  /** A value-validation node under allOf/anyOf/oneOf/not: structural keywords are forbidden there. */
  private SchemaNode nested(Raw r, Level lvl, Ssv ssv, boolean skipAnyOf, boolean skipAllOfAnyOf, boolean check) {
    FieldPath p = r.path;
    SchemaNode.Builder b = common(r, ssv);
    if (r.additionalProperties != null && r.additionalProperties.isObject()) {
      b.hasAdditionalProperties = true;
      b.additionalProperties = nested(r.child(r.additionalProperties, p.child("additionalProperties")), lvl, ssv,
          false, false, false);
    }
    for (Map.Entry<String, JsonNode> e : r.properties.entrySet()) {
      Raw child = r.child(e.getValue(), p.child("properties").key(e.getKey()));
      b.properties.put(e.getKey(), nested(child, Level.FIELD, ssv, false, false, check));
    }
    junctors(r, b, lvl, ssv, skipAnyOf, skipAllOfAnyOf, check);
    if (r.items != null && r.items.isObject()) {
      b.items = nested(r.child(r.items, p.child("items")), lvl, ssv, false, false, check);
    }
    listAndMapChecks(r, b);
    if (check) {
      String structural = "to be structural";
      if (!r.type.isEmpty()) {
        structuralErrors.add(FieldError.forbidden(p.child("type").toString(), "must be empty " + structural));
      }
      if (r.additionalProperties != null) {
        structuralErrors.add(FieldError.forbidden(p.child("additionalProperties").toString(),
            "must be undefined " + structural));
      }
      if (r.hasDefault) {
        structuralErrors.add(FieldError.forbidden(p.child("default").toString(), "must be undefined " + structural));
      }
      if (r.present.contains("title") && !r.json.path("title").asText().isEmpty()) {
        structuralErrors.add(FieldError.forbidden(p.child("title").toString(), "must be empty " + structural));
      }
      if (r.present.contains("description") && !r.json.path("description").asText().isEmpty()) {
        structuralErrors.add(FieldError.forbidden(p.child("description").toString(), "must be empty " + structural));
      }
      if (r.nullable) {
        structuralErrors.add(FieldError.forbidden(p.child("nullable").toString(), "must be false " + structural));
      }
      if (r.present.contains("externalDocs")) {
        structuralErrors.add(FieldError.forbidden(p.child("externalDocs").toString(),
            "must be undefined " + structural));
      }
      if (r.preserveUnknownFields) {
        structuralErrors.add(FieldError.forbidden(p.child("x-kubernetes-preserve-unknown-fields").toString(),
            "must be false " + structural));
      }
      if (r.embedded) {
        structuralErrors.add(FieldError.forbidden(p.child("x-kubernetes-embedded-resource").toString(),
            "must be false " + structural));
      }
      if (r.intOrString) {
        structuralErrors.add(FieldError.forbidden(p.child("x-kubernetes-int-or-string").toString(),
            "must be false " + structural));
      }
      if (!r.listMapKeys.isEmpty()) {
        structuralErrors.add(FieldError.forbidden(p.child("x-kubernetes-list-map-keys").toString(),
            "must be empty " + structural));
      }
      if (r.listType != null) {
        structuralErrors.add(FieldError.forbidden(p.child("x-kubernetes-list-type").toString(),
            "must be undefined " + structural));
      }
      if (r.mapType != null) {
        structuralErrors.add(FieldError.forbidden(p.child("x-kubernetes-map-type").toString(),
            "must be undefined " + structural));
      }
      if (r.validations > 0) {
        structuralErrors.add(FieldError.forbidden(p.child("x-kubernetes-validations").toString(),
            "must be empty " + structural));
      }
      if (r.properties.containsKey("metadata")) {
        structuralErrors.add(FieldError.forbidden(p.child("properties").key("metadata").toString(),
            "must not be specified in a nested context"));
      }
    }
    return b.build();
  }

  /** The nodes under not, allOf, oneOf and anyOf; {@code check} is false where kube skips the structural checks. */
  private void junctors(Raw r, SchemaNode.Builder b, Level lvl, Ssv ssv, boolean skipAnyOf, boolean skipAllOfAnyOf,
      boolean check) {
    FieldPath p = r.path;
    if (r.not != null) {
      b.not = nested(r.child(r.not, p.child("not")), lvl, ssv, false, false, check);
    }
    b.allOf = list(r, r.allOf, "allOf", lvl, ssv, check, i -> i == 0 && skipAllOfAnyOf);
    b.oneOf = list(r, r.oneOf, "oneOf", lvl, ssv, check, i -> false);
    b.anyOf = new ArrayList<>();
    for (int i = 0; i < r.anyOf.size(); i++) {
      b.anyOf.add(nested(r.child(r.anyOf.get(i), p.child("anyOf").index(i)), lvl, ssv, false, false,
          check && !skipAnyOf));
    }
  }

  private List<SchemaNode> list(Raw r, List<JsonNode> schemas, String keyword, Level lvl, Ssv ssv, boolean check,
      IntPredicate skipAnyOf) {
    List<SchemaNode> out = new ArrayList<>();
    for (int i = 0; i < schemas.size(); i++) {
      Raw child = r.child(schemas.get(i), r.path.child(keyword).index(i));
      out.add(nested(child, lvl, ssv, skipAnyOf.test(i), false, check));
    }
    return out;
  }

  /** The parts every node shares: scalar keywords, format, pattern and the {@code specStandardValidator} checks. */
  private SchemaNode.Builder common(Raw r, Ssv ssv) {
    FieldPath p = r.path;
    if (!r.type.isEmpty() && !TYPES.contains(r.type)) {
      openApiErrors.add(FieldError.notSupported(p.child("type").toString(), r.type, TYPES));
    }
    if (r.present.contains("default") && !ssv.allowDefaults) {
      openApiErrors.add(FieldError.forbidden(p.child("default").toString(),
          "must not be set" + (ssv.disallowReason == null ? "" : " " + ssv.disallowReason)));
    }
    forbidKeyword(r, "id", "id is not supported");
    forbidKeyword(r, "additionalItems", "additionalItems is not supported");
    forbidKeyword(r, "patternProperties", "patternProperties is not supported");
    forbidKeyword(r, "definitions", "definitions is not supported");
    forbidKeyword(r, "dependencies", "dependencies is not supported");
    forbidKeyword(r, "$ref", "$ref is not supported");
    if (r.type.equals("null")) {
      openApiErrors.add(FieldError.forbidden(p.child("type").toString(),
          "type cannot be set to null, use nullable as an alternative"));
    }
    if (r.items != null && r.items.isArray()) {
      openApiErrors.add(FieldError.forbidden(p.child("items").toString(),
          "items must be a schema object and not an array"));
    }
    if (ssv.insideMeta && r.embedded) {
      openApiErrors.add(FieldError.forbidden(p.child("x-kubernetes-embedded-resource").toString(),
          "must not be used inside of resource meta"));
    }
    if (r.uniqueItems) {
      openApiErrors.add(FieldError.forbidden(p.child("uniqueItems").toString(),
          "uniqueItems cannot be set to true since the runtime complexity becomes quadratic"));
    }
    if (r.preserveUnknownFieldsFalse) {
      openApiErrors.add(FieldError.invalid(p.child("x-kubernetes-preserve-unknown-fields").toString(), false,
          "must be true or undefined"));
    }

    SchemaNode.Builder b = new SchemaNode.Builder();
    b.type = r.type;
    b.nullable = r.nullable;
    String stripType = r.intOrString ? "" : r.type;
    b.format = Formats.retained(r.format, stripType);
    b.formatCheck = b.format.isEmpty() ? null : Formats.stringCheck(b.format, stripType);
    b.maximum = r.maximum;
    b.exclusiveMaximum = r.exclusiveMaximum;
    b.minimum = r.minimum;
    b.exclusiveMinimum = r.exclusiveMinimum;
    b.multipleOf = r.multipleOf;
    b.maxLength = r.maxLength;
    b.minLength = r.minLength;
    b.maxItems = r.maxItems;
    b.minItems = r.minItems;
    b.maxProperties = r.maxProperties;
    b.minProperties = r.minProperties;
    b.required = r.required;
    b.enumValues = r.enumValues;
    b.defaultValue = r.hasDefault ? r.json.get("default") : null;
    b.preserveUnknownFields = r.preserveUnknownFields;
    b.embeddedResource = r.embedded;
    b.intOrString = r.intOrString;
    b.listType = r.listType;
    b.listMapKeys = r.listMapKeys;
    if (r.pattern != null) {
      try {
        b.pattern = GoRegexp.compile(r.pattern);
      } catch (IllegalArgumentException e) {
        structuralErrors.add(FieldError.invalid(p.child("pattern").toString(), r.pattern,
            "must be a valid regular expression, but isn't: " + e.getMessage()));
      }
    }
    return b;
  }

  private void forbidKeyword(Raw r, String keyword, String detail) {
    if (r.present.contains(keyword)) {
      openApiErrors.add(FieldError.forbidden(r.path.child(keyword).toString(), detail));
    }
  }

  /** The {@code x-kubernetes-map-type}, {@code -list-type} and {@code -list-map-keys} rules. */
  private void listAndMapChecks(Raw r, SchemaNode.Builder b) {
    FieldPath p = r.path;
    if (r.mapType != null && !r.type.equals("object")) {
      String msg = "must be object if x-kubernetes-map-type is specified";
      openApiErrors.add(r.type.isEmpty() ? FieldError.required(p.child("type").toString(), msg)
          : FieldError.invalid(p.child("type").toString(), r.type, msg));
    }
    if (r.mapType != null && !r.mapType.equals("atomic") && !r.mapType.equals("granular")) {
      openApiErrors.add(FieldError.notSupported(p.child("x-kubernetes-map-type").toString(), r.mapType,
          List.of("atomic", "granular")));
    }
    JsonNode items = r.items != null && r.items.isObject() ? r.items : null;
    if (r.listType != null && !r.type.equals("array")) {
      String msg = "must be array if x-kubernetes-list-type is specified";
      openApiErrors.add(r.type.isEmpty() ? FieldError.required(p.child("type").toString(), msg)
          : FieldError.invalid(p.child("type").toString(), r.type, msg));
    } else if ("set".equals(r.listType) && items != null) {
      String itemsType = items.path("type").asText("");
      JsonNode itemsListType = items.get("x-kubernetes-list-type");
      String itemsMapType = items.path("x-kubernetes-map-type").asText(null);
      String msg = "must be atomic as item of a list with x-kubernetes-list-type=set";
      if (itemsType.equals("array") && itemsListType != null && !itemsListType.asText().equals("atomic")) {
        openApiErrors.add(FieldError.invalid(p.child("items").child("x-kubernetes-list-type").toString(),
            itemsListType, msg));
      } else if (itemsType.equals("object") && !"atomic".equals(itemsMapType)) {
        openApiErrors.add(FieldError.invalid(p.child("items").child("x-kubernetes-map-type").toString(),
            itemsListType, msg));
      }
    }
    if (r.listType != null && !List.of("atomic", "set", "map").contains(r.listType)) {
      openApiErrors.add(FieldError.notSupported(p.child("x-kubernetes-list-type").toString(), r.listType,
          List.of("atomic", "set", "map")));
    }
    ArrayNode keys = JsonNodeFactory.instance.arrayNode();
    r.listMapKeys.forEach(keys::add);
    if (!r.listMapKeys.isEmpty()) {
      String msg = "must be map if x-kubernetes-list-map-keys is non-empty";
      if (r.listType == null) {
        openApiErrors.add(FieldError.required(p.child("x-kubernetes-list-type").toString(), msg));
      } else if (!r.listType.equals("map")) {
        openApiErrors.add(FieldError.invalid(p.child("x-kubernetes-list-type").toString(), r.listType, msg));
      }
    }
    if ("map".equals(r.listType)) {
      if (r.listMapKeys.isEmpty()) {
        openApiErrors.add(FieldError.required(p.child("x-kubernetes-list-map-keys").toString(),
            "must not be empty if x-kubernetes-list-type is map"));
      }
      if (r.items == null) {
        openApiErrors.add(FieldError.required(p.child("items").toString(),
            "must have a schema if x-kubernetes-list-type is map"));
      } else if (!r.items.isObject()) {
        openApiErrors.add(FieldError.invalid(p.child("items").toString(), r.items,
            "must only have a single schema if x-kubernetes-list-type is map"));
      } else if (!items.path("type").asText("").equals("object")) {
        openApiErrors.add(FieldError.invalid(p.child("items").child("type").toString(),
            items.path("type").asText(""), "must be object if parent array's x-kubernetes-list-type is map"));
      } else {
        Set<String> seen = new HashSet<>();
        JsonNode itemProps = items.path("properties");
        for (String k : r.listMapKeys) {
          JsonNode prop = itemProps.get(k);
          if (prop != null) {
            String t = prop.path("type").asText("");
            if (t.equals("array") || t.equals("object")) {
              openApiErrors.add(FieldError.invalid(p.child("items").child("properties").key(k).child("type")
                  .toString(), "object", "must be a scalar type if parent array's x-kubernetes-list-type is map"));
            }
          } else {
            openApiErrors.add(FieldError.invalid(p.child("x-kubernetes-list-map-keys").toString(), keys,
                "entries must all be names of item properties"));
          }
          if (!seen.add(k)) {
            openApiErrors.add(FieldError.invalid(p.child("x-kubernetes-list-map-keys").toString(), keys,
                "must not contain duplicate entries"));
          }
        }
      }
    }
    // validateMapListKeysMapSet (required for new CustomResourceDefinitions)
    if (items != null && ("set".equals(r.listType) || "map".equals(r.listType))) {
      if (items.path("nullable").asBoolean(false)) {
        openApiErrors.add(FieldError.forbidden(p.child("items").child("nullable").toString(),
            "cannot be nullable when x-kubernetes-list-type is " + r.listType));
      }
      if (r.listType.equals("map")) {
        Set<String> required = new HashSet<>();
        items.path("required").forEach(n -> required.add(n.asText()));
        for (String k : r.listMapKeys) {
          JsonNode prop = items.path("properties").get(k);
          if (prop == null) {
            continue;
          }
          FieldPath kp = p.child("items").child("properties").key(k);
          if (!required.contains(k) && prop.get("default") == null) {
            openApiErrors.add(FieldError.required(kp.child("default").toString(),
                "this property is in x-kubernetes-list-map-keys, so it must have a default or be a required property"));
          }
          if (prop.path("nullable").asBoolean(false)) {
            openApiErrors.add(FieldError.forbidden(kp.child("nullable").toString(),
                "this property is in x-kubernetes-list-map-keys, so it cannot be nullable"));
          }
        }
      }
    }
    for (int i = 0; i < r.validations; i++) {
      JsonNode rule = r.json.path("x-kubernetes-validations").path(i).path("rule");
      if (rule.asText("").trim().isEmpty()) {
        openApiErrors.add(FieldError.required(p.child("x-kubernetes-validations").index(i).child("rule").toString(),
            "rule is not specified"));
      }
    }
  }

  /** Metadata at the root may only restrict name and generateName; it must be an object where it is a resource's. */
  private void metadataInvariants(JsonNode metadata, boolean checkMetadata, Level lvl, FieldPath p) {
    String type = metadata.path("type").isTextual() ? metadata.path("type").textValue() : "";
    if (checkMetadata && !type.equals("object")) {
      structuralErrors.add(FieldError.invalid(p.child("type").toString(), type, "must be object"));
    }
    if (lvl != Level.ROOT) {
      return;
    }
    boolean other = false;
    for (Map.Entry<String, JsonNode> e : metadata.properties()) {
      switch (e.getKey()) {
        case "type", "default" -> { }
        case "properties" -> {
          Set<String> names = new HashSet<>();
          e.getValue().fieldNames().forEachRemaining(names::add);
          if (!Set.of("name", "generateName").containsAll(names)) {
            other = true;
          }
        }
        default -> other = true;
      }
    }
    if (other) {
      structuralErrors.add(FieldError.forbidden(p.toString(),
          "must not specify anything other than name and generateName, but metadata is implicitly specified"));
    }
  }

  /** Every field or array specified in a value validation must also be specified in the structural part. */
  private void completeness(Raw r, SchemaNode s, FieldPath sPath) {
    completenessOfJunctors(r, s, sPath, sPath);
  }

  private void completenessOfJunctors(Raw v, SchemaNode s, FieldPath sPath, FieldPath vPath) {
    if (v.not != null) {
      nestedCompleteness(v.child(v.not, null), s, sPath, vPath.child("not"));
    }
    for (int i = 0; i < v.allOf.size(); i++) {
      nestedCompleteness(v.child(v.allOf.get(i), null), s, sPath, vPath.child("allOf").index(i));
    }
    for (int i = 0; i < v.anyOf.size(); i++) {
      nestedCompleteness(v.child(v.anyOf.get(i), null), s, sPath, vPath.child("anyOf").index(i));
    }
    for (int i = 0; i < v.oneOf.size(); i++) {
      nestedCompleteness(v.child(v.oneOf.get(i), null), s, sPath, vPath.child("oneOf").index(i));
    }
  }

  private void nestedCompleteness(Raw v, SchemaNode s, FieldPath sPath, FieldPath vPath) {
    if (s == null) {
      structuralErrors.add(FieldError.required(sPath.toString(), "because it is defined in " + vPath));
      return;
    }
    completenessOfJunctors(v, s, sPath, vPath);
    if (v.items != null && v.items.isObject()) {
      nestedCompleteness(v.child(v.items, null), s.items, sPath.child("items"), vPath.child("items"));
    }
    for (Map.Entry<String, JsonNode> e : v.properties.entrySet()) {
      String k = e.getKey();
      SchemaNode sFld = s.properties.get(k);
      if (sFld == null) {
        structuralErrors.add(FieldError.required(sPath.child("properties").key(k).toString(),
            "because it is defined in " + vPath.child("properties").key(k)));
      } else {
        nestedCompleteness(v.child(e.getValue(), null), sFld, sPath.child("properties").key(k),
            vPath.child("properties").key(k));
      }
    }
  }

  private static boolean isIntOrStringAnyOf(Raw r) {
    return isIntOrStringPair(r.anyOf);
  }

  private static boolean isIntOrStringAllOf(Raw r) {
    return !r.allOf.isEmpty() && r.allOf.get(0).isObject() && isIntOrStringPair(listOf(r.allOf.get(0).get("anyOf")));
  }

  private static boolean isIntOrStringPair(List<JsonNode> anyOf) {
    return anyOf.size() == 2 && onlyType(anyOf.get(0), "integer") && onlyType(anyOf.get(1), "string");
  }

  private static boolean onlyType(JsonNode n, String type) {
    return n.isObject() && n.size() == 1 && type.equals(n.path("type").asText(null));
  }

  private static List<JsonNode> listOf(JsonNode array) {
    List<JsonNode> out = new ArrayList<>();
    if (array != null && array.isArray()) {
      array.forEach(out::add);
    }
    return out;
  }

  /** The keywords of one schema object, type-checked; type errors are decoding errors. */
  private static final class Raw {
    final JsonNode json;
    final FieldPath path;
    private final List<FieldError> errors;
    final Set<String> present = new HashSet<>();
    String type = "";
    boolean nullable;
    String format = "";
    boolean hasDefault;
    Double maximum;
    boolean exclusiveMaximum;
    Double minimum;
    boolean exclusiveMinimum;
    Double multipleOf;
    Long maxLength;
    Long minLength;
    String pattern;
    Long maxItems;
    Long minItems;
    boolean uniqueItems;
    Long maxProperties;
    Long minProperties;
    List<String> required = List.of();
    List<JsonNode> enumValues;
    JsonNode items;
    final Map<String, JsonNode> properties = new LinkedHashMap<>();
    JsonNode additionalProperties;
    List<JsonNode> allOf = List.of();
    List<JsonNode> anyOf = List.of();
    List<JsonNode> oneOf = List.of();
    JsonNode not;
    boolean preserveUnknownFields;
    boolean preserveUnknownFieldsFalse;
    boolean embedded;
    boolean intOrString;
    String listType;
    List<String> listMapKeys = List.of();
    String mapType;
    int validations;

    Raw(JsonNode json, FieldPath path, List<FieldError> errors) {
      this.json = json;
      this.path = path;
      this.errors = errors;
      read();
    }

    /**
     * A child schema. A null path reads it again without reporting anything (the completeness check re-reads nodes
     * whose problems the main walk reports).
     */
    Raw child(JsonNode child, FieldPath childPath) {
      if (childPath == null) {
        return new Raw(child.isObject() ? child : JsonNodeFactory.instance.objectNode(), FieldPath.of(""),
            new ArrayList<>());
      }
      if (!child.isObject()) {
        errors.add(FieldError.typeInvalid(childPath.toString(), child, "must be an object"));
        return new Raw(JsonNodeFactory.instance.objectNode(), childPath, errors);
      }
      return new Raw(child, childPath, errors);
    }

    private void read() {
      for (Map.Entry<String, JsonNode> e : json.properties()) {
        String k = e.getKey();
        JsonNode v = e.getValue();
        present.add(k);
        if (!KEYWORDS.contains(k)) {
          errors.add(FieldError.forbidden(path.child(k).toString(), "unknown schema keyword"));
          continue;
        }
        switch (k) {
          case "type" -> type = string(k, v);
          case "format" -> format = string(k, v);
          case "pattern" -> pattern = v.isNull() ? null : string(k, v);
          case "nullable" -> nullable = bool(k, v);
          case "default" -> hasDefault = !v.isNull();
          case "maximum" -> maximum = number(k, v);
          case "minimum" -> minimum = number(k, v);
          case "multipleOf" -> multipleOf = number(k, v);
          case "exclusiveMaximum" -> exclusiveMaximum = bool(k, v);
          case "exclusiveMinimum" -> exclusiveMinimum = bool(k, v);
          case "maxLength" -> maxLength = integer(k, v);
          case "minLength" -> minLength = integer(k, v);
          case "maxItems" -> maxItems = integer(k, v);
          case "minItems" -> minItems = integer(k, v);
          case "maxProperties" -> maxProperties = integer(k, v);
          case "minProperties" -> minProperties = integer(k, v);
          case "uniqueItems" -> uniqueItems = bool(k, v);
          case "required" -> required = strings(k, v);
          case "enum" -> enumValues = array(k, v);
          case "items" -> items = v.isObject() || v.isArray() ? v : invalid(k, v, "must be an object or an array");
          case "properties" -> {
            if (v.isObject()) {
              v.properties().forEach(p -> properties.put(p.getKey(), p.getValue()));
            } else if (!v.isNull()) {
              invalid(k, v, "must be an object");
            }
          }
          case "additionalProperties" -> additionalProperties =
              v.isObject() || v.isBoolean() ? v : invalid(k, v, "must be an object or a boolean");
          case "allOf" -> allOf = array(k, v);
          case "anyOf" -> anyOf = array(k, v);
          case "oneOf" -> oneOf = array(k, v);
          case "not" -> not = v.isObject() ? v : invalid(k, v, "must be an object");
          case "x-kubernetes-preserve-unknown-fields" -> {
            preserveUnknownFields = bool(k, v);
            preserveUnknownFieldsFalse = v.isBoolean() && !v.booleanValue();
          }
          case "x-kubernetes-embedded-resource" -> embedded = bool(k, v);
          case "x-kubernetes-int-or-string" -> intOrString = bool(k, v);
          case "x-kubernetes-list-type" -> listType = v.isNull() ? null : string(k, v);
          case "x-kubernetes-map-type" -> mapType = v.isNull() ? null : string(k, v);
          case "x-kubernetes-list-map-keys" -> listMapKeys = strings(k, v);
          case "x-kubernetes-validations" -> validations = array(k, v).size();
          case "title", "description", "$schema", "id", "$ref" -> string(k, v);
          default -> { } // example, externalDocs, definitions, ...: kept or refused elsewhere
        }
      }
      if (!hasDefault) {
        present.remove("default");
      }
    }

    private JsonNode invalid(String k, JsonNode v, String detail) {
      errors.add(FieldError.typeInvalid(path.child(k).toString(), v, detail));
      return null;
    }

    private String string(String k, JsonNode v) {
      if (v.isTextual()) {
        return v.textValue();
      }
      if (!v.isNull()) {
        invalid(k, v, "must be a string");
      }
      return "";
    }

    private boolean bool(String k, JsonNode v) {
      if (v.isBoolean()) {
        return v.booleanValue();
      }
      if (!v.isNull()) {
        invalid(k, v, "must be a boolean");
      }
      return false;
    }

    private Double number(String k, JsonNode v) {
      if (v.isNumber()) {
        return v.doubleValue();
      }
      if (!v.isNull()) {
        invalid(k, v, "must be a number");
      }
      return null;
    }

    private Long integer(String k, JsonNode v) {
      if (Json.isInteger(v)) {
        return v.longValue();
      }
      if (!v.isNull()) {
        invalid(k, v, "must be an integer");
      }
      return null;
    }

    private List<JsonNode> array(String k, JsonNode v) {
      if (v.isArray()) {
        List<JsonNode> out = new ArrayList<>(v.size());
        v.forEach(out::add);
        return out;
      }
      if (!v.isNull()) {
        invalid(k, v, "must be an array");
      }
      return k.equals("enum") ? null : List.of();
    }

    private List<String> strings(String k, JsonNode v) {
      List<String> out = new ArrayList<>();
      if (v.isArray()) {
        for (JsonNode n : v) {
          if (n.isTextual()) {
            out.add(n.textValue());
          } else {
            invalid(k, v, "must be an array of strings");
            return List.of();
          }
        }
      } else if (!v.isNull()) {
        invalid(k, v, "must be an array of strings");
      }
      return out;
    }
  }
}
