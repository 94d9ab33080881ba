package io.revisor.apiserver.auth;

/**
 * The certificate-based authentication settings in force at one moment. Either part may be absent (null): no client
 * certificate users, or no front proxy. Immutable; {@link DynamicAuthenticationConfig} swaps whole snapshots.
 *
 * @param clientCa CA of client certificate users, or null
 * @param requestHeader front-proxy settings, or null
 */
public record AuthenticationConfig(CaBundle clientCa, RequestHeaderConfig requestHeader) {
  public static final AuthenticationConfig NONE = new AuthenticationConfig(null, null);

  public AuthenticationConfig withClientCa(CaBundle ca) {
    return new AuthenticationConfig(ca, requestHeader);
  }

  public AuthenticationConfig withRequestHeader(RequestHeaderConfig config) {
    return new AuthenticationConfig(clientCa, config);
  }
}
