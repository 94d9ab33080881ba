package io.revisor.storage.resource;

import java.util.Objects;

/**
 * A kind of stored object, named as in Kubernetes by its API group and plural resource name.
 *
 * @param group the API group, e.g. {@code demo.revisor.io}; empty for the core group
 * @param resource the plural resource name, e.g. {@code dashboards}
 * @param namespaced whether objects live in namespaces
 */
public record ResourceType(String group, String resource, boolean namespaced) {
  public ResourceType {
    Objects.requireNonNull(group, "group");
    Objects.requireNonNull(resource, "resource");
    KeyLayout.checkSegment("group", group.isEmpty() ? "core" : group);
    KeyLayout.checkSegment("resource", resource);
  }

  public static ResourceType namespaced(String group, String resource) {
    return new ResourceType(group, resource, true);
  }

  public static ResourceType clusterScoped(String group, String resource) {
    return new ResourceType(group, resource, false);
  }

  /** {@code resource.group}, as Kubernetes messages name a resource. */
  public String qualifiedName() {
    return group.isEmpty() ? resource : resource + "." + group;
  }

  /** The key of object {@code name} in {@code namespace} (null or empty for cluster-scoped types). */
  public ObjectKey key(String namespace, String name) {
    return new ObjectKey(this, namespaced ? namespace : "", name);
  }

  @Override
  public String toString() {
    return qualifiedName();
  }
}
