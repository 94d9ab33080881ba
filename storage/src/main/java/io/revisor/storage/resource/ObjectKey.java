package io.revisor.storage.resource;

import java.util.Objects;

/**
 * One object's identity.
 *
 * @param type its kind
 * @param namespace its namespace; empty for cluster-scoped types
 * @param name its name
 */
public record ObjectKey(ResourceType type, String namespace, String name) {
  public ObjectKey {
    Objects.requireNonNull(type, "type");
    namespace = namespace == null ? "" : namespace;
    Objects.requireNonNull(name, "name");
    if (type.namespaced()) {
      KeyLayout.checkSegment("namespace", namespace);
    } else if (!namespace.isEmpty()) {
      throw StorageException.invalid(type.qualifiedName() + " is cluster-scoped but a namespace was given");
    }
    KeyLayout.checkSegment("name", name);
  }

  /** {@code resource.group "name"}, as Kubernetes messages name an object. */
  public String describe() {
    return type.qualifiedName() + " \"" + name + "\"";
  }

  @Override
  public String toString() {
    return type.qualifiedName() + "/" + (namespace.isEmpty() ? "" : namespace + "/") + name;
  }
}
