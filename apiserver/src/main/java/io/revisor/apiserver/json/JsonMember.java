package io.revisor.apiserver.json;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.ByteArrayOutputStream;
import java.io.IOException;

/**
 * Where the value of one top-level member of a serialized JSON object lies in its bytes, found by Jackson's streaming
 * parser: nothing is decoded into a tree, nested values are skipped token by token, and the scan stops at the member.
 * Stored objects begin with {@code apiVersion}, {@code kind} and {@code metadata}, so finding those reads little more
 * than the bytes before them.
 *
 * @param start the offset of the value's first byte (the opening quote of a string, the brace of an object)
 * @param end the offset just after the value's last byte
 * @param text the value when it is a string, else null
 */
public record JsonMember(int start, int end, String text) {
  /**
   * The value of top-level member {@code name} of the object {@code json}.
   *
   * @return the member, or null when the object has none
   * @throws IOException when {@code json} is not a JSON object (as far as the scan reads it), or when the member's
   *     value is not a string, an object or an array (other values cannot be located)
   */
  public static JsonMember find(byte[] json, String name) throws IOException {
    try (JsonParser parser = Json.MAPPER.createParser(json)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        throw new IOException("not a JSON object");
      }
      JsonToken token;
      while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
        boolean found = name.equals(parser.currentName());
        JsonToken value = parser.nextToken();
        if (found) {
          return at(json, parser, value);
        }
        parser.skipChildren();
      }
      if (token != JsonToken.END_OBJECT) {
        throw new IOException("not a JSON object");
      }
      return null;
    }
  }

  private static JsonMember at(byte[] json, JsonParser parser, JsonToken value) throws IOException {
    int start = (int) parser.currentTokenLocation().getByteOffset();
    // Reading the text (or skipping the children) moves the parser just past the value's last byte.
    String text = value == JsonToken.VALUE_STRING ? parser.getText() : null;
    parser.skipChildren();
    int end = (int) parser.currentLocation().getByteOffset();
    String delimiters = switch (value) {
      case VALUE_STRING -> "\"\"";
      case START_OBJECT -> "{}";
      case START_ARRAY -> "[]";
      default -> throw new IOException("a " + value + " member cannot be located");
    };
    // The offsets come from the parser's bookkeeping: check them against the bytes before anyone splices at them.
    if (start < 0 || end > json.length || end - start < 2
        || json[start] != delimiters.charAt(0) || json[end - 1] != delimiters.charAt(1)) {
      throw new IOException("cannot locate the value of a " + value + " member");
    }
    return new JsonMember(start, end, text);
  }

  /** Whether the value is a JSON string. */
  public boolean isString() {
    return text != null;
  }

  /** {@code json} with this member's value replaced by {@code value} (serialized JSON); {@code json} is unchanged. */
  public byte[] replace(byte[] json, byte[] value) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(json.length - (end - start) + value.length);
    out.write(json, 0, start);
    out.writeBytes(value);
    out.write(json, end, json.length - end);
    return out.toByteArray();
  }
}
