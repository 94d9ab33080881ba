package io.revisor.apiserver.cluster;

import java.util.Objects;

/**
 * The Service in front of this server, which APIServices point at and serving certificates are named for.
 *
 * @param namespace the Service's namespace
 * @param name the Service's name
 */
public record ServiceLocation(String namespace, String name) {
  /** The namespace when neither the flag nor the pod tells one. */
  public static final String DEFAULT_NAMESPACE = "revisor";

  public ServiceLocation {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(name, "name");
  }

  /**
   * The Service from {@code --service-name} and {@code --service-namespace}; without the namespace flag, the pod's
   * namespace, else {@value #DEFAULT_NAMESPACE}.
   *
   * @param namespace the flag's value, or null when not given
   */
  public static ServiceLocation resolve(String name, String namespace, ClusterClients cluster) {
    if (namespace != null && !namespace.isBlank()) {
      return new ServiceLocation(namespace.strip(), name);
    }
    return new ServiceLocation(cluster.podNamespace().orElse(DEFAULT_NAMESPACE), name);
  }

  /** Whether this process runs in a pod: the in-cluster configuration is usable, or a pod namespace is known. */
  public static boolean inPod(ClusterClients cluster) {
    return cluster.inCluster() || cluster.podNamespace().isPresent();
  }
}
