package io.revisor.apiserver.tls;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.function.Supplier;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The server side of client certificates, as Go's {@code tls.RequestClientCert}: the handshake asks for a
 * certificate, advertising the CAs of the moment (so clients pick the right one), and accepts whatever the client
 * sends or nothing. The handshake still proves that the client holds the certificate's key; whether the certificate
 * is trusted is decided per request by the authenticators, against CA bundles that may change while connections
 * stay open.
 */
public final class ClientCertificateTrust extends X509ExtendedTrustManager {
  private final Supplier<X509Certificate[]> acceptedIssuers;

  /** @param acceptedIssuers the CA certificates to advertise, read at every handshake */
  public ClientCertificateTrust(Supplier<X509Certificate[]> acceptedIssuers) {
    this.acceptedIssuers = acceptedIssuers;
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return acceptedIssuers.get();
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType) {
    // Verified per request by the authenticators.
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
    // Verified per request by the authenticators.
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
    // Verified per request by the authenticators.
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    throw new CertificateException("this trust manager only checks clients");
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
    throw new CertificateException("this trust manager only checks clients");
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
    throw new CertificateException("this trust manager only checks clients");
  }
}
