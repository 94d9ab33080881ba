package io.revisor.apiserver.cluster;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.TimeUnit;

/**
 * Fabric8's mock kube-apiserver in CRUD mode (objects are stored; expectations set with {@link #server()}'s
 * {@code expect()} are answered first) on a free loopback port over plain HTTP, with a kubeconfig pointing at it and
 * a client built the way the server builds its own ({@link ClusterClients}: no automatic retries).
 */
public final class MockCluster implements AutoCloseable {
  private final KubernetesMockServer server;
  private final Path kubeconfig;
  private final KubernetesClient client;

  public MockCluster(Path directory) {
    Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
    server = new KubernetesMockServer(new Context(), new MockWebServer(), responses,
        new KubernetesMixedDispatcher(responses), false);
    try {
      server.init(InetAddress.getByName("127.0.0.1"), 0);
      kubeconfig = directory.resolve("mock-kubeconfig");
      Files.writeString(kubeconfig, """
          apiVersion: v1
          kind: Config
          clusters:
          - name: mock
            cluster:
              server: http://127.0.0.1:%d
          contexts:
          - name: mock
            context:
              cluster: mock
              user: mock
          current-context: mock
          users:
          - name: mock
            user:
              token: mock-token
          """.formatted(server.getPort()));
    } catch (IOException e) {
      server.destroy();
      throw new UncheckedIOException(e);
    }
    client = new ClusterClients(Map.of(), directory.resolve("no-service-account"))
        .connect(Duration.ofSeconds(10), kubeconfig).orElseThrow();
  }

  public KubernetesMockServer server() {
    return server;
  }

  /** A kubeconfig for the mock server (current context, a token). */
  public Path kubeconfig() {
    return kubeconfig;
  }

  /** A client for the mock server. */
  public KubernetesClient client() {
    return client;
  }

  /** The requests the server received since the last call (or the start), in order, as "METHOD path". */
  public List<String> takeRequests() {
    List<String> requests = new ArrayList<>();
    try {
      for (RecordedRequest request = server.takeRequest(100, TimeUnit.MILLISECONDS); request != null;
          request = server.takeRequest(100, TimeUnit.MILLISECONDS)) {
        requests.add(request.getMethod() + " " + request.getPath());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return requests;
  }

  @Override
  public void close() {
    client.close();
    server.destroy();
  }
}
