package io.revisor.apiserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.APIService;
import io.revisor.apiserver.cluster.ApiServiceRegistrar;
import io.revisor.apiserver.cluster.ClusterClients;
import io.revisor.apiserver.config.ServerOptions;
import io.revisor.apiserver.testing.RevisorServer;
import io.revisor.apiserver.tls.CertificateAuthority;
import io.revisor.apiserver.tls.SelfSignedCertificates;
import io.revisor.apiserver.testing.FakeCluster;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code --register-apiservices} on a running server, against Fabric8's mock kube-apiserver; its startup errors. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ApiServiceRegistrationServerTest {
  static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir Path dir;

  @Test
  void theGeneratedCaIsRegisteredForEveryGroupVersion() throws Exception {
    try (FakeCluster cluster = FakeCluster.start();
        RevisorServer server = RevisorServer.embedded("--register-apiservices",
            "--kubeconfig=" + cluster.kubeconfig(), "--service-namespace=revisor-system")) {
      await().atMost(WAIT).until(() -> apiService(cluster, "v1.demo.revisor.io") != null);

      APIService registered = apiService(cluster, "v1.demo.revisor.io");
      assertThat(registered.getSpec().getGroup()).isEqualTo("demo.revisor.io");
      assertThat(registered.getSpec().getService().getNamespace()).isEqualTo("revisor-system");
      assertThat(registered.getSpec().getService().getName()).isEqualTo("revisor");
      assertThat(registered.getSpec().getService().getPort()).isEqualTo(443);
      assertThat(registered.getSpec().getInsecureSkipTLSVerify()).isNull();
      assertThat(registered.getMetadata().getLabels())
          .containsEntry(ApiServiceRegistrar.MANAGED_BY, ApiServiceRegistrar.MANAGER);
      assertThat(Base64.getDecoder().decode(registered.getSpec().getCaBundle()))
          .isEqualTo(Files.readAllBytes(server.caFile()));
    }
  }

  @Test
  void aChangedCaFileIsRegisteredAgain() throws Exception {
    Path bundle = dir.resolve("apiservice-ca.crt");
    Files.writeString(bundle, ca("first"));
    try (FakeCluster cluster = FakeCluster.start();
        RevisorServer server = RevisorServer.embedded("--register-apiservices",
            "--kubeconfig=" + cluster.kubeconfig(), "--apiservice-ca-file=" + bundle)) {
      byte[] first = Files.readAllBytes(bundle);
      await().atMost(WAIT).until(() -> caBundleIs(cluster, first));

      replace(bundle, "-----BEGIN CERTIFICATE-----\nhalf written");
      await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).until(() -> caBundleIs(cluster, first));
      String second = ca("second");
      replace(bundle, second);

      await().atMost(WAIT).until(() -> caBundleIs(cluster, second.getBytes(StandardCharsets.US_ASCII)));
      assertThat(server.admin().get("/apis").code()).isEqualTo(200);
    }
  }

  @Test
  void withoutACaBundleTheStartNamesTheFlag() throws Exception {
    Path crt = dir.resolve("mounted/tls.crt");
    Path key = dir.resolve("mounted/tls.key");
    Files.createDirectories(crt.getParent());
    SelfSignedCertificates.issue(CertificateAuthority.generate("ca", Duration.ofDays(1), Clock.systemUTC()),
        List.of("localhost"), Clock.systemUTC()).write(crt, key);
    try (FakeCluster cluster = FakeCluster.start()) {
      assertThatThrownBy(() -> RevisorServer.embedded("--register-apiservices", "--kubeconfig=" + cluster.kubeconfig(),
          "--tls-cert-file=" + crt, "--tls-private-key-file=" + key))
          .isInstanceOf(StartupException.class)
          .hasMessageContaining("--apiservice-ca-file")
          .hasMessageContaining(crt.getParent().resolve("ca.crt").toString());
      assertThatThrownBy(() -> RevisorServer.embedded("--register-apiservices", "--kubeconfig=" + cluster.kubeconfig(),
          "--apiservice-ca-file=" + dir.resolve("missing.crt")))
          .isInstanceOf(StartupException.class)
          .hasMessageContaining("--apiservice-ca-file " + dir.resolve("missing.crt"));
    }
  }

  @Test
  void withoutAClusterTheStartNamesTheFlags() {
    ServerOptions options = new ServerOptions();
    new CommandLine(options).parseArgs("--register-apiservices", "--cert-dir=" + dir.resolve("certs"));
    Revisor.Serving serving = Revisor.Serving.prepare(options);
    ClusterClients laptop = new ClusterClients(Map.of(), dir.resolve("no-service-account"));

    assertThatThrownBy(() -> BackgroundTasks.check(options, serving, laptop))
        .isInstanceOf(StartupException.class)
        .hasMessageContaining("--register-apiservices needs a cluster")
        .hasMessageContaining("--kubeconfig");
  }

  private static APIService apiService(FakeCluster cluster, String name) {
    return cluster.client().resources(APIService.class).withName(name).get();
  }

  private static boolean caBundleIs(FakeCluster cluster, byte[] expected) {
    APIService apiService = apiService(cluster, "v1.demo.revisor.io");
    return apiService != null && Arrays.equals(Base64.getDecoder().decode(apiService.getSpec().getCaBundle()), expected);
  }

  private static String ca(String name) {
    return CertificateAuthority.generate(name, Duration.ofDays(1), Clock.systemUTC()).certificatePem();
  }

  private static void replace(Path file, String content) throws Exception {
    Path temporary = file.resolveSibling("." + file.getFileName() + ".tmp");
    Files.writeString(temporary, content);
    Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }
}
