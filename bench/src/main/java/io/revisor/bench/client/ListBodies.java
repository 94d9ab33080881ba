package io.revisor.bench.client;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * What the benchmark reads from Revisor's answers. Lists are read cheaply (the client's own parsing would otherwise
 * be part of what a list measures): the list's {@code metadata}, which the server writes last, is parsed from the
 * end of the body. {@link #fullList} parses everything, to check once per list variant that the cheap reading agrees.
 */
public final class ListBodies {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final byte[] METADATA = "\"metadata\":".getBytes(StandardCharsets.US_ASCII);

  private ListBodies() {}

  /**
   * A list's metadata.
   *
   * @param continueToken null on the last page
   * @param items the number of items, or -1 when not counted
   */
  public record ListMeta(String resourceVersion, String continueToken, int items) {}

  /** The list metadata, read from the last {@code "metadata":} of the body (the list's own, written last). */
  public static ListMeta tail(byte[] body) {
    int at = lastIndexOf(body, METADATA);
    if (at < 0) {
      int shown = Math.min(body.length, 300);
      throw new IllegalStateException("no metadata in the list: " + body.length + " bytes"
          + (body.length == 0 ? "" : ", beginning " + new String(body, 0, shown, StandardCharsets.UTF_8)
              + (shown < body.length ? "..." : "")));
    }
    try (JsonParser p = MAPPER.createParser(body, at + METADATA.length, body.length - at - METADATA.length)) {
      return meta(MAPPER.readTree(p), -1);
    } catch (IOException e) {
      throw new UncheckedIOException("unreadable list metadata", e);
    }
  }

  /** The list metadata and the item count, parsing the whole body. */
  public static ListMeta fullList(byte[] body) {
    try {
      JsonNode list = MAPPER.readTree(body);
      return meta(list.path("metadata"), list.path("items").size());
    } catch (IOException e) {
      throw new UncheckedIOException("unreadable list", e);
    }
  }

  private static ListMeta meta(JsonNode metadata, int items) {
    String token = metadata.path("continue").asText("");
    return new ListMeta(metadata.path("resourceVersion").asText(), token.isEmpty() ? null : token, items);
  }

  /** {@code metadata.resourceVersion} of an object, read up to that field only. */
  public static String resourceVersion(byte[] object) {
    return field(object, "resourceVersion");
  }

  /**
   * A watch event's type and its object's {@code metadata.name} and {@code metadata.resourceVersion}, read up to
   * those fields only.
   *
   * @return {@code {type, name, resourceVersion}}; name and resourceVersion are null when the object has none (an
   *     ERROR's Status)
   */
  public static String[] event(byte[] line) {
    try {
      try (JsonParser p = MAPPER.createParser(line)) {
        expect(p.nextToken(), JsonToken.START_OBJECT);
        String type = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String field = p.currentName();
          JsonToken value = p.nextToken();
          if (field.equals("type")) {
            type = p.getText();
          } else if (field.equals("object") && value == JsonToken.START_OBJECT && type != null) {
            return metadataFields(p, type);
          } else {
            p.skipChildren();
          }
        }
      }
      // The type came after the object (Revisor writes it first): read the whole event.
      JsonNode event = MAPPER.readTree(line);
      JsonNode metadata = event.path("object").path("metadata");
      return new String[] {event.path("type").asText(null), metadata.path("name").asText(null),
          metadata.path("resourceVersion").asText(null)};
    } catch (IOException e) {
      throw new UncheckedIOException("unreadable watch event", e);
    }
  }

  private static String field(byte[] object, String name) {
    try (JsonParser p = MAPPER.createParser(object)) {
      expect(p.nextToken(), JsonToken.START_OBJECT);
      return metadataField(p, name);
    } catch (IOException e) {
      throw new UncheckedIOException("unreadable object", e);
    }
  }

  /**
   * With {@code p} at an object's start, the value of {@code metadata.<name>}; reads no further than that field.
   * Returns null when it is absent (then the parser is past the object's end).
   */
  private static String metadataField(JsonParser p, String name) throws IOException {
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken value = p.nextToken();
      if (field.equals("metadata") && value == JsonToken.START_OBJECT) {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String inner = p.currentName();
          p.nextToken();
          if (inner.equals(name)) {
            return p.getText();
          }
          p.skipChildren();
        }
      } else {
        p.skipChildren();
      }
    }
    return null;
  }

  /**
   * With {@code p} at an event's object's start: {@code {type, metadata.name, metadata.resourceVersion}}, reading no
   * further than the later of the two fields.
   */
  private static String[] metadataFields(JsonParser p, String type) throws IOException {
    String[] event = {type, null, null};
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken value = p.nextToken();
      if (!field.equals("metadata") || value != JsonToken.START_OBJECT) {
        p.skipChildren();
        continue;
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String inner = p.currentName();
        p.nextToken();
        if (inner.equals("name")) {
          event[1] = p.getText();
        } else if (inner.equals("resourceVersion")) {
          event[2] = p.getText();
        } else {
          p.skipChildren();
        }
        if (event[1] != null && event[2] != null) {
          return event;
        }
      }
      return event;
    }
    return event;
  }

  private static void expect(JsonToken actual, JsonToken expected) throws IOException {
    if (actual != expected) {
      throw new IOException("expected " + expected + ", found " + actual);
    }
  }

  static int lastIndexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = haystack.length - needle.length; i >= 0; i--) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
