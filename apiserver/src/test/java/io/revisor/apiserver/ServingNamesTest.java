package io.revisor.apiserver;

import static org.assertj.core.api.Assertions.assertThat;

import io.revisor.apiserver.cluster.ClusterClients;
import io.revisor.apiserver.config.ServerOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The extra names of the generated serving certificate, outside and inside a (simulated) pod. */
class ServingNamesTest {
  @TempDir Path dir;

  private static ServerOptions options(String... args) {
    ServerOptions options = new ServerOptions();
    new CommandLine(options).parseArgs(args);
    return options;
  }

  @Test
  void outsideAPodOnlyTheGivenNamesExpanded() {
    ClusterClients laptop = new ClusterClients(Map.of(), dir.resolve("none"));

    assertThat(Revisor.Serving.servingNames(options("--tls-sans=10.0.0.7,api.team-a.svc.cluster.local"), laptop))
        .containsExactly("10.0.0.7", "api", "api.team-a", "api.team-a.svc", "api.team-a.svc.cluster.local");
    assertThat(Revisor.Serving.servingNames(options(), laptop)).isEmpty();
  }

  @Test
  void inAPodTheServiceIsAddedInThePodsNamespace() throws Exception {
    Path serviceAccount = Files.createDirectories(dir.resolve("serviceaccount"));
    Files.writeString(serviceAccount.resolve("token"), "token");
    Files.writeString(serviceAccount.resolve("namespace"), "team-b");
    ClusterClients pod = new ClusterClients(
        Map.of("KUBERNETES_SERVICE_HOST", "10.96.0.1", "KUBERNETES_SERVICE_PORT", "443"), serviceAccount);

    assertThat(Revisor.Serving.servingNames(options("--tls-sans=revisor.example.com"), pod)).containsExactly(
        "revisor.example.com", "revisor", "revisor.team-b", "revisor.team-b.svc", "revisor.team-b.svc.cluster.local");
  }

  @Test
  void serviceFlagsMustBeDnsLabels() {
    assertThat(options("--service-name=My_Api", "--service-namespace=team.a").validate()).contains(
        "--service-name must be a DNS label (lower case letters, digits and '-', at most 63)",
        "--service-namespace must be a DNS label (lower case letters, digits and '-', at most 63)");
    assertThat(options("--service-name=api", "--service-namespace=team-a").validate()).isEmpty();
  }

  @Test
  void theServiceFlagsNameTheService() {
    ClusterClients pod = new ClusterClients(Map.of("POD_NAMESPACE", "team-c"), dir.resolve("none"));

    assertThat(Revisor.Serving.servingNames(options("--service-name=api", "--service-namespace=tools",
        "--tls-sans=api.tools.svc"), pod))
        .containsExactly("api", "api.tools", "api.tools.svc", "api.tools.svc.cluster.local");
  }
}
