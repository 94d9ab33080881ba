package io.revisor.apiserver.tls;

import java.io.IOException;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.KeyUsage;

/**
 * A certificate authority: its certificate and private key, able to issue certificates.
 *
 * @param certificate the CA certificate (basic constraints CA:true)
 * @param privateKey the key of {@code certificate}
 */
public record CertificateAuthority(X509Certificate certificate, PrivateKey privateKey) {
  /** Issued certificates start this long before "now", as Kubernetes' do, so that small clock skew does not matter. */
  static final Duration BACKDATE = Duration.ofHours(1);

  public CertificateAuthority {
    Objects.requireNonNull(certificate, "certificate");
    Objects.requireNonNull(privateKey, "privateKey");
  }

  /**
   * A new self-signed CA with an EC P-256 key, valid from an hour before the clock's now for {@code validity}.
   *
   * @param commonName the subject CN, e.g. {@code revisor-ca@1714557600}
   */
  public static CertificateAuthority generate(String commonName, Duration validity, Clock clock) {
    Instant now = clock.instant();
    KeyPair keys = X509.newKeyPair();
    X509.Template template = new X509.Template(
        new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, commonName).build(),
        now.minus(BACKDATE),
        now.plus(validity),
        true,
        KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature,
        List.of(),
        List.of());
    return new CertificateAuthority(X509.sign(template, keys.getPublic(), null, keys.getPrivate()), keys.getPrivate());
  }

  /**
   * Reads a CA from PEM files.
   *
   * @throws IOException if a file cannot be read or parsed, the certificate is not a CA, or the key does not belong to
   *     it
   */
  public static CertificateAuthority read(Path certificateFile, Path keyFile) throws IOException {
    X509Certificate certificate = Pem.readCertificates(certificateFile).get(0);
    PrivateKey key = Pem.readPrivateKey(keyFile);
    if (certificate.getBasicConstraints() < 0) {
      throw new IOException(certificateFile + ": not a CA certificate (basic constraints CA:false)");
    }
    if (!X509.keysMatch(key, certificate.getPublicKey())) {
      throw new IOException(keyFile + ": not the key of " + certificateFile);
    }
    return new CertificateAuthority(certificate, key);
  }

  /** The CA certificate in PEM, e.g. for an {@code APIService} {@code caBundle} or a kubeconfig. */
  public String certificatePem() {
    return Pem.encode(List.of(certificate));
  }
}
