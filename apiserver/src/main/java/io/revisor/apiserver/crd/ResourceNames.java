package io.revisor.apiserver.crd;

import java.util.List;
import java.util.Objects;

/**
 * A definition's {@code spec.names}.
 *
 * @param plural the resource name in URLs, e.g. {@code dashboards}
 * @param singular e.g. {@code dashboard}; defaults to the lower-cased kind
 * @param kind e.g. {@code Dashboard}
 * @param listKind e.g. {@code DashboardList}; defaults to kind + "List"
 * @param shortNames e.g. {@code [dash]}
 * @param categories e.g. {@code [all, revisor]}
 */
public record ResourceNames(
    String plural,
    String singular,
    String kind,
    String listKind,
    List<String> shortNames,
    List<String> categories) {
  public ResourceNames {
    Objects.requireNonNull(plural, "plural");
    Objects.requireNonNull(kind, "kind");
    singular = singular == null || singular.isEmpty() ? kind.toLowerCase(java.util.Locale.ROOT) : singular;
    listKind = listKind == null || listKind.isEmpty() ? kind + "List" : listKind;
    shortNames = List.copyOf(shortNames);
    categories = List.copyOf(categories);
  }
}
