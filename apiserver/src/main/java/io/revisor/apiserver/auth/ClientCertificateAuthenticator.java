package io.revisor.apiserver.auth;

import io.vertx.core.http.HttpServerRequest;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * Client certificates signed by {@code --client-ca-file}: the user is the subject's CN, the groups its O values. The
 * TLS layer has already verified the chain against that CA (the server only asks for certificates when a client CA
 * is configured); this authenticator reads the verified leaf. Thread-safe.
 */
public final class ClientCertificateAuthenticator implements Authenticator {
  @Override
  public Result authenticate(HttpServerRequest request) {
    if (!request.isSSL() || request.sslSession() == null) {
      return NONE;
    }
    Certificate[] chain;
    try {
      chain = request.sslSession().getPeerCertificates();
    } catch (SSLPeerUnverifiedException e) {
      return NONE;
    }
    if (chain == null || chain.length == 0 || !(chain[0] instanceof X509Certificate leaf)) {
      return NONE;
    }
    String cn = null;
    List<String> groups = new ArrayList<>();
    try {
      for (Rdn rdn : new LdapName(leaf.getSubjectX500Principal().getName()).getRdns()) {
        if (rdn.getType().equalsIgnoreCase("CN")) {
          cn = rdn.getValue().toString();
        } else if (rdn.getType().equalsIgnoreCase("O")) {
          groups.add(rdn.getValue().toString());
        }
      }
    } catch (InvalidNameException e) {
      return new Result.Rejected("unreadable certificate subject");
    }
    if (cn == null || cn.isEmpty()) {
      return new Result.Rejected("client certificate has no common name");
    }
    return new Result.User(UserInfo.authenticated(cn, "", groups));
  }
}
