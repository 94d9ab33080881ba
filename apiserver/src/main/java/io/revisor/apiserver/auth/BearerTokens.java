package io.revisor.apiserver.auth;

import io.vertx.core.http.HttpServerRequest;

/** Reading a bearer token from the {@code Authorization} header. */
final class BearerTokens {
  private BearerTokens() {}

  /** The token, or null when the request has no bearer credential. */
  static String of(HttpServerRequest request) {
    String header = request.getHeader("Authorization");
    if (header == null || header.length() < 7 || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return null;
    }
    String token = header.substring(7).strip();
    return token.isEmpty() ? null : token;
  }
}
