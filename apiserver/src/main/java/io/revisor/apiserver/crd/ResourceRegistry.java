package io.revisor.apiserver.crd;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The served kinds, indexed for routing and discovery. Immutable and thread-safe.
 */
public final class ResourceRegistry {
  private final List<ResourceDefinition> definitions;
  private final Map<String, List<ResourceDefinition>> byGroup = new TreeMap<>();
  /** For routing, which looks up every request's resource. */
  private final Map<Served, ResourceDefinition> byResource = new HashMap<>();

  /** A resource as a request names it. */
  private record Served(String group, String version, String plural) {}

  private ResourceRegistry(List<ResourceDefinition> definitions) {
    this.definitions = List.copyOf(definitions);
    for (ResourceDefinition d : this.definitions) {
      byGroup.computeIfAbsent(d.group(), g -> new ArrayList<>()).add(d);
      d.versions().stream().filter(ServedVersion::served)
          .forEach(v -> byResource.put(new Served(d.group(), v.name(), d.names().plural()), d));
    }
    byGroup.values().forEach(list -> list.sort(Comparator.comparing(d -> d.names().plural())));
  }

  /** A registry of {@code definitions}, which must have unique names (as the loader guarantees). */
  public static ResourceRegistry of(List<ResourceDefinition> definitions) {
    return new ResourceRegistry(definitions);
  }

  /** Every definition, in load order. */
  public List<ResourceDefinition> definitions() {
    return definitions;
  }

  /** The served groups, sorted by name. */
  public List<String> groups() {
    return List.copyOf(byGroup.keySet());
  }

  /** The versions served in {@code group}, preferred first; empty for an unknown group. */
  public List<String> versions(String group) {
    Set<String> names = new LinkedHashSet<>();
    byGroup.getOrDefault(group, List.of()).forEach(d -> d.servedVersionsByPriority().forEach(v -> names.add(v.name())));
    return names.stream().sorted(VersionPriority::compare).toList();
  }

  /** The preferred version of {@code group}. */
  public Optional<String> preferredVersion(String group) {
    return versions(group).stream().findFirst();
  }

  /** The definitions serving {@code version} of {@code group}, sorted by plural. */
  public List<ResourceDefinition> resources(String group, String version) {
    return byGroup.getOrDefault(group, List.of()).stream()
        .filter(d -> d.servedVersion(version).isPresent())
        .toList();
  }

  /** The definition serving {@code plural} at {@code group/version}. */
  public Optional<ResourceDefinition> find(String group, String version, String plural) {
    return Optional.ofNullable(byResource.get(new Served(group, version, plural)));
  }
}
