package io.revisor.apiserver.auth;

import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpServerRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Reading a bearer token: from the {@code Authorization} header, or, for WebSocket requests from clients that cannot
 * set headers (browsers), from the {@code base64url.bearer.authorization.k8s.io.<token>} subprotocol, as kube's
 * WebSocket protocol authenticator reads it.
 */
final class BearerTokens {
  static final String WEBSOCKET_PROTOCOL_HEADER = "Sec-WebSocket-Protocol";
  static final String WEBSOCKET_PROTOCOL_PREFIX = "base64url.bearer.authorization.k8s.io.";

  private BearerTokens() {}

  /** The token, or null when the request has no bearer credential. */
  static String of(HttpServerRequest request) {
    String header = request.getHeader("Authorization");
    if (header != null && header.length() >= 7 && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      String token = header.substring(7).strip();
      return token.isEmpty() ? null : token;
    }
    return fromWebSocketProtocol(request.headers());
  }

  private static String fromWebSocketProtocol(MultiMap headers) {
    for (String protocol : protocols(headers)) {
      if (protocol.startsWith(WEBSOCKET_PROTOCOL_PREFIX)) {
        try {
          String token = new String(Base64.getUrlDecoder().decode(protocol.substring(WEBSOCKET_PROTOCOL_PREFIX.length())),
              StandardCharsets.UTF_8);
          return token.isEmpty() ? null : token;
        } catch (IllegalArgumentException e) {
          return "";  // malformed: a credential that no authenticator accepts
        }
      }
    }
    return null;
  }

  /** Removes the bearer subprotocol, so that it is neither echoed nor read downstream. */
  static void stripWebSocketProtocol(MultiMap headers) {
    List<String> protocols = protocols(headers);
    if (protocols.stream().noneMatch(p -> p.startsWith(WEBSOCKET_PROTOCOL_PREFIX))) {
      return;
    }
    List<String> kept = protocols.stream().filter(p -> !p.startsWith(WEBSOCKET_PROTOCOL_PREFIX)).toList();
    headers.remove(WEBSOCKET_PROTOCOL_HEADER);
    if (!kept.isEmpty()) {
      headers.set(WEBSOCKET_PROTOCOL_HEADER, String.join(", ", kept));
    }
  }

  private static List<String> protocols(MultiMap headers) {
    List<String> protocols = new ArrayList<>();
    for (String value : headers.getAll(WEBSOCKET_PROTOCOL_HEADER)) {
      for (String protocol : value.split(",")) {
        if (!protocol.isBlank()) {
          protocols.add(protocol.strip());
        }
      }
    }
    return protocols;
  }
}
