package io.revisor.apiserver.admission;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The whole admission of a realistic custom resource: a Dashboard CRD as a user would write it. */
class DashboardAdmissionTest {
  private static SchemaAdmission admission;

  @BeforeAll
  static void compileCrd() throws IOException {
    try (InputStream in = DashboardAdmissionTest.class.getResourceAsStream("/admission/dashboard-crd.yaml")) {
      JsonNode crd = Yaml.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
      admission = SchemaAdmission.compile(crd.at("/spec/versions/0/schema/openAPIV3Schema"));
    }
  }

  @Test
  void admitsAValidDashboard() {
    ObjectNode dashboard = Yaml.object("""
        apiVersion: example.com/v1
        kind: Dashboard
        metadata:
          name: ops
          namespace: monitoring
          annotations: {example.com/owner: sre}
          colour: blue
        spec:
          title: Operations
          panels:
          - {name: cpu, kind: graph, query: 'rate(cpu[5m])', legend: true}
          - {name: notes, kind: text, width: 24}
          folderRef: {name: shared}
          theme: dark
        status:
          phase: Ready
        """);

    assertThat(admission.prune(dashboard))
        .containsExactly("metadata.colour", "spec.panels[0].legend", "spec.theme");
    admission.applyDefaults(dashboard);

    assertThat(admission.validate(dashboard)).isEmpty();
    assertThat(ObjectMetaValidation.validateCreate(dashboard.get("metadata"), true)).isEmpty();
    assertThat(dashboard.get("spec")).isEqualTo(Yaml.parse("""
        title: Operations
        panels:
        - {name: cpu, kind: graph, query: 'rate(cpu[5m])', width: 12}
        - {name: notes, kind: text, width: 24}
        folderRef: {name: shared}
        refreshInterval: 5m
        """));
  }

  @Test
  void reportsEveryProblemOfAnInvalidDashboardInKubeOrder() {
    ObjectNode dashboard = Yaml.object("""
        apiVersion: example.com/v1
        kind: Dashboard
        metadata: {name: Ops, namespace: monitoring}
        spec:
          refreshInterval: 5 minutes
          panels:
          - {name: cpu, kind: graph}
          - {name: mem, kind: pie, width: 30}
          - {name: cpu, kind: table}
          folderRef: {namespace: shared}
        status:
          phase: Unknown
        """);
    ((ObjectNode) dashboard.get("spec")).put("title", "t".repeat(201));

    assertThat(admission.prune(dashboard)).isEmpty();
    admission.applyDefaults(dashboard);

    assertThat(admission.validate(dashboard)).extracting(FieldError::line).containsExactly(
        "spec.title: Too long: may not be more than 200 bytes",
        "spec.refreshInterval: Invalid value: \"5 minutes\": spec.refreshInterval in body should match "
            + "'^([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$'",
        "spec.panels[1].kind: Unsupported value: \"pie\": supported values: \"graph\", \"table\", \"text\"",
        "spec.panels[1].width: Invalid value: 30: spec.panels[1].width in body should be less than or equal to 24",
        "spec.folderRef.name: Required value",
        "status.phase: Unsupported value: \"Unknown\": supported values: \"Pending\", \"Ready\", \"Failed\"",
        "spec.panels[2]: Duplicate value: {\"name\":\"cpu\"}");
    assertThat(ObjectMetaValidation.validateCreate(dashboard.get("metadata"), true))
        .extracting(FieldError::type, FieldError::field)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(FieldError.INVALID, "metadata.name"));
  }

  @Test
  void requiresTheTitle() {
    ObjectNode dashboard = Yaml.object("apiVersion: example.com/v1\nkind: Dashboard\nspec: {}");
    admission.applyDefaults(dashboard);

    assertThat(admission.validate(dashboard)).containsExactly(
        new FieldError(FieldError.REQUIRED, "spec.title", "Required value"));
  }
}
