package io.revisor.apiserver.install;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/** The objects of one {@code kubectl kustomize} output, parsed with Fabric8's model, with lookups that fail clearly. */
final class Rendered {
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();
  private static final Pattern DOCUMENT_SEPARATOR = Pattern.compile("(?m)^---\\s*$");

  /** A Deployment or StatefulSet: what Services, budgets and policies select. */
  record Workload(HasMetadata object, LabelSelector selector, PodTemplateSpec template) {
    String describe() {
      return object.getKind() + " " + object.getMetadata().getNamespace() + "/" + object.getMetadata().getName();
    }

    Map<String, String> podLabels() {
      return Objects.requireNonNullElse(template.getMetadata().getLabels(), Map.of());
    }

    /** The only container (the install runs one per pod). */
    Container container() {
      assertThat(template.getSpec().getContainers()).as("containers of %s", describe()).hasSize(1);
      return template.getSpec().getContainers().get(0);
    }
  }

  private final String source;
  private final List<HasMetadata> objects;

  private Rendered(String source, List<HasMetadata> objects) {
    this.source = source;
    this.objects = List.copyOf(objects);
  }

  /** Parses multi-document YAML; {@code source} names it in failure messages. */
  static Rendered parse(String source, String yaml) {
    List<HasMetadata> objects = new ArrayList<>();
    for (String document : DOCUMENT_SEPARATOR.split(yaml)) {
      if (document.isBlank()) {
        continue;
      }
      Object parsed = SERIALIZATION.unmarshal(document);
      assertThat(parsed).as("a document of %s", source).isInstanceOf(HasMetadata.class);
      objects.add((HasMetadata) parsed);
    }
    assertThat(objects).as("objects rendered from %s", source).isNotEmpty();
    return new Rendered(source, objects);
  }

  String source() {
    return source;
  }

  List<HasMetadata> objects() {
    return objects;
  }

  /** Every object of this model class (cert-manager's kinds: see {@link #generic}). */
  <T extends HasMetadata> List<T> all(Class<T> type) {
    return objects.stream().filter(type::isInstance).map(type::cast).toList();
  }

  /** Objects without a Fabric8 model class, by apiVersion and kind. */
  List<GenericKubernetesResource> generic(String apiVersion, String kind) {
    return all(GenericKubernetesResource.class).stream()
        .filter(o -> o.getApiVersion().equals(apiVersion) && o.getKind().equals(kind))
        .toList();
  }

  <T extends HasMetadata> Optional<T> find(Class<T> type, String namespace, String name) {
    return all(type).stream()
        .filter(o -> Objects.equals(o.getMetadata().getNamespace(), namespace) && o.getMetadata().getName().equals(name))
        .findFirst();
  }

  /** The object, or a failure naming what is missing. */
  <T extends HasMetadata> T get(Class<T> type, String namespace, String name) {
    return find(type, namespace, name).orElseThrow(() -> new AssertionError(
        source + " has no " + type.getSimpleName() + " " + (namespace == null ? "" : namespace + "/") + name));
  }

  /** The single object of this class. */
  <T extends HasMetadata> T only(Class<T> type) {
    List<T> all = all(type);
    assertThat(all).as("%s objects in %s", type.getSimpleName(), source).hasSize(1);
    return all.get(0);
  }

  GenericKubernetesResource getGeneric(String apiVersion, String kind, String namespace, String name) {
    return generic(apiVersion, kind).stream()
        .filter(o -> Objects.equals(o.getMetadata().getNamespace(), namespace) && o.getMetadata().getName().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError(source + " has no " + kind + " " + namespace + "/" + name));
  }

  List<Workload> workloads() {
    List<Workload> workloads = new ArrayList<>();
    for (Deployment d : all(Deployment.class)) {
      workloads.add(new Workload(d, d.getSpec().getSelector(), d.getSpec().getTemplate()));
    }
    for (StatefulSet s : all(StatefulSet.class)) {
      workloads.add(new Workload(s, s.getSpec().getSelector(), s.getSpec().getTemplate()));
    }
    return workloads;
  }

  Workload workload(HasMetadata object) {
    return workloads().stream().filter(w -> w.object() == object).findFirst().orElseThrow();
  }

  /**
   * The one workload in {@code namespace} whose pods a selector (given as its {@code matchLabels}) matches; fails
   * when none or several do.
   */
  Workload selectedWorkload(String what, String namespace, Map<String, String> matchLabels) {
    assertThat(matchLabels).as("selector of %s", what).isNotEmpty();
    List<Workload> matched = workloads().stream()
        .filter(w -> Objects.equals(w.object().getMetadata().getNamespace(), namespace))
        .filter(w -> w.podLabels().entrySet().containsAll(matchLabels.entrySet()))
        .toList();
    assertThat(matched).as("workloads selected by %s (%s)", what, matchLabels).hasSize(1);
    return matched.get(0);
  }

  /** As {@link #selectedWorkload(String, String, Map)}, for a LabelSelector (matchLabels only). */
  Workload selectedWorkload(String what, String namespace, LabelSelector selector) {
    assertThat(selector).as("selector of %s", what).isNotNull();
    assertThat(selector.getMatchExpressions()).as("matchExpressions of %s (not used by the install)", what)
        .isNullOrEmpty();
    return selectedWorkload(what, namespace, selector.getMatchLabels());
  }
}
