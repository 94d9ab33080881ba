package io.revisor.storage.resource;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.revisor.storage.selection.ObjectAttributes;
import io.revisor.storage.selection.ObjectPredicate;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * The little the store knows about an object's JSON: its metadata fields, and how to strip and fill in
 * {@code metadata.resourceVersion}. Thread-safe.
 */
final class ObjectJson {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final JsonFactory FACTORY = MAPPER.getFactory();
  /** Rejects duplicate keys, which {@link #normalize} leaves to the tree. */
  private static final JsonFactory STRICT_FACTORY =
      JsonFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

  private ObjectJson() {}

  /**
   * Parses a JSON object written by a client and returns its storage form: compact, without
   * {@code metadata.resourceVersion}.
   *
   * <p>Streams the object from parser to generator, which costs a fraction of building a tree and writing it again
   * (every write goes through here). Input that the stream does not take (invalid JSON, or a duplicate key, where the
   * last value wins) goes through the tree, which reports the error or keeps the last value.
   *
   * @throws StorageException INVALID when it is not a JSON object, or names another object than {@code key}
   */
  static byte[] normalize(ObjectKey key, byte[] json) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(json.length);
    try (JsonParser p = STRICT_FACTORY.createParser(json); JsonGenerator g = FACTORY.createGenerator(out)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return normalizeTree(key, json);
      }
      Identity identity = Identity.NONE;
      g.writeStartObject();
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken value = p.nextToken();
        g.writeFieldName(field);
        if (field.equals("metadata")) {
          if (value != JsonToken.START_OBJECT) {
            return normalizeTree(key, json);
          }
          identity = copyMetadata(p, g);
        } else {
          g.copyCurrentStructure(p);
        }
      }
      g.writeEndObject();
      // Checked once the whole object is read: a duplicate key anywhere sends it to the tree, where the last wins.
      checkMatches("metadata.name", identity.name(), key.name());
      if (key.type().namespaced()) {
        checkMatches("metadata.namespace", identity.namespace(), key.namespace());
      }
    } catch (IOException e) {
      return normalizeTree(key, json);
    }
    return out.toByteArray();
  }

  /** An object's name and namespace as {@link #text} gives them: null when absent or null. */
  private record Identity(String name, String namespace) {
    static final Identity NONE = new Identity(null, null);
  }

  /** Copies {@code metadata} (the parser is on its start) without resourceVersion; returns its name and namespace. */
  private static Identity copyMetadata(JsonParser p, JsonGenerator g) throws IOException {
    String name = null;
    String namespace = null;
    g.writeStartObject();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken value = p.nextToken();
      if (field.equals("resourceVersion")) {
        p.skipChildren();
        continue;
      }
      if (field.equals("name")) {
        name = text(p, value);
      } else if (field.equals("namespace")) {
        namespace = text(p, value);
      }
      g.writeFieldName(field);
      g.copyCurrentStructure(p);
    }
    g.writeEndObject();
    return new Identity(name, namespace);
  }

  /** The value the parser is on as {@link JsonNode#asText()} gives it (empty for containers); null for null. */
  private static String text(JsonParser p, JsonToken value) throws IOException {
    if (value == JsonToken.VALUE_NULL) {
      return null;
    }
    return value.isScalarValue() ? p.getText() : "";
  }

  /** {@link #normalize} through a tree; package-private for the tests that compare both ways. */
  static byte[] normalizeTree(ObjectKey key, byte[] json) {
    ObjectNode root = parseObject(json);
    JsonNode metadata = root.get("metadata");
    if (metadata != null && !metadata.isObject()) {
      throw StorageException.invalid("metadata must be a JSON object");
    }
    if (metadata instanceof ObjectNode meta) {
      meta.remove("resourceVersion");
      checkMatches("metadata.name", meta.get("name"), key.name());
      if (key.type().namespaced()) {
        checkMatches("metadata.namespace", meta.get("namespace"), key.namespace());
      }
    }
    try {
      return MAPPER.writeValueAsBytes(root);
    } catch (IOException e) {
      throw StorageException.internal("cannot serialize object", e);
    }
  }

  private static void checkMatches(String field, JsonNode value, String expected) {
    checkMatches(field, value == null || value.isNull() ? null : value.asText(), expected);
  }

  /** @param value the field's text, null when absent or null */
  private static void checkMatches(String field, String value, String expected) {
    if (value != null && !expected.equals(value)) {
      throw StorageException.invalid(field + " \"" + value + "\" does not match the key \"" + expected + "\"");
    }
  }

  static ObjectNode parseObject(byte[] json) {
    JsonNode node;
    try {
      node = MAPPER.readTree(json);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw StorageException.invalid("object is not valid JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw StorageException.invalid("object is not valid JSON: " + e.getMessage());
    }
    if (!(node instanceof ObjectNode object)) {
      throw StorageException.invalid("object must be a JSON object");
    }
    return object;
  }

  /**
   * Returns {@code body} with {@code metadata.resourceVersion} set to {@code revision}. The body is in storage form
   * (no resourceVersion), so the field is spliced in after the opening brace of {@code metadata} without rebuilding
   * the object: a streaming scan finds it, usually within the first few bytes.
   */
  static byte[] withResourceVersion(byte[] body, long revision) {
    return resourceVersionSplice(body, revision).apply(body);
  }

  /**
   * Bytes inserted into a body at one offset: {@link #apply} gives the JSON with them, {@link #undo} the body back from
   * that JSON, exactly.
   *
   * @param at the offset in the body
   * @param insert what is inserted there
   */
  record Splice(int at, byte[] insert) {
    byte[] apply(byte[] body) {
      byte[] out = new byte[body.length + insert.length];
      System.arraycopy(body, 0, out, 0, at);
      System.arraycopy(insert, 0, out, at, insert.length);
      System.arraycopy(body, at, out, at + insert.length, body.length - at);
      return out;
    }

    /** The body of {@code json} made by {@link #apply}, given the offset and length of what was inserted. */
    static byte[] undo(byte[] json, int at, int length) {
      byte[] body = new byte[json.length - length];
      System.arraycopy(json, 0, body, 0, at);
      System.arraycopy(json, at + length, body, at, body.length - at);
      return body;
    }
  }

  /** Where and what {@link #withResourceVersion} inserts into {@code body}. */
  static Splice resourceVersionSplice(byte[] body, long revision) {
    String field = resourceVersionField(revision);
    try (JsonParser p = FACTORY.createParser(body)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw StorageException.internal("stored object is not a JSON object", null);
      }
      long topLevelBrace = p.currentTokenLocation().getByteOffset();
      JsonToken t;
      while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken value = p.nextToken();
        if (name.equals("metadata") && value == JsonToken.START_OBJECT) {
          long brace = p.currentTokenLocation().getByteOffset();
          boolean empty = p.nextToken() == JsonToken.END_OBJECT;
          return new Splice((int) brace + 1, utf8(empty ? field : field + ","));
        }
        p.skipChildren();
      }
      if (t != JsonToken.END_OBJECT) {
        throw StorageException.internal("stored object is not a JSON object", null);
      }
      String metadata = "\"metadata\":{" + field + "}";
      boolean emptyObject = body.length <= topLevelBrace + 2;
      return new Splice((int) topLevelBrace + 1, utf8(emptyObject ? metadata : metadata + ","));
    } catch (IOException e) {
      throw StorageException.internal("stored object cannot be parsed: " + e.getMessage(), e);
    }
  }

  /** The {@code metadata.resourceVersion} field {@link #withResourceVersion} inserts, without separators. */
  static String resourceVersionField(long revision) {
    return "\"resourceVersion\":\"" + revision + "\"";
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** What selectors need of an object in storage form. */
  static ObjectAttributes attributes(ObjectKey key, byte[] body, ObjectPredicate predicate) {
    return attributes(key, body, predicate.fieldPaths());
  }

  /** What selectors need of an object in storage form, with the values of {@code fieldPaths}. */
  static ObjectAttributes attributes(ObjectKey key, byte[] body, Set<String> fieldPaths) {
    ObjectNode root = parseObject(body);
    JsonNode metadata = root.path("metadata");
    Map<String, String> labels = new HashMap<>();
    JsonNode labelNode = metadata.path("labels");
    for (Iterator<Map.Entry<String, JsonNode>> it = labelNode.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      labels.put(e.getKey(), e.getValue().asText());
    }
    Map<String, String> fields = new HashMap<>();
    fields.put("metadata.name", key.name());
    fields.put("metadata.namespace", key.namespace());
    for (String path : fieldPaths) {
      JsonNode node = root;
      for (String part : path.split("\\.")) {
        node = node.path(part);
      }
      if (node.isValueNode()) {
        fields.put(path, node.asText());
      }
    }
    return new ObjectAttributes(key.name(), key.namespace(), labels, fields);
  }

  static boolean matches(ObjectKey key, byte[] body, ObjectPredicate predicate) {
    return predicate.isEverything() || predicate.matches(attributes(key, body, predicate));
  }

  /** {@code metadata.uid}, or null. */
  static String uid(byte[] body) {
    JsonNode uid = parseObject(body).path("metadata").get("uid");
    return uid == null || uid.isNull() ? null : uid.asText();
  }

  /** A minimal object naming {@code key}, for a deletion whose last state the backend no longer has. */
  static byte[] stub(ObjectKey key) {
    ObjectNode root = MAPPER.createObjectNode();
    ObjectNode metadata = root.putObject("metadata");
    metadata.put("name", key.name());
    if (!key.namespace().isEmpty()) {
      metadata.put("namespace", key.namespace());
    }
    try {
      return MAPPER.writeValueAsBytes(root);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static ObjectMapper mapper() {
    return MAPPER;
  }
}
