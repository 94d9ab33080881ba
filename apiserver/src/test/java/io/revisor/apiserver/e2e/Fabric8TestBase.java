package io.revisor.apiserver.e2e;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.revisor.apiserver.testing.RevisorServer;
import io.revisor.storage.testing.EtcdCluster;
import java.nio.file.Files;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/**
 * The base of the Fabric8 tests: one server for all the tests of a class (on the backend the subclass starts: the
 * embedded store, or {@link #serverOnEtcd()}), and Fabric8 clients of it as admin.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class Fabric8TestBase {
  static final ResourceDefinitionContext DASHBOARDS = new ResourceDefinitionContext.Builder()
      .withGroup("demo.revisor.io").withVersion("v1").withPlural("dashboards").withKind("Dashboard")
      .withNamespaced(true).build();

  private RevisorServer server;
  private EtcdCluster etcd;

  /** Starts the server of this class. */
  protected abstract RevisorServer startServer();

  /** For {@link #startServer}: a server on an etcd process of its own, stopped after the server. */
  protected RevisorServer serverOnEtcd() {
    etcd = EtcdCluster.start(1);
    return RevisorServer.etcd(etcd.clientEndpoints());
  }

  @BeforeAll
  void start() {
    server = startServer();
  }

  @AfterAll
  void stop() {
    if (server != null) {
      server.close();
    }
    if (etcd != null) {
      etcd.close();
    }
  }

  /** A client as admin, trusting the server's CA, watching over HTTP only or (by default) WebSocket. */
  KubernetesClient client(boolean onlyHttpWatches) throws Exception {
    Config config = new ConfigBuilder(Config.empty())
        .withMasterUrl(server.url())
        .withCaCertData(Base64.getEncoder().encodeToString(Files.readAllBytes(server.caFile())))
        .withOauthToken(RevisorServer.ADMIN_TOKEN)
        .withOnlyHttpWatches(onlyHttpWatches)
        .withRequestTimeout(20_000)
        .build();
    return new KubernetesClientBuilder().withConfig(config).build();
  }

  static GenericKubernetesResource dashboard(String ns, String name, String title) {
    return new GenericKubernetesResourceBuilder()
        .withApiVersion("demo.revisor.io/v1").withKind("Dashboard")
        .withNewMetadata().withName(name).withNamespace(ns).endMetadata()
        .withAdditionalProperties(Map.of("spec", Map.of("title", title)))
        .build();
  }
}
