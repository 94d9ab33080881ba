package io.revisor.apiserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.revisor.apiserver.config.ServerOptions;
import io.revisor.apiserver.crd.DefinitionLoader;
import io.revisor.apiserver.crd.ResourceDefinition;
import io.revisor.apiserver.crd.ResourceRegistry;
import io.revisor.storage.resource.ResourceType;
import io.revisor.storage.resource.RetentionPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/** Retention per kind: the flags, the definitions' annotations over them, and refused values. */
class RetentionSettingsTest {
  static final ResourceType WIDGETS = ResourceType.namespaced("example.com", "widgets");

  /** A namespaced kind {@code <plural>.example.com} with these annotations and any content. */
  static String definition(String plural, String kind, Map<String, String> annotations) {
    String metadata = annotations.isEmpty() ? "" : "\n  annotations:\n" + annotations.entrySet().stream()
        .map(a -> "    " + a.getKey() + ": \"" + a.getValue() + "\"").collect(Collectors.joining("\n"));
    return """
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata:
          name: %1$s.example.com%3$s
        spec:
          group: example.com
          scope: Namespaced
          names: {plural: %1$s, kind: %2$s}
          versions:
            - name: v1
              served: true
              storage: true
              schema:
                openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}
        """.formatted(plural, kind, metadata);
  }

  static RetentionSettings settings(Map<String, String> annotations, String... flags) {
    ServerOptions options = new ServerOptions();
    new CommandLine(options).parseArgs(flags);
    assertThat(options.validate()).isEmpty();
    List<ResourceDefinition> definitions = new ArrayList<>(DefinitionLoader.parse("widgets.yaml",
        definition("widgets", "Widget", annotations)));
    definitions.addAll(DefinitionLoader.system());
    return RetentionSettings.of(options, ResourceRegistry.of(definitions));
  }

  static Stream<Arguments> policies() {
    return Stream.of(
        Arguments.of("defaults keep everything", Map.of(), List.of(), RetentionPolicy.KEEP_ALL),
        Arguments.of("flags apply to every kind", Map.of(),
            List.of("--retention-keep-versions=5", "--retention-max-age=30d", "--trash-ttl=168h"),
            new RetentionPolicy(5, Duration.ofDays(30), Duration.ofDays(7))),
        Arguments.of("flags of 0 keep everything", Map.of(),
            List.of("--retention-keep-versions=0", "--retention-max-age=0", "--trash-ttl=0"), RetentionPolicy.KEEP_ALL),
        Arguments.of("annotations without flags",
            Map.of("revisor.io/retention-keep-versions", "10", "revisor.io/retention-max-age", "30d",
                "revisor.io/trash-ttl", "1d12h"),
            List.of(), new RetentionPolicy(10, Duration.ofDays(30), Duration.ofHours(36))),
        Arguments.of("an annotation overrides its flag only", Map.of("revisor.io/retention-max-age", "2h"),
            List.of("--retention-keep-versions=5", "--retention-max-age=30d", "--trash-ttl=168h"),
            new RetentionPolicy(5, Duration.ofHours(2), Duration.ofDays(7))),
        Arguments.of("annotations of 0 lift the flags' limits",
            Map.of("revisor.io/retention-keep-versions", "0", "revisor.io/retention-max-age", "0",
                "revisor.io/trash-ttl", "0"),
            List.of("--retention-keep-versions=5", "--retention-max-age=30d", "--trash-ttl=168h"),
            RetentionPolicy.KEEP_ALL));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("policies")
  void policyOfAServedKind(String name, Map<String, String> annotations, List<String> flags, RetentionPolicy expected) {
    assertThat(settings(annotations, flags.toArray(String[]::new)).apply(WIDGETS)).isEqualTo(expected);
  }

  @Test
  void revisorsOwnKindsFollowTheFlags() {
    RetentionSettings settings = settings(Map.of("revisor.io/retention-keep-versions", "1"),
        "--retention-keep-versions=3", "--trash-ttl=30d");
    RetentionPolicy flags = new RetentionPolicy(3, null, Duration.ofDays(30));
    assertThat(settings.apply(ResourceType.namespaced("revisor.io", "restores"))).isEqualTo(flags);
    assertThat(settings.apply(ResourceType.namespaced("revisor.io", "storagequotas"))).isEqualTo(flags);
  }

  @Test
  void typesNoLongerServedKeepEverything() {
    RetentionSettings settings = settings(Map.of(), "--retention-keep-versions=3");
    assertThat(settings.apply(ResourceType.namespaced("example.com", "gone"))).isEqualTo(RetentionPolicy.KEEP_ALL);
  }

  @Test
  void typesFromStorageMatchByName() {
    // The pruner reads types back from keys; a kind whose scope changed is still the same kind.
    RetentionSettings settings = settings(Map.of("revisor.io/retention-keep-versions", "2"));
    assertThat(settings.apply(ResourceType.clusterScoped("example.com", "widgets")).keepVersions()).isEqualTo(2);
  }

  static Stream<Arguments> invalidAnnotations() {
    return Stream.of(
        Arguments.of("revisor.io/retention-keep-versions", "-1", "must be a number of versions"),
        Arguments.of("revisor.io/retention-keep-versions", "ten", "must be a number of versions"),
        Arguments.of("revisor.io/retention-keep-versions", "1.5", "must be a number of versions"),
        Arguments.of("revisor.io/retention-keep-versions", "9999999999", "must be a number of versions"),
        Arguments.of("revisor.io/retention-keep-versions", "", "must be a number of versions"),
        Arguments.of("revisor.io/retention-max-age", "30", "must be a duration such as 168h or 30d"),
        Arguments.of("revisor.io/retention-max-age", "forever", "must be a duration such as 168h or 30d"),
        Arguments.of("revisor.io/retention-max-age", "-1h", "must be a duration such as 168h or 30d"),
        Arguments.of("revisor.io/trash-ttl", "1 week", "must be a duration such as 168h or 30d"),
        Arguments.of("revisor.io/retention-max-ages", "30d", "Unsupported annotation"),
        Arguments.of("revisor.io/trash-max-age", "30d", "Unsupported annotation"));
  }

  @ParameterizedTest(name = "{0}: \"{1}\"")
  @MethodSource("invalidAnnotations")
  void invalidAnnotationsStopTheStartNamingFileAndAnnotation(String annotation, String value, String problem) {
    assertThatThrownBy(() -> settings(Map.of(annotation, value)))
        .isInstanceOf(StartupException.class)
        .hasMessageStartingWith("invalid resource definition: widgets.yaml: metadata.annotations[" + annotation + "]: ")
        .hasMessageContaining(problem);
  }

  @Test
  void otherAnnotationsAreNotRetentions() {
    assertThat(settings(Map.of("revisor.io/owner", "team-a", "example.com/retention-max-age", "x")).apply(WIDGETS))
        .isEqualTo(RetentionPolicy.KEEP_ALL);
  }

  @Test
  void negativeKeepVersionsFlagIsRefused() {
    ServerOptions options = new ServerOptions();
    new CommandLine(options).parseArgs("--retention-keep-versions=-1");
    assertThat(options.validate())
        .containsExactly("--retention-keep-versions must not be negative (0 keeps every version)");
  }
}
