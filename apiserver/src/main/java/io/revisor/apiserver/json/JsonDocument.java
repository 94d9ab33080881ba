package io.revisor.apiserver.json;

import com.fasterxml.jackson.databind.JsonNode;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;

/**
 * A JSON document serialized once, with the content type to answer it with and its entity tag, so that serving it
 * costs no serialization and no hashing. Immutable and thread-safe.
 *
 * <p>The hash is the upper-case hex SHA-512 of the bytes, the form kube-apiserver uses for aggregated discovery and
 * OpenAPI v3 (it appears bare in {@code ?hash=} links and quoted as the {@code ETag}).
 */
public final class JsonDocument {
  /** {@code application/json}. */
  public static final String APPLICATION_JSON = "application/json";

  private final byte[] bytes;
  private final String contentType;
  private final String hash;

  private JsonDocument(byte[] bytes, String contentType) {
    this.bytes = bytes;
    this.contentType = contentType;
    this.hash = sha512Hex(bytes);
  }

  /** Serializes {@code node} (compact, in the node's field order) as {@code application/json}. */
  public static JsonDocument of(JsonNode node) {
    return of(node, APPLICATION_JSON);
  }

  /** Serializes {@code node} (compact, in the node's field order), to be answered with {@code contentType}. */
  public static JsonDocument of(JsonNode node, String contentType) {
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(contentType, "contentType");
    return new JsonDocument(Json.bytes(node), contentType);
  }

  /**
   * The serialized document. This is the shared array, not a copy, so that a handler can wrap it once: callers must
   * not modify it.
   */
  public byte[] bytes() {
    return bytes;
  }

  /** The {@code Content-Type} to answer with. */
  public String contentType() {
    return contentType;
  }

  /** The upper-case hex SHA-512 of {@link #bytes()}, without quotes. */
  public String hash() {
    return hash;
  }

  /** The {@code ETag} header value: {@link #hash()} in double quotes. */
  public String etag() {
    return '"' + hash + '"';
  }

  /**
   * Whether an {@code If-None-Match} header value names this document, so that the answer is 304 Not Modified.
   * Accepts {@code *}, a comma-separated list, and weak tags ({@code W/"..."}, compared weakly as RFC 9110 requires
   * for this header). A null or empty header never matches.
   */
  public boolean matches(String ifNoneMatch) {
    if (ifNoneMatch == null || ifNoneMatch.isBlank()) {
      return false;
    }
    String mine = etag();
    for (String candidate : ifNoneMatch.split(",")) {
      String tag = candidate.trim();
      if (tag.equals("*")) {
        return true;
      }
      if (tag.startsWith("W/")) {
        tag = tag.substring(2);
      }
      if (tag.equals(mine)) {
        return true;
      }
    }
    return false;
  }

  /** A short description for logs (not the document: it may be large). */
  @Override
  public String toString() {
    return "JsonDocument[" + contentType + ", " + bytes.length + " bytes, ETag " + etag() + "]";
  }

  private static String sha512Hex(byte[] data) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-512").digest(data)).toUpperCase(Locale.ROOT);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime provides SHA-512", e);
    }
  }
}
