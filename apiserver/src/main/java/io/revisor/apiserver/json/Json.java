package io.revisor.apiserver.json;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The server's JSON and YAML mappers, configured once.
 *
 * <p>Numbers keep their exact form ({@code BigDecimal} for fractions) so that a round trip through the server never
 * changes a value; duplicate keys are detected so that {@code fieldValidation=Strict} can report them. Both mappers
 * are thread-safe.
 */
public final class Json {
  /** The JSON mapper. */
  public static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .nodeFactory(JsonNodeFactory.withExactBigDecimals(true))
          .build();

  /** Like {@link #MAPPER}, but a duplicate key in an object is an error. */
  private static final ObjectMapper STRICT =
      JsonMapper.builder()
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .nodeFactory(JsonNodeFactory.withExactBigDecimals(true))
          .build();

  /** The YAML mapper (for definitions on disk and {@code application/apply-patch+yaml} bodies). */
  public static final ObjectMapper YAML =
      YAMLMapper.builder(new YAMLFactory())
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .nodeFactory(JsonNodeFactory.withExactBigDecimals(true))
          .build();

  private Json() {}

  /** Parses a JSON document; malformed input throws {@link IOException}. Of duplicate keys the last wins. */
  public static JsonNode parse(byte[] json) throws IOException {
    return parse(MAPPER, json);
  }

  /**
   * Parses a JSON document like {@link #parse}, but a duplicate key throws a {@link
   * com.fasterxml.jackson.core.JsonParseException} whose message starts with {@code Duplicate field}.
   */
  public static JsonNode parseStrict(byte[] json) throws IOException {
    return parse(STRICT, json);
  }

  private static JsonNode parse(ObjectMapper mapper, byte[] json) throws IOException {
    try (JsonParser parser = mapper.createParser(json)) {
      JsonNode node = mapper.readTree(parser);
      if (node == null) {
        throw new IOException("empty document");
      }
      if (parser.nextToken() != null) {
        throw new IOException("unexpected data after the JSON value");
      }
      return node;
    }
  }

  /** Serializes a tree; cannot fail for trees built by the mappers. */
  public static byte[] bytes(JsonNode node) {
    try {
      return MAPPER.writeValueAsBytes(node);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A new empty object node. */
  public static ObjectNode object() {
    return MAPPER.createObjectNode();
  }
}
