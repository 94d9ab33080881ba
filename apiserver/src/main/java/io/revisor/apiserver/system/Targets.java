package io.revisor.apiserver.system;

import io.revisor.apiserver.crd.DefinitionLoader;
import io.revisor.apiserver.crd.ResourceDefinition;
import io.revisor.apiserver.crd.ResourceRegistry;
import io.revisor.apiserver.http.ApiException;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The served kinds Revisor's own kinds are about: every definition outside {@value DefinitionLoader#SYSTEM_GROUP},
 * named {@code <plural>.<group>} as in {@code spec.resource}. Immutable.
 */
final class Targets {
  private final Map<String, ResourceDefinition> byName;
  private final List<ResourceDefinition> namespaced;

  Targets(ResourceRegistry registry) {
    List<ResourceDefinition> served = registry.definitions().stream()
        .filter(d -> !d.group().equals(DefinitionLoader.SYSTEM_GROUP))
        .sorted(Comparator.comparing(ResourceDefinition::name))
        .toList();
    this.byName = served.stream().collect(Collectors.toUnmodifiableMap(ResourceDefinition::name, Function.identity()));
    this.namespaced = served.stream().filter(ResourceDefinition::namespaced).toList();
  }

  /** The namespaced served kind named {@code resource} ({@code <plural>.<group>}). */
  Optional<ResourceDefinition> find(String resource) {
    ResourceDefinition found = byName.get(resource);
    return found != null && found.namespaced() ? Optional.of(found) : Optional.empty();
  }

  /**
   * The namespaced served kind named {@code resource}, or a 400 naming {@code field}: these kinds live in the
   * namespace of their target, so cluster-scoped kinds have none.
   */
  ResourceDefinition require(String resource, String field) {
    return find(resource).orElseThrow(() -> ApiException.badRequest(field + ": \"" + resource
        + "\" is not a namespaced resource served here (expected <plural>.<group>, one of " + names() + ")"));
  }

  /** Every namespaced served kind, by name. */
  List<ResourceDefinition> namespaced() {
    return namespaced;
  }

  private String names() {
    return namespaced.stream().map(ResourceDefinition::name).collect(Collectors.joining(", "));
  }
}
