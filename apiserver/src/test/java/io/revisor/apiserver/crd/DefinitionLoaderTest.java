package io.revisor.apiserver.crd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class DefinitionLoaderTest {
  static final String VALID = """
      apiVersion: apiextensions.k8s.io/v1
      kind: CustomResourceDefinition
      metadata:
        name: widgets.example.com
      spec:
        group: example.com
        scope: Namespaced
        names:
          plural: widgets
          kind: Widget
          shortNames: [wd]
        versions:
          - name: v1
            served: true
            storage: true
            schema:
              openAPIV3Schema:
                type: object
                properties:
                  spec:
                    type: object
      """;

  @Test
  void bundledDemoSet() {
    List<ResourceDefinition> demo = DefinitionLoader.bundledDemo();
    assertThat(demo).extracting(ResourceDefinition::name)
        .containsExactly("dashboards.demo.revisor.io", "folders.demo.revisor.io", "organizations.demo.revisor.io");
    ResourceDefinition dashboards = demo.get(0);
    assertThat(dashboards.namespaced()).isTrue();
    assertThat(dashboards.storageVersion().statusSubresource()).isTrue();
    assertThat(dashboards.names().shortNames()).containsExactly("dash");
    assertThat(dashboards.storageVersion().printerColumns()).extracting(PrinterColumn::name)
        .containsExactly("Title", "Folder", "Panels", "Phase", "Refresh", "Age");
    assertThat(demo.get(2).namespaced()).isFalse();
  }

  @Test
  void systemKindsRestrictVerbsAndDeclareSelectableFields() {
    List<ResourceDefinition> system = DefinitionLoader.system();
    assertThat(system).extracting(ResourceDefinition::name).containsExactly("revisions.revisor.io",
        "deletedobjects.revisor.io", "restores.revisor.io", "resourcestats.revisor.io", "storagequotas.revisor.io");
    assertThat(system).extracting(ResourceDefinition::verbs).containsExactly(
        List.of("get", "list", "watch"), List.of("get", "list"), ResourceDefinition.ALL_VERBS, List.of("get", "list"),
        ResourceDefinition.ALL_VERBS);
    assertThat(system.get(0).storageVersion().selectableFields())
        .containsExactly("spec.resource", "spec.name", "spec.action", "spec.user");
  }

  @Test
  void annotationsAndSelectableFieldsOfServedDefinitions() {
    ResourceDefinition widgets = DefinitionLoader.parse("w.yaml", VALID
        .replace("  name: widgets.example.com", "  name: widgets.example.com\n  annotations:\n    team: a")
        .replace("      schema:", "      selectableFields:\n        - jsonPath: .spec.color\n      schema:")).get(0);
    assertThat(widgets.annotations()).containsEntry("team", "a");
    assertThat(widgets.verbs()).isEqualTo(ResourceDefinition.ALL_VERBS);
    assertThat(widgets.storageVersion().selectableFields()).containsExactly("spec.color");
  }

  @Test
  void defaultsAndAgeColumn() {
    ResourceDefinition widgets = DefinitionLoader.parse("w.yaml", VALID).get(0);
    assertThat(widgets.names().singular()).isEqualTo("widget");
    assertThat(widgets.names().listKind()).isEqualTo("WidgetList");
    assertThat(widgets.storageVersion().printerColumns()).containsExactly(PrinterColumn.age());
  }

  @Test
  void directoryOfManifests(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("a.yaml"), VALID);
    Files.writeString(dir.resolve("b.yml"), VALID.replace("widgets", "gadgets").replace("Widget", "Gadget")
        .replace("[wd]", "[gd]"));
    Files.writeString(dir.resolve("notes.txt"), "ignored");
    assertThat(DefinitionLoader.load(dir)).extracting(ResourceDefinition::name)
        .containsExactly("widgets.example.com", "gadgets.example.com");
  }

  static Stream<Arguments> invalid() {
    return Stream.of(
        Arguments.of("wrong apiVersion", VALID.replace("apiextensions.k8s.io/v1", "apiextensions.k8s.io/v1beta1"),
            "apiVersion"),
        Arguments.of("wrong kind", VALID.replace("kind: CustomResourceDefinition", "kind: ConfigMap"), "kind"),
        Arguments.of("group without a dot", VALID.replace("group: example.com", "group: example")
            .replace("widgets.example.com", "widgets.example"), "spec.group"),
        Arguments.of("name not plural.group", VALID.replace("name: widgets.example.com", "name: w.example.com"),
            "metadata.name"),
        Arguments.of("bad scope", VALID.replace("scope: Namespaced", "scope: Global"), "spec.scope"),
        Arguments.of("no kind", VALID.replace("kind: Widget", "kind: \"\""), "spec.names.kind"),
        Arguments.of("uppercase plural", VALID.replace("plural: widgets", "plural: Widgets")
            .replace("name: widgets.example.com", "name: Widgets.example.com"), "spec.names.plural"),
        Arguments.of("no storage version", VALID.replace("storage: true", "storage: false"), "spec.versions"),
        Arguments.of("no schema", VALID.substring(0, VALID.indexOf("      schema:")),
            "spec.versions[0].schema.openAPIV3Schema"),
        Arguments.of("bad printer column type", VALID.replace("      schema:",
            "      additionalPrinterColumns:\n        - name: X\n          type: color\n"
                + "          jsonPath: .spec.x\n      schema:"),
            "spec.versions[0].additionalPrinterColumns[0].type"),
        Arguments.of("bad printer column path", VALID.replace("      schema:",
            "      additionalPrinterColumns:\n        - name: X\n          type: string\n"
                + "          jsonPath: .spec[\n      schema:"),
            "spec.versions[0].additionalPrinterColumns[0].jsonPath"),
        Arguments.of("webhook conversion", VALID.replace("  scope: Namespaced",
            "  scope: Namespaced\n  conversion:\n    strategy: Webhook"), "spec.conversion.strategy"),
        Arguments.of("Revisor's own group", VALID.replace("example.com", "revisor.io"), "spec.group"),
        Arguments.of("restricted verbs", VALID.replace("  name: widgets.example.com",
            "  name: widgets.example.com\n  annotations:\n    revisor.io/verbs: get,list"),
            "metadata.annotations[revisor.io/verbs]"),
        Arguments.of("selectable field without a dot", VALID.replace("      schema:",
            "      selectableFields:\n        - jsonPath: spec.color\n      schema:"),
            "spec.versions[0].selectableFields[0].jsonPath"),
        Arguments.of("selectable metadata.name", VALID.replace("      schema:",
            "      selectableFields:\n        - jsonPath: .metadata.name\n      schema:"),
            "spec.versions[0].selectableFields[0].jsonPath"),
        Arguments.of("duplicate selectable field", VALID.replace("      schema:",
            "      selectableFields:\n        - jsonPath: .spec.a\n        - jsonPath: .spec.a\n      schema:"),
            "spec.versions[0].selectableFields[1].jsonPath"),
        Arguments.of("not YAML", "a: [", ""));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalid")
  void rejectsNamingFileAndField(String name, String yaml, String field) {
    DefinitionException e = catchThrowableOfType(DefinitionException.class,
        () -> DefinitionLoader.parse("defs/w.yaml", yaml));
    assertThat(e).isNotNull();
    assertThat(e.source()).isEqualTo("defs/w.yaml");
    assertThat(e.field()).isEqualTo(field);
    assertThat(e.getMessage()).startsWith("defs/w.yaml: " + (field.isEmpty() ? "" : field + ": "));
  }

  @Test
  void duplicateDefinitionsAcrossFiles(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("a.yaml"), VALID);
    Files.writeString(dir.resolve("b.yaml"), VALID);
    DefinitionException e = catchThrowableOfType(DefinitionException.class, () -> DefinitionLoader.load(dir));
    assertThat(e.getMessage()).contains("b.yaml", "metadata.name", "also defined in", "a.yaml");
  }

  @Test
  void versionPriorityOrdersStableFirst() {
    assertThat(Stream.of("v1alpha1", "v2", "v1beta2", "v1", "foo", "v10beta1", "v1beta1")
        .sorted(VersionPriority::compare).toList())
        .containsExactly("v2", "v1", "v10beta1", "v1beta2", "v1beta1", "v1alpha1", "foo");
  }
}
