package io.revisor.apiserver.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.Principal;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.security.auth.x500.X500Principal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Client certificates in Kubernetes' CN=user, O=group convention. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ClientCertificatesTest {
  static final Instant START = Instant.parse("2024-05-01T10:00:00Z");
  static final Clock CLOCK = Clock.fixed(START, ZoneOffset.UTC);

  @TempDir Path dir;

  @Test
  void subjectNamesTheUserAndEveryGroup() throws Exception {
    CertificateAuthority ca = CertificateAuthority.generate("test-ca", Duration.ofDays(3650), CLOCK);

    IssuedCertificate admin =
        ClientCertificates.issue(ca, "admin", List.of("system:masters", "devs"), Duration.ofDays(365), CLOCK);
    X509Certificate certificate = admin.certificate();

    assertThat(certificate.getSubjectX500Principal().getName(X500Principal.RFC2253))
        .isEqualTo("CN=admin,O=devs,O=system:masters");
    assertThat(certificate.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.2");
    assertThat(certificate.getKeyUsage()[0]).as("digitalSignature").isTrue();
    assertThat(certificate.getKeyUsage()[2]).as("keyEncipherment").isTrue();
    assertThat(certificate.getBasicConstraints()).isEqualTo(-1);
    assertThat(certificate.getSubjectAlternativeNames()).isNull();
    certificate.verify(ca.certificate().getPublicKey());
    assertThat(certificate.getNotAfter().toInstant()).isEqualTo(START.plus(Duration.ofDays(365)));
  }

  @Test
  void validityStopsAtTheCasExpiry() {
    CertificateAuthority ca = CertificateAuthority.generate("short-ca", Duration.ofDays(10), CLOCK);

    IssuedCertificate issued = ClientCertificates.issue(ca, "admin", List.of(), Duration.ofDays(365), CLOCK);

    assertThat(issued.certificate().getNotAfter()).isEqualTo(ca.certificate().getNotAfter());
  }

  @Test
  void writtenFilesReadBackAndTheKeyIsOwnerOnly() throws Exception {
    CertificateAuthority ca = CertificateAuthority.generate("test-ca", Duration.ofDays(3650), CLOCK);
    IssuedCertificate admin = ClientCertificates.issue(ca, "admin", List.of("system:masters"), Duration.ofDays(1),
        CLOCK);

    admin.write(dir.resolve("admin.crt"), dir.resolve("admin.key"));

    assertThat(Pem.readCertificates(dir.resolve("admin.crt"))).containsExactly(admin.certificate(), ca.certificate());
    assertThat(Pem.readPrivateKey(dir.resolve("admin.key")).getEncoded()).isEqualTo(admin.privateKey().getEncoded());
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("admin.key"))))
        .isEqualTo("rw-------");
  }

  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void mutualTlsWithTheGeneratedCa() throws Exception {
    ServingCertificates serving = SelfSignedCertificates.ensure(dir, List.of(), Clock.systemUTC());
    CertificateAuthority ca = serving.authority();
    IssuedCertificate admin =
        ClientCertificates.issue(ca, "admin", List.of("system:masters"), Duration.ofDays(1), Clock.systemUTC());

    try (LoopbackTlsServer server = new LoopbackTlsServer(
        Pem.readCertificates(serving.certificateFile()), Pem.readPrivateKey(serving.keyFile()), ca.certificate())) {
      server.connect("localhost", ca.certificate(), List.of(admin.certificate(), ca.certificate()),
          admin.privateKey());
      Principal client = server.nextClient();

      assertThat(client).isNotNull();
      assertThat(((X500Principal) client).getName(X500Principal.RFC2253)).isEqualTo("CN=admin,O=system:masters");
    }
  }

  @Test
  void userNameIsRequired() {
    CertificateAuthority ca = CertificateAuthority.generate("test-ca", Duration.ofDays(1), CLOCK);

    assertThatThrownBy(() -> ClientCertificates.issue(ca, "", List.of(), Duration.ofDays(1), CLOCK))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void readingACaChecksItIsACaWithItsOwnKey() throws Exception {
    CertificateAuthority ca = CertificateAuthority.generate("test-ca", Duration.ofDays(1), CLOCK);
    IssuedCertificate leaf = ClientCertificates.issue(ca, "admin", List.of(), Duration.ofDays(1), CLOCK);
    leaf.write(dir.resolve("leaf.crt"), dir.resolve("leaf.key"));
    Files.writeString(dir.resolve("ca.crt"), ca.certificatePem());
    Files.writeString(dir.resolve("ca.key"), Pem.encode(ca.privateKey()));

    assertThat(CertificateAuthority.read(dir.resolve("ca.crt"), dir.resolve("ca.key")).certificate())
        .isEqualTo(ca.certificate());
    assertThatThrownBy(() -> CertificateAuthority.read(dir.resolve("leaf.crt"), dir.resolve("leaf.key")))
        .hasMessageContaining("not a CA certificate");
    assertThatThrownBy(() -> CertificateAuthority.read(dir.resolve("ca.crt"), dir.resolve("leaf.key")))
        .hasMessageContaining("not the key of");
  }
}
