package io.revisor.apiserver.tls;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

/**
 * A certificate with its private key, and the CA certificate that issued it.
 *
 * @param certificate the issued certificate
 * @param privateKey its key (EC P-256)
 * @param issuer the CA certificate
 */
public record IssuedCertificate(X509Certificate certificate, PrivateKey privateKey, X509Certificate issuer) {
  public IssuedCertificate {
    Objects.requireNonNull(certificate, "certificate");
    Objects.requireNonNull(privateKey, "privateKey");
    Objects.requireNonNull(issuer, "issuer");
  }

  /** The certificate followed by its issuer, in PEM: what a server or client presents. */
  public String chainPem() {
    return Pem.encode(List.of(certificate, issuer));
  }

  /** The private key as PKCS#8 PEM. */
  public String privateKeyPem() {
    return Pem.encode(privateKey);
  }

  /**
   * Writes the chain and the key, each atomically; the key file is readable by its owner only (0600 where the file
   * system has POSIX permissions), the certificate file by everyone (0644).
   */
  public void write(Path certificateFile, Path keyFile) throws IOException {
    SecureFiles.write(keyFile, privateKeyPem().getBytes(StandardCharsets.US_ASCII), SecureFiles.OWNER_ONLY);
    SecureFiles.write(certificateFile, chainPem().getBytes(StandardCharsets.US_ASCII), SecureFiles.WORLD_READABLE);
  }
}
