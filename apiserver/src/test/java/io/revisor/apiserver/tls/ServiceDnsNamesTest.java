package io.revisor.apiserver.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Named.named;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Service DNS names in serving certificates. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ServiceDnsNamesTest {
  static final List<String> API_SVC = List.of("api", "api.team-a", "api.team-a.svc", "api.team-a.svc.cluster.local");

  @TempDir Path dir;

  static Stream<Arguments> expansions() {
    return Stream.of(
        Arguments.of(named("short Service name", List.of("api.team-a.svc")), API_SVC),
        Arguments.of(named("long Service name", List.of("api.team-a.svc.cluster.local")), API_SVC),
        Arguments.of(named("upper case", List.of("API.Team-A.SVC")), API_SVC),
        Arguments.of(named("both forms, no duplicates", List.of("api.team-a.svc.cluster.local", "api.team-a.svc")),
            API_SVC),
        Arguments.of(named("others kept in order", List.of("10.0.0.7", "api.team-a.svc", "revisor.example.com")),
            List.of("10.0.0.7", "api", "api.team-a", "api.team-a.svc", "api.team-a.svc.cluster.local",
                "revisor.example.com")),
        Arguments.of(named("not a Service name", List.of("a.b.c.svc", "svc", "x.svc", "api.team-a.svc.example.org")),
            List.of("a.b.c.svc", "svc", "x.svc", "api.team-a.svc.example.org")),
        Arguments.of(named("wildcard kept", List.of("*.team-a.svc")), List.of("*.team-a.svc")),
        Arguments.of(named("nothing", List.of()), List.of()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource
  void expansions(List<String> given, List<String> expected) {
    assertThat(ServiceDnsNames.expand(given)).containsExactlyElementsOf(expected);
  }

  @Test
  void fourFormsOfAService() {
    assertThat(ServiceDnsNames.of("revisor", "revisor-system")).containsExactly("revisor", "revisor.revisor-system",
        "revisor.revisor-system.svc", "revisor.revisor-system.svc.cluster.local");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "Revisor", "re.visor", "-revisor", "revisor_1"})
  void serviceNamesMustBeDnsLabels(String name) {
    assertThatThrownBy(() -> ServiceDnsNames.of(name, "ns"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a DNS label");
  }

  @Test
  void issuedCertificateCarriesEveryFormAndHandshakesForEach() throws Exception {
    ServingCertificates certs = SelfSignedCertificates.ensure(dir, ServiceDnsNames.expand(List.of("api.team-a.svc")),
        Clock.systemUTC());

    assertThat(dnsNames(certs.certificate())).containsAll(API_SVC);
    try (LoopbackTlsServer server = new LoopbackTlsServer(Pem.readCertificates(certs.certificateFile()),
        Pem.readPrivateKey(certs.keyFile()), null)) {
      for (String name : API_SVC) {
        assertThatCode(() -> server.connect(name, certs.caCertificate(), null, null))
            .as("handshake for %s", name).doesNotThrowAnyException();
      }
    }
  }

  @Test
  void addingServiceNamesReissuesWithTheSameCa() throws Exception {
    ServingCertificates first = SelfSignedCertificates.ensure(dir, List.of(), Clock.systemUTC());
    byte[] caBefore = Files.readAllBytes(first.caCertificateFile());

    ServingCertificates second = SelfSignedCertificates.ensure(dir, ServiceDnsNames.of("revisor", "revisor"),
        Clock.systemUTC());

    assertThat(second.caIssued()).isFalse();
    assertThat(second.certificateIssued()).isTrue();
    assertThat(Files.readAllBytes(second.caCertificateFile())).isEqualTo(caBefore);
    second.certificate().verify(first.caCertificate().getPublicKey());
    assertThat(dnsNames(second.certificate())).containsAll(ServiceDnsNames.of("revisor", "revisor"));
    assertThat(SelfSignedCertificates.ensure(dir, ServiceDnsNames.of("revisor", "revisor"), Clock.systemUTC())
        .certificateIssued()).as("the same names again").isFalse();
  }

  private static List<String> dnsNames(X509Certificate certificate) throws Exception {
    List<String> names = new ArrayList<>();
    for (List<?> san : certificate.getSubjectAlternativeNames()) {
      if ((Integer) san.get(0) == 2) {
        names.add((String) san.get(1));
      }
    }
    return names;
  }
}
