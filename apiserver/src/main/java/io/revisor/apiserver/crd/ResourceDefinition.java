package io.revisor.apiserver.crd;

import io.revisor.storage.resource.ResourceType;
import java.util.List;
import java.util.Map;
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
 * @param annotations the manifest's {@code metadata.annotations} (retention settings live there)
 * @param verbs the verbs served, in {@link #ALL_VERBS} order: all of them for a CustomResourceDefinition, fewer for
 *     Revisor's own read-only kinds
 */
public record ResourceDefinition(
    String group,
    ResourceNames names,
    boolean namespaced,
    List<ServedVersion> versions,
    String source,
    Map<String, String> annotations,
    List<String> verbs) {
  /** The verbs of a custom resource, in the order kube lists them for CustomResourceDefinitions. */
  public static final List<String> ALL_VERBS =
      List.of("delete", "deletecollection", "get", "list", "patch", "create", "update", "watch");

  public ResourceDefinition {
    Objects.requireNonNull(group, "group");
    Objects.requireNonNull(names, "names");
    versions = List.copyOf(versions);
    Objects.requireNonNull(source, "source");
    annotations = Map.copyOf(annotations);
    verbs = ALL_VERBS.stream().filter(verbs::contains).toList();
  }

  /** A definition serving every verb. */
  public ResourceDefinition(
      String group, ResourceNames names, boolean namespaced, List<ServedVersion> versions, String source) {
    this(group, names, namespaced, versions, source, Map.of(), ALL_VERBS);
  }

  /** Whether {@code verb} (one of {@link #ALL_VERBS}) is served. */
  public boolean serves(String verb) {
    return verbs.contains(verb);
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
