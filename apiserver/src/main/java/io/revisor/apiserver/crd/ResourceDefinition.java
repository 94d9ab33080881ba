package io.revisor.apiserver.crd;

import io.revisor.storage.resource.ResourceType;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A served kind, read from a CustomResourceDefinition manifest. Immutable.
 *
 * @param group the API group, e.g. {@code demo.revisor.io}
 * @param names plural, singular, kind, short names and categories
 * @param namespaced {@code scope: Namespaced}
 * @param versions every declared version in manifest order; exactly one has {@code storage: true}
 * @param source where the definition came from (a file name), for messages
 */
public record ResourceDefinition(
    String group, ResourceNames names, boolean namespaced, List<ServedVersion> versions, String source) {
  public ResourceDefinition {
    Objects.requireNonNull(group, "group");
    Objects.requireNonNull(names, "names");
    versions = List.copyOf(versions);
    Objects.requireNonNull(source, "source");
  }

  /** {@code <plural>.<group>}, the definition's name. */
  public String name() {
    return names.plural() + "." + group;
  }

  /** The storage type of this kind: objects of every version share it. */
  public ResourceType type() {
    return new ResourceType(group, names.plural(), namespaced);
  }

  /** The version objects are stored in. */
  public ServedVersion storageVersion() {
    return versions.stream().filter(ServedVersion::storage).findFirst().orElseThrow();
  }

  /** The served version named {@code version}, if any. */
  public Optional<ServedVersion> servedVersion(String version) {
    return versions.stream().filter(v -> v.served() && v.name().equals(version)).findFirst();
  }

  /** The served versions in kube's priority order (stable before beta before alpha, higher numbers first). */
  public List<ServedVersion> servedVersionsByPriority() {
    return versions.stream()
        .filter(ServedVersion::served)
        .sorted((a, b) -> VersionPriority.compare(a.name(), b.name()))
        .toList();
  }
}
