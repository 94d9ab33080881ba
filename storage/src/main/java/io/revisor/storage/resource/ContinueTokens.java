package io.revisor.storage.resource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Opaque continue tokens: {@code base64url(payload) "." base64url(mac)}, where the payload is
 * {@code {"k":kind,"rv":revision,"start":key}} and the MAC is HMAC-SHA256 under a key shared by every replica
 * through the store itself. A token that was altered, cut, or made for another kind of listing is rejected, and so
 * is any start key that would leave the listed scope; the API layer turns those into 400.
 */
final class ContinueTokens {
  enum Kind {
    LIST,
    HISTORY,
    TRASH
  }

  /** A decoded token: where the next page starts, at which revision. */
  record Position(long revision, String start) {}

  private static final int MAC_BYTES = 16;
  private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

  private final SecretKeySpec key;

  ContinueTokens(byte[] secret) {
    this.key = new SecretKeySpec(secret, "HmacSHA256");
  }

  String encode(Kind kind, long revision, String start) {
    ObjectNode payload = ObjectJson.mapper().createObjectNode();
    payload.put("k", kind.name().toLowerCase(java.util.Locale.ROOT));
    payload.put("rv", revision);
    payload.put("start", start);
    byte[] bytes = payload.toString().getBytes(StandardCharsets.UTF_8);
    return ENCODER.encodeToString(bytes) + "." + ENCODER.encodeToString(mac(bytes));
  }

  /**
   * Decodes and verifies a token.
   *
   * @param scope every start key of this listing begins with it (e.g. {@code ns/} for one namespace; empty for all)
   * @throws StorageException INVALID with a message starting {@code invalid continue token}
   */
  Position decode(Kind kind, String token, String scope) {
    int dot = token.indexOf('.');
    if (dot <= 0 || dot != token.lastIndexOf('.')) {
      throw invalid("malformed");
    }
    byte[] payload;
    byte[] mac;
    try {
      payload = DECODER.decode(token.substring(0, dot));
      mac = DECODER.decode(token.substring(dot + 1));
    } catch (IllegalArgumentException e) {
      throw invalid("not base64url");
    }
    if (!MessageDigest.isEqual(mac, mac(payload))) {
      throw invalid("signature mismatch (tampered, or issued by another installation)");
    }
    JsonNode node;
    try {
      node = ObjectJson.mapper().readTree(payload);
    } catch (IOException e) {
      throw invalid("undecodable payload");
    }
    if (!kind.name().toLowerCase(java.util.Locale.ROOT).equals(node.path("k").asText())) {
      throw invalid("issued for another kind of listing");
    }
    long revision = node.path("rv").asLong(-1);
    String start = node.path("start").isTextual() ? node.path("start").asText() : null;
    if (revision <= 0 || start == null) {
      throw invalid("missing revision or start");
    }
    if (!start.startsWith(scope)) {
      throw invalid("issued for another namespace");
    }
    for (String segment : start.split("/", -1)) {
      if (segment.equals("..") || segment.equals(".")) {
        throw invalid("path traversal");
      }
    }
    return new Position(revision, start);
  }

  private static StorageException invalid(String why) {
    return StorageException.invalid("invalid continue token: " + why);
  }

  private byte[] mac(byte[] payload) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      return Arrays.copyOf(mac.doFinal(payload), MAC_BYTES);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }
}
