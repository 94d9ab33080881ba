package io.revisor.apiserver.auth;

import io.vertx.core.Future;
import io.vertx.core.http.HttpServerRequest;
import java.util.function.Supplier;

/**
 * Client certificates signed by the client CA ({@code --client-ca-file}, or the {@code client-ca-file} of the
 * authentication ConfigMap): the user is the subject's CN, the groups its O values. A certificate that does not chain
 * to that CA (or lacks the client-auth usage) is rejected; one with an empty CN is not a credential of this kind.
 */
public final class ClientCertificateAuthenticator implements Authenticator {
  private final Supplier<AuthenticationConfig> config;

  public ClientCertificateAuthenticator(Supplier<AuthenticationConfig> config) {
    this.config = config;
  }

  @Override
  public Future<Result> authenticate(HttpServerRequest request) {
    CaBundle ca = config.get().clientCa();
    if (ca == null) {
      return Authenticator.none();
    }
    CertificateChains.Verification verification = CertificateChains.verify(request, ca);
    if (verification == null) {
      return Authenticator.none();
    }
    if (!verification.trusted()) {
      return Authenticator.rejected("client certificate: " + verification.error());
    }
    String user = CertificateChains.commonName(verification.leaf());
    if (user.isEmpty()) {
      return Authenticator.none();
    }
    return Authenticator.user(
        UserInfo.authenticated(user, "", CertificateChains.organizations(verification.leaf())));
  }
}
