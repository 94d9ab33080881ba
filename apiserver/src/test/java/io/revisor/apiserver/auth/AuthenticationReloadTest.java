package io.revisor.apiserver.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.revisor.apiserver.testing.ApiClient;
import io.revisor.apiserver.testing.FakeCluster;
import io.revisor.apiserver.testing.RevisorServer;
import io.revisor.apiserver.tls.CertificateAuthority;
import io.revisor.apiserver.tls.ClientCertificates;
import io.revisor.apiserver.tls.IssuedCertificate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The certificate settings change while the server runs: the authentication ConfigMap is updated or deleted, a CA
 * file is replaced. New connections are judged by the new settings without a restart; readiness waits for the first
 * read of the ConfigMap, and a deleted or partly broken ConfigMap keeps the last good settings.
 */
class AuthenticationReloadTest {
  static final String FOLDERS = "/apis/demo.revisor.io/v1/namespaces/team-a/folders";
  static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir
  Path dir;

  final Clock clock = Clock.systemUTC();
  FakeCluster cluster;

  @BeforeEach
  void start() {
    cluster = FakeCluster.start().allow("group:staff", "*", "demo.revisor.io", "*", "team-a");
  }

  @AfterEach
  void stop() {
    cluster.close();
  }

  private static Map<String, String> proxySettings(CertificateAuthority ca) {
    return Map.of("requestheader-client-ca-file", ca.certificatePem(),
        "requestheader-allowed-names", "[]",
        "requestheader-username-headers", "[\"X-Remote-User\"]",
        "requestheader-group-headers", "[\"X-Remote-Group\"]",
        "requestheader-extra-headers-prefix", "[\"X-Remote-Extra-\"]");
  }

  /**
   * A new client (new connections) presenting a certificate from {@code ca} whatever CAs the server advertises,
   * forwarding user frank in staff.
   */
  private ApiClient proxyClient(RevisorServer server, CertificateAuthority ca) {
    IssuedCertificate certificate = ClientCertificates.issue(ca, "front-proxy-client", List.of(), Duration.ofDays(1), clock);
    return ApiClient.withClientCertificateAlwaysSent(server.url(), server.caFile(), certificate.certificate(),
        certificate.privateKey()).withHeaders(Map.of("X-Remote-User", "frank", "X-Remote-Group", "staff"));
  }

  /** The same, as a JDK client that presents the certificate only when the server advertises its CA. */
  private ApiClient politeProxyClient(RevisorServer server, CertificateAuthority ca) {
    IssuedCertificate certificate = ClientCertificates.issue(ca, "front-proxy-client", List.of(), Duration.ofDays(1), clock);
    return ApiClient.withClientCertificate(server.url(), server.caFile(), certificate.certificate(),
        certificate.privateKey()).withHeaders(Map.of("X-Remote-User", "frank", "X-Remote-Group", "staff"));
  }

  @Test
  void theConfigMapIsWatchedAndReloadedLive() {
    CertificateAuthority first = CertificateAuthority.generate("proxy-ca-1", Duration.ofDays(30), clock);
    CertificateAuthority second = CertificateAuthority.generate("proxy-ca-2", Duration.ofDays(30), clock);
    cluster.authenticationConfigMap(proxySettings(first));
    try (RevisorServer server = RevisorServer.embedded("--kubeconfig=" + cluster.writeKubeconfig(dir),
        "--authorization-mode=Delegated")) {
      ApiClient admin = server.admin();
      await().atMost(WAIT).until(() -> admin.get("/readyz").code() == 200);
      assertThat(proxyClient(server, first).get(FOLDERS).code()).isEqualTo(200);
      assertThat(proxyClient(server, second).get(FOLDERS).code()).isEqualTo(401);

      assertThat(politeProxyClient(server, second).get(FOLDERS).code())
          .as("a CA not advertised: the JDK sends no certificate, so the request is anonymous").isEqualTo(403);

      cluster.authenticationConfigMap(proxySettings(second));
      await().atMost(WAIT).until(() -> proxyClient(server, second).get(FOLDERS).code() == 200);
      assertThat(politeProxyClient(server, second).get(FOLDERS).code()).as("the new CA is advertised").isEqualTo(200);
      assertThat(proxyClient(server, first).get(FOLDERS).code()).as("the old proxy CA is no longer trusted")
          .isEqualTo(401);

      cluster.client().configMaps().inNamespace("kube-system").withName("extension-apiserver-authentication").delete();
      await().during(Duration.ofSeconds(2)).atMost(WAIT).until(() -> admin.get("/readyz").code() == 200
          && proxyClient(server, second).get(FOLDERS).code() == 200);

      Map<String, String> partlyBroken = new java.util.HashMap<>(proxySettings(first));
      partlyBroken.put("client-ca-file", "not a certificate");
      cluster.authenticationConfigMap(partlyBroken);
      await().atMost(WAIT).until(() -> proxyClient(server, first).get(FOLDERS).code() == 200);
      assertThat(admin.get("/readyz").code()).isEqualTo(200);
    }
  }

