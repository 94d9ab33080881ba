package io.revisor.apiserver.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where the Service is, inside and outside a (simulated) pod. */
class ServiceLocationTest {
  @TempDir Path dir;

  @Test
  void outsideAPodTheNamespaceDefaultsToRevisor() {
    ClusterClients laptop = new ClusterClients(Map.of(), dir.resolve("none"));

    assertThat(ServiceLocation.inPod(laptop)).isFalse();
    assertThat(ServiceLocation.resolve("api", null, laptop)).isEqualTo(new ServiceLocation("revisor", "api"));
    assertThat(ServiceLocation.resolve("api", "tools", laptop)).isEqualTo(new ServiceLocation("tools", "api"));
  }

  @Test
  void inAPodThePodsNamespaceIsTheDefault() throws Exception {
    Path serviceAccount = Files.createDirectories(dir.resolve("serviceaccount"));
    Files.writeString(serviceAccount.resolve("token"), "token");
    Files.writeString(serviceAccount.resolve("namespace"), "team-b\n");
    ClusterClients pod = new ClusterClients(
        Map.of("KUBERNETES_SERVICE_HOST", "10.96.0.1", "KUBERNETES_SERVICE_PORT", "443"), serviceAccount);

    assertThat(ServiceLocation.inPod(pod)).isTrue();
    assertThat(ServiceLocation.resolve("revisor", null, pod)).isEqualTo(new ServiceLocation("team-b", "revisor"));
    assertThat(ServiceLocation.resolve("revisor", "override", pod))
        .isEqualTo(new ServiceLocation("override", "revisor"));
  }

  @Test
  void aDownwardApiNamespaceAloneMeansAPod() {
    ClusterClients pod = new ClusterClients(Map.of("POD_NAMESPACE", "team-c"), dir.resolve("none"));

    assertThat(ServiceLocation.inPod(pod)).isTrue();
    assertThat(ServiceLocation.resolve("revisor", null, pod).namespace()).isEqualTo("team-c");
  }
}
