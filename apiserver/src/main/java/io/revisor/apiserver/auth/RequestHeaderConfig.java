package io.revisor.apiserver.auth;

import java.util.List;
import java.util.Objects;

/**
 * Who may act as a front proxy (kube-apiserver's aggregator) and where it puts the user: from the
 * {@code --requestheader-*} flags or the {@code extension-apiserver-authentication} ConfigMap.
 *
 * @param ca the CA the proxy's client certificate must chain to
 * @param allowedNames the common names the proxy's certificate may have; empty: any
 * @param usernameHeaders headers carrying the user name (first non-empty wins)
 * @param uidHeaders headers carrying the UID (first non-empty wins)
 * @param groupHeaders headers carrying groups (every value of every header)
 * @param extraHeaderPrefixes prefixes of headers carrying extra attributes
 */
public record RequestHeaderConfig(
    CaBundle ca,
    List<String> allowedNames,
    List<String> usernameHeaders,
    List<String> uidHeaders,
    List<String> groupHeaders,
    List<String> extraHeaderPrefixes) {
  public RequestHeaderConfig {
    Objects.requireNonNull(ca, "ca");
    allowedNames = List.copyOf(allowedNames);
    usernameHeaders = List.copyOf(usernameHeaders);
    uidHeaders = List.copyOf(uidHeaders);
    groupHeaders = List.copyOf(groupHeaders);
    extraHeaderPrefixes = List.copyOf(extraHeaderPrefixes);
  }

  /** The same settings with another CA. */
  public RequestHeaderConfig withCa(CaBundle other) {
    return new RequestHeaderConfig(other, allowedNames, usernameHeaders, uidHeaders, groupHeaders, extraHeaderPrefixes);
  }
}
