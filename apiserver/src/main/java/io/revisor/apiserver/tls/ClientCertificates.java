package io.revisor.apiserver.tls;

import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;

/**
 * Client certificates in Kubernetes' convention: the subject CN is the user name and each O is a group, e.g.
 * {@code CN=admin, O=system:masters}. Key usage digitalSignature and keyEncipherment, extended key usage clientAuth.
 *
 * <p>For standalone client-certificate authentication and for the kubeconfig the server writes; stateless and
 * thread-safe.
 */
public final class ClientCertificates {
  private ClientCertificates() {}

  /**
   * Issues a client certificate, valid from an hour before the clock's now for {@code validity} (but never past the
   * CA's own expiry).
   *
   * @param authority the signing CA
   * @param user the user name (subject CN); not empty
   * @param groups the groups (subject O, one per group, in order); may be empty
   */
  public static IssuedCertificate issue(
      CertificateAuthority authority, String user, List<String> groups, Duration validity, Clock clock) {
    Objects.requireNonNull(authority, "authority");
    if (user == null || user.isEmpty()) {
      throw new IllegalArgumentException("a client certificate needs a user name");
    }
    X500NameBuilder subject = new X500NameBuilder(BCStyle.INSTANCE);
    for (String group : groups) {
      subject.addRDN(BCStyle.O, group);
    }
    subject.addRDN(BCStyle.CN, user);
    Instant now = clock.instant();
    Instant notAfter = now.plus(validity);
    Instant caNotAfter = authority.certificate().getNotAfter().toInstant();
    KeyPair keys = X509.newKeyPair();
    X509.Template template = new X509.Template(
        subject.build(),
        now.minus(CertificateAuthority.BACKDATE),
        notAfter.isAfter(caNotAfter) ? caNotAfter : notAfter,
        false,
        KeyUsage.digitalSignature | KeyUsage.keyEncipherment,
        List.of(KeyPurposeId.id_kp_clientAuth),
        List.of());
    return new IssuedCertificate(
        X509.sign(template, keys.getPublic(), authority.certificate(), authority.privateKey()),
        keys.getPrivate(),
        authority.certificate());
  }
}
