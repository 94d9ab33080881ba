package io.revisor.apiserver.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.revisor.apiserver.json.Json;
import io.revisor.apiserver.json.JsonDocument;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** Reading served documents back in tests. */
final class DocumentTrees {
  private DocumentTrees() {}

  static JsonNode tree(JsonDocument document) {
    try {
      return Json.MAPPER.readTree(document.bytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String text(JsonDocument document) {
    return new String(document.bytes(), StandardCharsets.UTF_8);
  }

  /** The field names of an object, in order. */
  static List<String> names(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  /** Every {@code $ref} value anywhere in the document. */
  static List<String> refs(JsonNode document) {
    List<String> refs = new ArrayList<>();
    walkObjects(document, node -> {
      if (node.get("$ref") != null && node.get("$ref").isTextual()) {
        refs.add(node.get("$ref").asText());
      }
    });
    return refs;
  }

  /** Calls {@code visitor} on every object node of the document, at any depth. */
  static void walkObjects(JsonNode node, Consumer<ObjectNode> visitor) {
    if (node instanceof ObjectNode object) {
      visitor.accept(object);
    }
    node.forEach(child -> walkObjects(child, visitor));
  }
}
