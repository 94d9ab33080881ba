package io.revisor.apiserver.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Named.named;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Generation, verification and reuse rules of {@link SelfSignedCertificates}. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SelfSignedCertificatesTest {
  static final List<String> EXTRA = List.of("revisor.revisor-system.svc", "10.0.0.7");
  static final Instant START = Instant.parse("2024-05-01T10:00:00Z");

  @TempDir Path dir;

  static Clock at(Instant instant) {
    return Clock.fixed(instant, ZoneOffset.UTC);
  }

  @Test
  void chainVerifiesWithTheJdkPathValidatorAndTrustManager() throws Exception {
    ServingCertificates certs = SelfSignedCertificates.ensure(dir, EXTRA, Clock.systemUTC());
    X509Certificate leaf = certs.certificate();

    PKIXParameters parameters = new PKIXParameters(Set.of(new TrustAnchor(certs.caCertificate(), null)));
    parameters.setRevocationEnabled(false);
    CertPathValidator.getInstance("PKIX").validate(
        CertificateFactory.getInstance("X.509").generateCertPath(List.of(leaf)), parameters);

    X509TrustManager trust = (X509TrustManager) LoopbackTlsServer.trustManagers(certs.caCertificate())[0];
    List<X509Certificate> chain = Pem.readCertificates(certs.certificateFile());
    assertThat(chain).containsExactly(leaf, certs.caCertificate());
    assertThatCode(() -> trust.checkServerTrusted(chain.toArray(new X509Certificate[0]), "ECDHE_ECDSA"))
        .doesNotThrowAnyException();
  }

  @Test
  void certificateNamesEveryDefaultAndExtraName() throws Exception {
    ServingCertificates certs = SelfSignedCertificates.ensure(dir, EXTRA, at(START));

    Map<Integer, List<String>> sans = sans(certs.certificate());
    List<String> expectedDns = new ArrayList<>(List.of("localhost", "revisor.revisor-system.svc"));
    SelfSignedCertificates.defaultNames().stream().skip(3).forEach(expectedDns::add);
    assertThat(sans.get(2)).containsExactlyInAnyOrderElementsOf(expectedDns);
    assertThat(sans.get(7).stream().map(SelfSignedCertificatesTest::address).toList())
        .containsExactlyInAnyOrder(address("127.0.0.1"), address("::1"), address("10.0.0.7"));
    assertThat(certs.subjectAlternativeNames()).contains("localhost", "127.0.0.1", "revisor.revisor-system.svc");
  }

  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void tlsHandshakeSucceedsForEveryNameWithOnlyTheCaTrusted() throws Exception {
    ServingCertificates certs = SelfSignedCertificates.ensure(dir, EXTRA, Clock.systemUTC());
    List<X509Certificate> chain = Pem.readCertificates(certs.certificateFile());

    try (LoopbackTlsServer server = new LoopbackTlsServer(chain, Pem.readPrivateKey(certs.keyFile()), null)) {
      for (String name : certs.subjectAlternativeNames()) {
        assertThatCode(() -> server.connect(name, certs.caCertificate(), null, null))
            .as("handshake for %s", name)
            .doesNotThrowAnyException();
      }
      assertThatThrownBy(() -> server.connect("example.org", certs.caCertificate(), null, null))
          .as("a name the certificate does not carry")
          .isInstanceOf(SSLHandshakeException.class);
      X509Certificate otherCa = CertificateAuthority.generate("other", Duration.ofDays(1), Clock.systemUTC())
          .certificate();
      assertThatThrownBy(() -> server.connect("localhost", otherCa, null, null))
          .as("a client trusting another CA")
          .isInstanceOf(SSLHandshakeException.class);
    }
  }

  @Test
  void servingCertificateIsForServerAuthenticationAndTheCaForSigning() throws Exception {
    ServingCertificates certs = SelfSignedCertificates.ensure(dir, EXTRA, at(START));
    X509Certificate leaf = certs.certificate();
    X509Certificate ca = certs.caCertificate();

    assertThat(leaf.getKeyUsage()[0]).as("digitalSignature").isTrue();
    assertThat(leaf.getKeyUsage()[2]).as("keyEncipherment").isTrue();
    assertThat(leaf.getKeyUsage()[5]).as("keyCertSign").isFalse();
    assertThat(leaf.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1");
    assertThat(leaf.getBasicConstraints()).isEqualTo(-1);
    assertThat(leaf.getPublicKey().getAlgorithm()).isEqualTo("EC");
    assertThat(ca.getBasicConstraints()).isGreaterThanOrEqualTo(0);
    assertThat(ca.getKeyUsage()[5]).as("keyCertSign").isTrue();
    assertThat(ca.getSubjectX500Principal().getName()).startsWith("CN=revisor-ca@");
    assertThat(leaf.getIssuerX500Principal()).isEqualTo(ca.getSubjectX500Principal());

    Instant backdated = START.minus(Duration.ofHours(1));
    assertThat(leaf.getNotBefore().toInstant()).isEqualTo(backdated);
    assertThat(leaf.getNotAfter().toInstant()).isEqualTo(START.plus(Duration.ofDays(365)));
    assertThat(ca.getNotBefore().toInstant()).isEqualTo(backdated);
    assertThat(ca.getNotAfter().toInstant()).isEqualTo(START.plus(Duration.ofDays(3650)));
    assertThat(leaf.getSerialNumber()).isPositive().isNotEqualTo(ca.getSerialNumber());
    assertThat(certs.caIssued()).isTrue();
    assertThat(certs.certificateIssued()).isTrue();
  }

  @Test
  void keysArePkcs8AndOwnerOnly() throws Exception {
    Path nested = dir.resolve("new/cert-dir");
    ServingCertificates certs = SelfSignedCertificates.ensure(nested, EXTRA, at(START));

    for (Path key : List.of(certs.keyFile(), certs.caKeyFile())) {
      assertThat(Files.readString(key)).startsWith("-----BEGIN PRIVATE KEY-----\n");
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("rw-------");
    }
    for (Path certificate : List.of(certs.certificateFile(), certs.caCertificateFile())) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(certificate))).isEqualTo("rw-r--r--");
    }
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(nested))).isEqualTo("rwx------");
    try (Stream<Path> files = Files.list(nested)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .as("no temporary files left")
          .containsExactlyInAnyOrder("ca.crt", "ca.key", "tls.crt", "tls.key", ".revisor-certificates.lock");
    }
  }

  @Test
  void secondStartReusesTheFilesByteForByte() throws Exception {
    ServingCertificates first = SelfSignedCertificates.ensure(dir, EXTRA, at(START));
    Map<String, byte[]> before = contents(dir);

    ServingCertificates second = SelfSignedCertificates.ensure(dir, EXTRA, at(START.plus(Duration.ofDays(1))));

    assertThat(second.caIssued()).isFalse();
    assertThat(second.certificateIssued()).isFalse();
    assertThat(second.certificate()).isEqualTo(first.certificate());
    assertThat(contents(dir)).usingRecursiveComparison().isEqualTo(before);
  }

  @Test
  void newNameReissuesTheServingCertificateWithTheSameCa() throws Exception {
    ServingCertificates first = SelfSignedCertificates.ensure(dir, EXTRA, at(START));
    byte[] caBefore = Files.readAllBytes(first.caCertificateFile());

    List<String> more = new ArrayList<>(EXTRA);
    more.add("revisor.example.com");
    ServingCertificates second = SelfSignedCertificates.ensure(dir, more, at(START));

    assertThat(second.caIssued()).isFalse();
    assertThat(second.certificateIssued()).isTrue();
    assertThat(Files.readAllBytes(second.caCertificateFile())).isEqualTo(caBefore);
    assertThat(second.certificate().getSerialNumber()).isNotEqualTo(first.certificate().getSerialNumber());
    second.certificate().verify(first.caCertificate().getPublicKey());
    assertThat(sans(second.certificate()).get(2)).contains("revisor.example.com");

    ServingCertificates third = SelfSignedCertificates.ensure(dir, EXTRA, at(START));
    assertThat(third.certificateIssued()).as("fewer names than the certificate has").isFalse();
  }

  static Stream<Arguments> renewals() {
    return Stream.of(
        Arguments.of(named("300 days later: reused", Duration.ofDays(300)), false, false),
        Arguments.of(named("340 days later: serving certificate renewed", Duration.ofDays(340)), false, true),
        Arguments.of(named("two years later: expired, renewed", Duration.ofDays(730)), false, true),
        Arguments.of(named("CA within 30 days of expiry: everything replaced", Duration.ofDays(3630)), true, true),
        Arguments.of(named("before the certificates were issued: replaced", Duration.ofDays(-2)), true, true));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource
  void renewals(Duration later, boolean caIssued, boolean certificateIssued) throws Exception {
    ServingCertificates first = SelfSignedCertificates.ensure(dir, EXTRA, at(START));

    ServingCertificates next = SelfSignedCertificates.ensure(dir, EXTRA, at(START.plus(later)));

    assertThat(next.caIssued()).isEqualTo(caIssued);
    assertThat(next.certificateIssued()).isEqualTo(certificateIssued);
    assertThat(next.caCertificate().equals(first.caCertificate())).isEqualTo(!caIssued);
    next.certificate().verify(next.caCertificate().getPublicKey());
    assertThat(next.certificate().getNotAfter()).isAfter(Date.from(START.plus(later).plus(Duration.ofDays(30))));
  }

  @Test
  void servingCertificateNeverOutlivesItsCa() throws Exception {
    SelfSignedCertificates.ensure(dir, EXTRA, at(START));

    ServingCertificates late = SelfSignedCertificates.ensure(dir, List.of("late.example.com"),
        at(START.plus(Duration.ofDays(3500))));

    assertThat(late.caIssued()).isFalse();
    assertThat(late.certificate().getNotAfter()).isEqualTo(late.caCertificate().getNotAfter());
  }

  static Stream<Arguments> damagedFiles() {
    return Stream.of(
        Arguments.of(named("garbage serving key", "tls.key"), false),
        Arguments.of(named("garbage serving certificate", "tls.crt"), false),
        Arguments.of(named("garbage CA certificate", "ca.crt"), true),
        Arguments.of(named("garbage CA key", "ca.key"), true));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("damagedFiles")
  void damagedFilesAreReplaced(String file, boolean caIssued) throws Exception {
    SelfSignedCertificates.ensure(dir, EXTRA, at(START));
    Files.writeString(dir.resolve(file), "not PEM\n");

    ServingCertificates next = SelfSignedCertificates.ensure(dir, EXTRA, at(START));

    assertThat(next.caIssued()).isEqualTo(caIssued);
    assertThat(next.certificateIssued()).isTrue();
    assertThatCode(next::authority).doesNotThrowAnyException();
  }

  @Test
  void aKeyOfAnotherCertificateIsReplaced() throws Exception {
    SelfSignedCertificates.ensure(dir, EXTRA, at(START));
    Files.copy(dir.resolve("ca.key"), dir.resolve("tls.key"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);

    ServingCertificates next = SelfSignedCertificates.ensure(dir, EXTRA, at(START));

    assertThat(next.caIssued()).isFalse();
    assertThat(next.certificateIssued()).isTrue();
  }

  @Test
  void servingCertificateFromAnotherCaIsReplaced() throws Exception {
    SelfSignedCertificates.ensure(dir, EXTRA, at(START));
    CertificateAuthority other = CertificateAuthority.generate("other", Duration.ofDays(3650), at(START));
    IssuedCertificate foreign = ClientCertificates.issue(other, "x", List.of(), Duration.ofDays(365), at(START));
    foreign.write(dir.resolve("tls.crt"), dir.resolve("tls.key"));

    assertThat(SelfSignedCertificates.ensure(dir, EXTRA, at(START)).certificateIssued()).isTrue();
  }

  static Stream<Arguments> names() {
    return Stream.of(
        Arguments.of(named("bracketed IPv6", "[fd00::1]"), "fd00:0:0:0:0:0:0:1"),
        Arguments.of(named("upper-case DNS name", "Revisor.Example.COM"), "revisor.example.com"),
        Arguments.of(named("wildcard DNS name", "*.revisor.svc"), "*.revisor.svc"),
        Arguments.of(named("not quite an IPv4 address", "999.1.1.1"), "999.1.1.1"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource
  void names(String name, String expected) throws Exception {
    ServingCertificates certs = SelfSignedCertificates.ensure(dir, List.of(name), at(START));

    assertThat(certs.subjectAlternativeNames()).contains(expected);
  }

  @Test
  void namesThatAreNeitherHostNorAddressAreRejected() {
    assertThatThrownBy(() -> SelfSignedCertificates.ensure(dir, List.of("has space"), at(START)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("has space");
    assertThatThrownBy(() -> SelfSignedCertificates.ensure(dir, List.of("fd00::zz"), at(START)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not an IP address");
  }

  private static Map<Integer, List<String>> sans(X509Certificate certificate) throws GeneralSecurityException {
    Map<Integer, List<String>> out = new TreeMap<>();
    for (List<?> san : certificate.getSubjectAlternativeNames()) {
      out.computeIfAbsent((Integer) san.get(0), k -> new ArrayList<>()).add((String) san.get(1));
    }
    return out;
  }

  private static InetAddress address(String literal) {
    try {
      return InetAddress.getByName(literal);
    } catch (IOException e) {
      throw new IllegalArgumentException(literal, e);
    }
  }

  private static Map<String, byte[]> contents(Path directory) throws IOException {
    Map<String, byte[]> out = new TreeMap<>();
    for (String name : List.of("ca.crt", "ca.key", "tls.crt", "tls.key")) {
      out.put(name, Files.readAllBytes(directory.resolve(name)));
    }
    return out;
  }
}
