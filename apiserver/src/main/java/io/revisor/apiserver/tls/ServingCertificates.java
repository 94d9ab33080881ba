package io.revisor.apiserver.tls;

import java.io.IOException;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

/**
 * The outcome of {@link SelfSignedCertificates#ensure}: where the files are, what they hold, and what was issued on
 * this call.
 *
 * @param caCertificateFile {@code ca.crt}: the CA certificate (PEM), e.g. for an {@code APIService caBundle}
 * @param caKeyFile {@code ca.key}: the CA key (PKCS#8 PEM, 0600)
 * @param certificateFile {@code tls.crt}: the serving certificate followed by the CA certificate (PEM)
 * @param keyFile {@code tls.key}: the serving key (PKCS#8 PEM, 0600)
 * @param caCertificate the CA certificate
 * @param certificate the serving certificate
 * @param subjectAlternativeNames the names and addresses the serving certificate was checked or issued for
 * @param caIssued whether this call created the CA (every earlier {@code caBundle} is then stale)
 * @param certificateIssued whether this call issued the serving certificate
 */
public record ServingCertificates(
    Path caCertificateFile,
    Path caKeyFile,
    Path certificateFile,
    Path keyFile,
    X509Certificate caCertificate,
    X509Certificate certificate,
    List<String> subjectAlternativeNames,
    boolean caIssued,
    boolean certificateIssued) {
  public ServingCertificates {
    Objects.requireNonNull(caCertificateFile, "caCertificateFile");
    Objects.requireNonNull(caKeyFile, "caKeyFile");
    Objects.requireNonNull(certificateFile, "certificateFile");
    Objects.requireNonNull(keyFile, "keyFile");
    Objects.requireNonNull(caCertificate, "caCertificate");
    Objects.requireNonNull(certificate, "certificate");
    subjectAlternativeNames = List.copyOf(subjectAlternativeNames);
  }

  /** The CA certificate in PEM. */
  public String caCertificatePem() {
    return Pem.encode(List.of(caCertificate));
  }

  /** The CA with its key, read from the files, e.g. to issue the admin client certificate of a kubeconfig. */
  public CertificateAuthority authority() throws IOException {
    return CertificateAuthority.read(caCertificateFile, caKeyFile);
  }
}