  @Test
  void withoutTheConfigMapTheServerIsNotReadyUnlessToleratingIt() {
    try (RevisorServer server = RevisorServer.embedded("--kubeconfig=" + cluster.writeKubeconfig(dir),
        "--authorization-mode=Delegated")) {
      ApiClient admin = server.admin();
      await().atMost(WAIT).until(() -> admin.get("/readyz").code() == 500);
      assertThat(admin.get("/livez").code()).as("alive, only not ready").isEqualTo(200);
      assertThat(admin.get("/apis").code()).as("discovery is still served").isEqualTo(200);
      cluster.authenticationConfigMap(proxySettings(CertificateAuthority.generate("late", Duration.ofDays(1), clock)));
      await().atMost(WAIT).until(() -> admin.get("/readyz").code() == 200);
    }
    try (RevisorServer server = RevisorServer.embedded("--kubeconfig=" + cluster.writeKubeconfig(dir),
        "--authorization-mode=Delegated", "--authentication-tolerate-lookup-failure")) {
      cluster.client().configMaps().inNamespace("kube-system").withName("extension-apiserver-authentication").delete();
      ApiClient admin = server.admin();
      await().atMost(WAIT).during(Duration.ofSeconds(2)).until(() -> admin.get("/readyz").code() == 200);
    }
  }

  @Test
  void flagsWinOverTheConfigMap() throws Exception {
    CertificateAuthority fromFlag = CertificateAuthority.generate("flag-proxy-ca", Duration.ofDays(30), clock);
    CertificateAuthority fromConfigMap = CertificateAuthority.generate("cm-proxy-ca", Duration.ofDays(30), clock);
    Path caFile = dir.resolve("proxy-ca.crt");
    Files.writeString(caFile, fromFlag.certificatePem());
    cluster.authenticationConfigMap(proxySettings(fromConfigMap));
    try (RevisorServer server = RevisorServer.embedded("--kubeconfig=" + cluster.writeKubeconfig(dir),
        "--authorization-mode=Delegated", "--requestheader-client-ca-file=" + caFile)) {
      await().atMost(WAIT).until(() -> server.admin().get("/readyz").code() == 200);
      assertThat(proxyClient(server, fromFlag).get(FOLDERS).code()).isEqualTo(200);
      assertThat(proxyClient(server, fromConfigMap).get(FOLDERS).code()).isEqualTo(401);
    }
  }

  @Test
  void caFilesAreReloadedWhenTheyChangeOnDisk() throws Exception {
    CertificateAuthority first = CertificateAuthority.generate("client-ca-1", Duration.ofDays(30), clock);
    CertificateAuthority second = CertificateAuthority.generate("client-ca-2", Duration.ofDays(30), clock);
    Path caFile = dir.resolve("client-ca.crt");
    Files.writeString(caFile, first.certificatePem());
    try (RevisorServer server = RevisorServer.embedded("--client-ca-file=" + caFile)) {
      IssuedCertificate fromFirst = ClientCertificates.issue(first, "gina", List.of("staff"), Duration.ofDays(1), clock);
      IssuedCertificate fromSecond = ClientCertificates.issue(second, "hank", List.of("staff"), Duration.ofDays(1), clock);
      assertThat(client(server, fromFirst).get(FOLDERS).code()).isEqualTo(200);
      assertThat(client(server, fromSecond).get(FOLDERS).code()).isEqualTo(401);

      Path next = dir.resolve("client-ca.crt.next");
      Files.writeString(next, second.certificatePem());
      Files.move(next, caFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      await().atMost(WAIT).until(() -> client(server, fromSecond).get(FOLDERS).code() == 200);
      assertThat(client(server, fromFirst).get(FOLDERS).code()).isEqualTo(401);

      Files.writeString(caFile, "not a certificate");
      Thread.sleep(2 * 1000);
      assertThat(client(server, fromSecond).get(FOLDERS).code()).as("a broken file keeps the last good bundle")
          .isEqualTo(200);
    }
  }

  private static ApiClient client(RevisorServer server, IssuedCertificate certificate) {
    return ApiClient.withClientCertificateAlwaysSent(server.url(), server.caFile(), certificate.certificate(),
        certificate.privateKey());
  }
}
