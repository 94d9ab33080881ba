package io.revisor.apiserver.openapi;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.revisor.apiserver.crd.TestRegistries;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OpenApiV2Test {
  private static final String DEFINITIONS = "#/definitions/";
  private static final String ITEM = "/apis/demo.revisor.io/v1/namespaces/{namespace}/dashboards/{name}";

  private static final JsonNode DEMO = DocumentTrees.tree(OpenApi.of(TestRegistries.demo()).v2());
  private static final JsonNode GADGETS = DocumentTrees.tree(OpenApi.of(TestRegistries.gadgets()).v2());

  @Test
  void isSwagger2WithEveryServedGroupVersion() {
    assertThat(DEMO.get("swagger").asText()).isEqualTo("2.0");
    assertThat(DocumentTrees.names(DEMO.get("paths"))).hasSize(9);
    assertThat(DocumentTrees.names(GADGETS.get("paths")))
        .contains("/apis/test.revisor.io/v1/namespaces/{namespace}/gadgets/{name}/status",
            "/apis/test.revisor.io/v1beta1/namespaces/{namespace}/gadgets/{name}", "/apis/test.revisor.io/v1/blobs")
        .noneMatch(path -> path.contains("v1alpha1"));
    assertThat(DocumentTrees.names(GADGETS.get("definitions")))
        .contains("io.revisor.test.v1.Gadget", "io.revisor.test.v1beta1.Gadget", "io.revisor.test.v1.BlobList");
  }

  @Test
  void everyReferenceResolvesToADefinition() {
    for (JsonNode document : List.of(DEMO, GADGETS)) {
      assertThat(DocumentTrees.refs(document)).isNotEmpty().allSatisfy(ref -> {
        assertThat(ref).startsWith(DEFINITIONS);
        assertThat(document.get("definitions").has(ref.substring(DEFINITIONS.length()))).as(ref).isTrue();
      });
    }
  }

  @Test
  void operationsDeclareConsumesProducesAndBodyParameters() {
    JsonNode patch = DEMO.get("paths").get(ITEM).get("patch");

    assertThat(patch.get("consumes")).extracting(JsonNode::asText).containsExactly(
        "application/json-patch+json", "application/merge-patch+json", "application/apply-patch+yaml");
    assertThat(patch.get("produces")).extracting(JsonNode::asText).containsExactly("application/json", "application/yaml");
    JsonNode body = patch.get("parameters").get(0);
    assertThat(body.get("in").asText()).isEqualTo("body");
    assertThat(body.get("required").asBoolean()).isTrue();
    assertThat(body.get("schema").get("$ref").asText()).isEqualTo(DEFINITIONS + "io.k8s.apimachinery.pkg.apis.meta.v1.Patch");
    assertThat(patch.get("parameters")).extracting(p -> p.get("name").asText()).contains("fieldValidation", "force");
    assertThat(patch.get("parameters").get(1).get("type").asText()).isEqualTo("string");
    assertThat(patch.get("responses").get("200").get("schema").get("$ref").asText())
        .isEqualTo(DEFINITIONS + "io.revisor.demo.v1.Dashboard");
    assertThat(patch.get("x-kubernetes-group-version-kind").get("kind").asText()).isEqualTo("Dashboard");
    assertThat(DocumentTrees.text(OpenApi.of(TestRegistries.demo()).v2())).doesNotContain("strategic");
  }

  @Test
  void referencesKeepTheirDescriptionsAsSiblings() {
    JsonNode metadata = DEMO.get("definitions").get("io.revisor.demo.v1.Dashboard").get("properties").get("metadata");

    assertThat(metadata.get("$ref").asText()).isEqualTo(DEFINITIONS + "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta");
    assertThat(metadata.get("description").asText()).startsWith("Standard object's metadata.");
    assertThat(metadata.has("allOf")).isFalse();
  }

  @Test
  void schemasSaySwagger2OnlyThings() {
    for (JsonNode document : List.of(DEMO, GADGETS)) {
      for (Map.Entry<String, JsonNode> definition : document.get("definitions").properties()) {
        SchemaTree.walk(definition.getValue(), node -> {
          assertThat(node.has("nullable")).as(definition.getKey()).isFalse();
          assertThat(node.has("anyOf") || node.has("allOf") || node.has("oneOf") || node.has("not"))
              .as(definition.getKey()).isFalse();
          assertThat(node.has("default")).as(definition.getKey() + " " + node).isFalse();
        });
      }
    }
  }

  @Test
  void crdSchemaKeepsDescriptionsAndValidationButNotDefaults() {
    JsonNode width = DEMO.get("definitions").get("io.revisor.demo.v1.Dashboard").get("properties").get("spec")
        .get("properties").get("panels").get("items").get("properties").get("width");

    assertThat(width.get("description").asText()).isEqualTo("Width in grid columns.");
    assertThat(width.get("maximum").asInt()).isEqualTo(24);
    assertThat(width.has("default")).isFalse();
    assertThat(DEMO.get("definitions").get("io.revisor.demo.v1.Dashboard").get("x-kubernetes-group-version-kind")
        .get(0).get("kind").asText()).isEqualTo("Dashboard");
  }
}
