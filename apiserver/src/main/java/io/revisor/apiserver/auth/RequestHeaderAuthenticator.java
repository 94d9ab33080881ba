package io.revisor.apiserver.auth;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpServerRequest;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The front proxy (kube-apiserver's aggregator): a request whose TLS client certificate chains to the requestheader
 * CA, with an allowed common name, is from the user its headers name. Headers from any other client are never
 * trusted; {@link AuthenticationFilter} removes them from every request.
 *
 * <p>Outcomes, as upstream's {@code x509request} verifier and {@code requestheader} authenticator: no client
 * certificate, or no front proxy configured: none. A certificate that does not verify, or whose CN is not allowed:
 * rejected (a later authenticator may still accept it, e.g. as a client-CA user). A verified proxy certificate with
 * no user name header: none.
 */
public final class RequestHeaderAuthenticator implements Authenticator {
  private final Supplier<AuthenticationConfig> config;

  public RequestHeaderAuthenticator(Supplier<AuthenticationConfig> config) {
    this.config = config;
  }

  @Override
  public Future<Result> authenticate(HttpServerRequest request) {
    RequestHeaderConfig settings = config.get().requestHeader();
    if (settings == null) {
      return Authenticator.none();
    }
    CertificateChains.Verification verification = CertificateChains.verify(request, settings.ca());
    if (verification == null) {
      return Authenticator.none();
    }
    if (!verification.trusted()) {
      return Authenticator.rejected("front proxy: " + verification.error());
    }
    String commonName = CertificateChains.commonName(verification.leaf());
    if (!settings.allowedNames().isEmpty() && !settings.allowedNames().contains(commonName)) {
      return Authenticator.rejected("front proxy: x509: subject with cn=" + commonName + " is not in the allowed list");
    }
    MultiMap headers = request.headers();
    String name = first(headers, settings.usernameHeaders());
    if (name.isEmpty()) {
      return Authenticator.none();
    }
    return Authenticator.user(UserInfo.authenticated(name, first(headers, settings.uidHeaders()),
        all(headers, settings.groupHeaders()), extra(headers, settings.extraHeaderPrefixes())));
  }

  /** Removes every header the front proxy could have set, so that nothing downstream can read a forged one. */
  public static void stripHeaders(MultiMap headers, RequestHeaderConfig settings) {
    if (settings == null) {
      return;
    }
    settings.usernameHeaders().forEach(headers::remove);
    settings.uidHeaders().forEach(headers::remove);
    settings.groupHeaders().forEach(headers::remove);
    removePrefixed(headers, settings.extraHeaderPrefixes());
  }

  /** Removes every header whose name starts with one of {@code prefixes} (case-insensitive). */
  static void removePrefixed(MultiMap headers, List<String> prefixes) {
    List<String> names = new ArrayList<>();
    for (String name : headers.names()) {
      if (prefixes.stream().anyMatch(prefix -> name.regionMatches(true, 0, prefix, 0, prefix.length()))) {
        names.add(name);
      }
    }
    names.forEach(headers::remove);
  }

  private static String first(MultiMap headers, List<String> names) {
    for (String name : names) {
      for (String value : headers.getAll(name)) {
        if (!value.isBlank()) {
          return value;
        }
      }
    }
    return "";
  }

  private static List<String> all(MultiMap headers, List<String> names) {
    List<String> values = new ArrayList<>();
    for (String name : names) {
      for (String value : headers.getAll(name)) {
        if (!value.isBlank()) {
          values.add(value);
        }
      }
    }
    return values;
  }

  /**
   * Extra attributes: for every prefix, the rest of each header's name with it, lower-cased and URL-path-unescaped
   * (kept as it is when the escape is malformed), is the key.
   */
  static Map<String, List<String>> extra(MultiMap headers, List<String> prefixes) {
    Map<String, List<String>> extra = new LinkedHashMap<>();
    for (String prefix : prefixes) {
      for (Map.Entry<String, String> header : headers) {
        if (!header.getKey().regionMatches(true, 0, prefix, 0, prefix.length())) {
          continue;
        }
        String raw = header.getKey().substring(prefix.length()).toLowerCase(Locale.ROOT);
        String key = unescape(raw);
        key = key == null ? raw : key;
        if (!key.isEmpty()) {
          extra.computeIfAbsent(key, k -> new ArrayList<>()).add(header.getValue());
        }
      }
    }
    return extra;
  }

  /** Go's {@code url.PathUnescape}: %XX escapes only ('+' stays); null when an escape is malformed. */
  private static String unescape(String key) {
    try {
      return URLDecoder.decode(key.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
