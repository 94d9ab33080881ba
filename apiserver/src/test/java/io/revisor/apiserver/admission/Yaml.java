package io.revisor.apiserver.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;

/** Test helper: schemas and objects written as YAML, the way CRD manifests are. */
final class Yaml {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final ObjectMapper JSON = new ObjectMapper();

  private Yaml() {}

  static JsonNode parse(String yaml) {
    try {
      return YAML.readTree(yaml);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static ObjectNode object(String yaml) {
    return (ObjectNode) parse(yaml);
  }

  static JsonNode json(String json) {
    try {
      return JSON.readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A root schema {@code {type: object, properties: {spec: <spec>}}}. */
  static JsonNode rootWithSpec(String specSchemaYaml) {
    ObjectNode root = object("type: object\nproperties: {}\n");
    ((ObjectNode) root.get("properties")).set("spec", parse(specSchemaYaml));
    return root;
  }

  /** A custom object with the given {@code spec} (YAML). */
  static ObjectNode objectWithSpec(String specYaml) {
    ObjectNode o = object("apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n");
    o.set("spec", parse(specYaml));
    return o;
  }
}
