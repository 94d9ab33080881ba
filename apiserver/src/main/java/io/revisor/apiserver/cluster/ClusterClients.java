package io.revisor.apiserver.cluster;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Connections to the cluster: from a kubeconfig file, or, inside a pod, from the service account the kubelet mounts
 * (whose token is re-read on every request, since bound tokens rotate). A user's {@code ~/.kube/config} is never
 * read implicitly: a server outside a cluster talks to one only when given a kubeconfig.
 */
public final class ClusterClients {
  /** Where the kubelet mounts the service account's token, CA and namespace. */
  public static final Path SERVICE_ACCOUNT = Path.of("/var/run/secrets/kubernetes.io/serviceaccount");

  private final Map<String, String> environment;
  private final Path serviceAccount;

  /** Reads the process environment and the standard service account directory. */
  public ClusterClients() {
    this(System.getenv(), SERVICE_ACCOUNT);
  }

  /** With an explicit environment and service account directory (tests). */
  public ClusterClients(Map<String, String> environment, Path serviceAccount) {
    this.environment = Map.copyOf(environment);
    this.serviceAccount = serviceAccount;
  }

  /** Whether this process runs in a pod with a service account (the in-cluster configuration is usable). */
  public boolean inCluster() {
    return environment.containsKey("KUBERNETES_SERVICE_HOST") && environment.containsKey("KUBERNETES_SERVICE_PORT")
        && Files.isReadable(serviceAccount.resolve("token"));
  }

  /** The pod's namespace: {@code POD_NAMESPACE} (downward API), else the service account's; empty outside a pod. */
  public Optional<String> podNamespace() {
    String env = environment.get("POD_NAMESPACE");
    if (env != null && !env.isBlank()) {
      return Optional.of(env.strip());
    }
    Path file = serviceAccount.resolve("namespace");
    try {
      return Files.isReadable(file) ? Optional.of(Files.readString(file).strip()).filter(s -> !s.isEmpty())
          : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /**
   * A client for the cluster: from the first kubeconfig given (in order of preference), else the in-cluster
   * configuration, else empty.
   *
   * @param timeout connect and request timeout of each call
   * @throws UncheckedIOException when a given kubeconfig cannot be read
   */
  public Optional<KubernetesClient> connect(Duration timeout, Path... kubeconfigs) {
    for (Path kubeconfig : kubeconfigs) {
      if (kubeconfig != null) {
        return Optional.of(build(fromKubeconfig(kubeconfig), timeout));
      }
    }
    return inCluster() ? Optional.of(build(inClusterConfig(), timeout)) : Optional.empty();
  }

  /** The configuration in a kubeconfig file (its current context). */
  public static Config fromKubeconfig(Path kubeconfig) {
    try {
      return Config.fromKubeconfig(null, Files.readString(kubeconfig, StandardCharsets.UTF_8), kubeconfig.toString());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read kubeconfig " + kubeconfig + ": " + e.getMessage(), e);
    }
  }

  private Config inClusterConfig() {
    String host = environment.get("KUBERNETES_SERVICE_HOST");
    String url = "https://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + environment.get("KUBERNETES_SERVICE_PORT");
    Path token = serviceAccount.resolve("token");
    return new ConfigBuilder(Config.empty())
        .withMasterUrl(url)
        .withCaCertFile(serviceAccount.resolve("ca.crt").toString())
        .withOauthTokenProvider(() -> {
          try {
            return Files.readString(token, StandardCharsets.UTF_8).strip();
          } catch (IOException e) {
            throw new UncheckedIOException("cannot read the service account token " + token, e);
          }
        })
        .withNamespace(podNamespace().orElse(null))
        .build();
  }

  private static KubernetesClient build(Config config, Duration timeout) {
    int millis = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
    config.setConnectionTimeout(millis);
    config.setRequestTimeout(millis);
    // Retries are the callers' business (they know which calls are idempotent and what deadline applies).
    config.setRequestRetryBackoffLimit(0);
    return new KubernetesClientBuilder().withConfig(config).build();
  }
}
