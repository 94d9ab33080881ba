package io.revisor.apiserver.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Walks JSON Schema trees by their schema-valued keywords only ({@code properties}, {@code items}, {@code
 * additionalProperties}, {@code allOf}, {@code anyOf}, {@code oneOf}, {@code not}), so that a property that happens
 * to be called {@code default} or {@code $ref} is never mistaken for the keyword.
 */
final class SchemaTree {
  private SchemaTree() {}

  /**
   * Calls {@code visitor} on {@code schema} and then on every sub-schema, parents first. The visitor may change the
   * node it is given, including removing sub-schemas, which are then not visited.
   */
  static void walk(JsonNode schema, Consumer<ObjectNode> visitor) {
    if (!(schema instanceof ObjectNode node)) {
      return;
    }
    visitor.accept(node);
    for (JsonNode child : children(node)) {
      walk(child, visitor);
    }
  }

  /** The direct sub-schemas of {@code node}, as they are now. */
  static List<JsonNode> children(ObjectNode node) {
    List<JsonNode> children = new ArrayList<>();
    JsonNode properties = node.get("properties");
    if (properties instanceof ObjectNode) {
      properties.forEach(children::add);
    }
    JsonNode items = node.get("items");
    if (items instanceof ArrayNode) {
      items.forEach(children::add);
    } else if (items instanceof ObjectNode) {
      children.add(items);
    }
    JsonNode additional = node.get("additionalProperties");
    if (additional instanceof ObjectNode) {
      children.add(additional);
    }
    for (String junctor : List.of("allOf", "anyOf", "oneOf")) {
      JsonNode list = node.get(junctor);
      if (list instanceof ArrayNode) {
        list.forEach(children::add);
      }
    }
    JsonNode not = node.get("not");
    if (not instanceof ObjectNode) {
      children.add(not);
    }
    return children;
  }
}
