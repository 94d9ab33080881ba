package io.revisor.apiserver.admission;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * One node of a compiled {@code openAPIV3Schema}: what kube-apiserver's structural schema and kube-openapi validator
 * hold, already checked by {@link SchemaCompiler}. Nodes under {@code allOf}/{@code anyOf}/{@code oneOf}/{@code not}
 * carry value validations only. Immutable (the default value is a private deep copy, copied again on use) and
 * thread-safe.
 */
final class SchemaNode {
  /** {@code type} as written, "" when absent. */
  final String type;
  /** The types the validator accepts: {@code [type]}, {@code [integer, string]} for int-or-string, or none. */
  final List<String> types;
  final boolean nullable;
  /** The format kube-apiserver keeps after stripping unsupported ones, "" for none. */
  final String format;
  /** The string format check, or null when the format does not apply to strings here. */
  final Predicate<String> formatCheck;
  final Double maximum;
  final boolean exclusiveMaximum;
  final Double minimum;
  final boolean exclusiveMinimum;
  final Double multipleOf;
  final Long maxLength;
  final Long minLength;
  final GoRegexp pattern;
  final Long maxItems;
  final Long minItems;
  final Long maxProperties;
  final Long minProperties;
  final List<String> required;
  /** The enumeration, or null when absent (an empty {@code enum} does not restrict either). */
  final List<JsonNode> enumValues;
  /** Declared properties in schema order. */
  final Map<String, SchemaNode> properties;
  /** Whether {@code additionalProperties} is present at all (true, false or a schema). */
  final boolean hasAdditionalProperties;
  /** False only for {@code additionalProperties: false}. */
  final boolean additionalPropertiesAllowed;
  /** The {@code additionalProperties} schema, or null. */
  final SchemaNode additionalProperties;
  final SchemaNode items;
  final List<SchemaNode> allOf;
  final List<SchemaNode> anyOf;
  final List<SchemaNode> oneOf;
  final SchemaNode not;
  private final JsonNode defaultValue;
  final boolean preserveUnknownFields;
  final boolean embeddedResource;
  final boolean intOrString;
  /** {@code x-kubernetes-list-type}, or null. */
  final String listType;
  final List<String> listMapKeys;

  private SchemaNode(Builder b) {
    this.type = b.type;
    this.types = b.intOrString ? List.of("integer", "string") : b.type.isEmpty() ? List.of() : List.of(b.type);
    this.nullable = b.nullable;
    this.format = b.format;
    this.formatCheck = b.formatCheck;
    this.maximum = b.maximum;
    this.exclusiveMaximum = b.exclusiveMaximum;
    this.minimum = b.minimum;
    this.exclusiveMinimum = b.exclusiveMinimum;
    this.multipleOf = b.multipleOf;
    this.maxLength = b.maxLength;
    this.minLength = b.minLength;
    this.pattern = b.pattern;
    this.maxItems = b.maxItems;
    this.minItems = b.minItems;
    this.maxProperties = b.maxProperties;
    this.minProperties = b.minProperties;
    this.required = List.copyOf(b.required);
    this.enumValues = b.enumValues == null ? null : List.copyOf(b.enumValues);
    this.properties = Collections.unmodifiableMap(new LinkedHashMap<>(b.properties));
    this.hasAdditionalProperties = b.hasAdditionalProperties;
    this.additionalPropertiesAllowed = b.additionalPropertiesAllowed;
    this.additionalProperties = b.additionalProperties;
    this.items = b.items;
    this.allOf = List.copyOf(b.allOf);
    this.anyOf = List.copyOf(b.anyOf);
    this.oneOf = List.copyOf(b.oneOf);
    this.not = b.not;
    this.defaultValue = b.defaultValue == null ? null : b.defaultValue.deepCopy();
    this.preserveUnknownFields = b.preserveUnknownFields;
    this.embeddedResource = b.embeddedResource;
    this.intOrString = b.intOrString;
    this.listType = b.listType;
    this.listMapKeys = List.copyOf(b.listMapKeys);
  }

  /** Whether the node has a (non-null) default. */
  boolean hasDefault() {
    return defaultValue != null;
  }

  /** A fresh deep copy of the default, or null. */
  JsonNode defaultCopy() {
    return defaultValue == null ? null : defaultValue.deepCopy();
  }

  /** The schema of a property or map value, as pruning and defaulting look it up; null when none applies. */
  SchemaNode fieldSchema(String name) {
    SchemaNode p = properties.get(name);
    return p != null ? p : additionalProperties;
  }

  /** Mutable collector used by {@link SchemaCompiler} only. */
  static final class Builder {
    String type = "";
    boolean nullable;
    String format = "";
    Predicate<String> formatCheck;
    Double maximum;
    boolean exclusiveMaximum;
    Double minimum;
    boolean exclusiveMinimum;
    Double multipleOf;
    Long maxLength;
    Long minLength;
    GoRegexp pattern;
    Long maxItems;
    Long minItems;
    Long maxProperties;
    Long minProperties;
    List<String> required = List.of();
    List<JsonNode> enumValues;
    Map<String, SchemaNode> properties = new LinkedHashMap<>();
    boolean hasAdditionalProperties;
    boolean additionalPropertiesAllowed = true;
    SchemaNode additionalProperties;
    SchemaNode items;
    List<SchemaNode> allOf = List.of();
    List<SchemaNode> anyOf = List.of();
    List<SchemaNode> oneOf = List.of();
    SchemaNode not;
    JsonNode defaultValue;
    boolean preserveUnknownFields;
    boolean embeddedResource;
    boolean intOrString;
    String listType;
    List<String> listMapKeys = List.of();

    SchemaNode build() {
      return new SchemaNode(this);
    }
  }
}
