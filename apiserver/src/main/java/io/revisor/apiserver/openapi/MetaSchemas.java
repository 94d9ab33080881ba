package io.revisor.apiserver.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.revisor.apiserver.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The {@code meta/v1} definitions every custom resource document refers to (ObjectMeta and what it uses, ListMeta,
 * Status, DeleteOptions, Patch, WatchEvent), kept in {@code meta-v1.json} in the v3 form and converted to v2 here:
 * {@code allOf}-wrapped references become plain {@code $ref}s with siblings and defaults are dropped, as upstream
 * publishes them.
 */
final class MetaSchemas {
  private static final String RESOURCE = "/io/revisor/apiserver/openapi/meta-v1.json";
  private static final ObjectNode V3 = load();
  private static final ObjectNode V2 = toV2(V3);

  private MetaSchemas() {}

  /** A fresh copy of the definitions, keyed by definition name, sorted by name. */
  static ObjectNode definitions(Dialect dialect) {
    return (dialect == Dialect.V3 ? V3 : V2).deepCopy();
  }

  private static ObjectNode load() {
    try (InputStream in = MetaSchemas.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("bundled resource missing: " + RESOURCE);
      }
      return (ObjectNode) Json.MAPPER.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static ObjectNode toV2(ObjectNode v3) {
    ObjectNode v2 = v3.deepCopy();
    for (Map.Entry<String, JsonNode> definition : v2.properties()) {
      SchemaTree.walk(definition.getValue(), MetaSchemas::unwrapRef);
    }
    return v2;
  }

  private static void unwrapRef(ObjectNode node) {
    node.remove("default");
    JsonNode allOf = node.get("allOf");
    if (allOf != null && allOf.size() == 1 && allOf.get(0).size() == 1 && allOf.get(0).has("$ref")) {
      String target = allOf.get(0).get("$ref").asText();
      node.remove("allOf");
      node.put("$ref", Dialect.V2.ref(target.substring(Dialect.V3.refPrefix().length())));
    }
  }
}
