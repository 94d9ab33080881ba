package io.revisor.apiserver.openapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

import com.fasterxml.jackson.databind.JsonNode;
import io.revisor.apiserver.crd.ResourceDefinition;
import io.revisor.apiserver.crd.ResourceRegistry;
import io.revisor.apiserver.crd.TestRegistries;
import io.revisor.apiserver.json.Json;
import java.io.IOException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** How a definition's schema becomes the published one, in each dialect (test definitions: gadgets.yaml). */
class KindSchemasTest {
  private static final ResourceRegistry REGISTRY = TestRegistries.gadgets();
  private static final ResourceDefinition GADGET = REGISTRY.find("test.revisor.io", "v1", "gadgets").orElseThrow();
  private static final ResourceDefinition BLOB = REGISTRY.find("test.revisor.io", "v1", "blobs").orElseThrow();
  private static final String SPEC = "/properties/spec/properties/";

  static Stream<Arguments> fields() {
    return Stream.of(
        argumentSet("int-or-string unfolds into anyOf (v3)", Dialect.V3, SPEC + "size", """
            {"description": "A count or a percentage.", "x-kubernetes-int-or-string": true, "default": 1,
             "anyOf": [{"type": "integer"}, {"type": "string"}]}"""),
        argumentSet("int-or-string stays untyped without junctors or default (v2)", Dialect.V2, SPEC + "size", """
            {"description": "A count or a percentage.", "x-kubernetes-int-or-string": true}"""),
        argumentSet("nullable kept (v3)", Dialect.V3, SPEC + "label", """
            {"type": "string", "nullable": true, "description": "May be null."}"""),
        argumentSet("nullable becomes untyped (v2)", Dialect.V2, SPEC + "label", """
            {"description": "May be null."}"""),
        argumentSet("preserve-unknown-fields keeps known properties (v3)", Dialect.V3, SPEC + "settings", """
            {"type": "object", "x-kubernetes-preserve-unknown-fields": true,
             "properties": {"known": {"type": "string"}}}"""),
        argumentSet("preserve-unknown-fields drops properties (v2)", Dialect.V2, SPEC + "settings", """
            {"type": "object", "x-kubernetes-preserve-unknown-fields": true}"""),
        argumentSet("embedded resource preserving unknown fields gets nothing listed (v2)", Dialect.V2,
            SPEC + "template", """
            {"type": "object", "x-kubernetes-embedded-resource": true, "x-kubernetes-preserve-unknown-fields": true}"""),
        argumentSet("anyOf kept (v3)", Dialect.V3, SPEC + "choice", """
            {"type": "string", "anyOf": [{"pattern": "^a"}, {"pattern": "^b"}]}"""),
        argumentSet("anyOf dropped (v2)", Dialect.V2, SPEC + "choice", """
            {"type": "string"}"""),
        argumentSet("false extensions are not published (v3)", Dialect.V3, SPEC + "flag", """
            {"type": "boolean"}"""),
        argumentSet("false extensions are not published (v2)", Dialect.V2, SPEC + "flag", """
            {"type": "boolean"}"""));
  }

  @ParameterizedTest
  @MethodSource("fields")
  void publishes(Dialect dialect, String pointer, String expected) throws IOException {
    JsonNode schema = KindSchemas.kind(GADGET, GADGET.servedVersion("v1").orElseThrow(), dialect);

    assertThat(schema.at(pointer)).isEqualTo(Json.MAPPER.readTree(expected));
  }

  @Test
  void exampleAndExternalDocsAreDropped() {
    for (Dialect dialect : Dialect.values()) {
      JsonNode spec = KindSchemas.kind(GADGET, GADGET.servedVersion("v1").orElseThrow(), dialect).at("/properties/spec");
      assertThat(spec.has("example")).isFalse();
      assertThat(spec.has("externalDocs")).isFalse();
    }
  }

  @Test
  void nullableFieldsAreNotRequiredInV2() {
    JsonNode v3 = KindSchemas.kind(GADGET, GADGET.servedVersion("v1").orElseThrow(), Dialect.V3);
    JsonNode v2 = KindSchemas.kind(GADGET, GADGET.servedVersion("v1").orElseThrow(), Dialect.V2);

    assertThat(v3.at("/properties/spec/required")).extracting(JsonNode::asText).containsExactly("size", "label");
    assertThat(v2.at("/properties/spec/required")).extracting(JsonNode::asText).containsExactly("size");
    assertThat(v2.at("/required")).extracting(JsonNode::asText).containsExactly("spec");
  }

  @Test
  void embeddedResourcesGetTypeMetaAndObjectMeta() {
    for (Dialect dialect : Dialect.values()) {
      JsonNode part = KindSchemas.kind(GADGET, GADGET.servedVersion("v1").orElseThrow(), dialect).at(SPEC + "part");

      assertThat(DocumentTrees.names(part.get("properties"))).containsExactly("color", "apiVersion", "kind", "metadata");
      assertThat(part.get("required")).extracting(JsonNode::asText).containsExactly("kind", "apiVersion");
      assertThat(part.at("/properties/kind/type").asText()).isEqualTo("string");
      String ref = dialect == Dialect.V3
          ? part.at("/properties/metadata/allOf/0/$ref").asText()
          : part.at("/properties/metadata/$ref").asText();
      assertThat(ref).isEqualTo(dialect.ref("io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"));
    }
    JsonNode template = KindSchemas.kind(GADGET, GADGET.servedVersion("v1").orElseThrow(), Dialect.V3)
        .at(SPEC + "template");
    assertThat(DocumentTrees.names(template.get("properties"))).containsExactly("apiVersion", "kind", "metadata");
  }

  @Test
  void rootPreservingUnknownFieldsIsOpaqueInV2Only() {
    JsonNode v2 = KindSchemas.kind(BLOB, BLOB.servedVersion("v1").orElseThrow(), Dialect.V2);
    JsonNode v3 = KindSchemas.kind(BLOB, BLOB.servedVersion("v1").orElseThrow(), Dialect.V3);

    assertThat(DocumentTrees.names(v2)).containsExactly("type", "x-kubernetes-group-version-kind");
    assertThat(DocumentTrees.names(v3.get("properties"))).containsExactly("apiVersion", "kind", "metadata", "data");
    assertThat(v3.get("x-kubernetes-preserve-unknown-fields").asBoolean()).isTrue();
  }

  @Test
  void kindSchemaNamesTheVersionItDescribes() {
    JsonNode v1beta1 = KindSchemas.kind(GADGET, GADGET.servedVersion("v1beta1").orElseThrow(), Dialect.V3);

    assertThat(v1beta1.at("/x-kubernetes-group-version-kind/0/version").asText()).isEqualTo("v1beta1");
    assertThat(v1beta1.at("/properties/spec/properties/size/type").asText()).isEqualTo("string");
    assertThat(KindSchemas.list(GADGET, "v1beta1", Dialect.V3).at("/properties/items/items/$ref").asText())
        .isEqualTo("#/components/schemas/io.revisor.test.v1beta1.Gadget");
    assertThat(KindSchemas.list(GADGET, "v1beta1", Dialect.V3).at("/x-kubernetes-group-version-kind/0/kind").asText())
        .isEqualTo("GadgetList");
  }

  @Test
  void definitionNamesReverseTheGroup() {
    assertThat(SchemaNames.kind("demo.revisor.io", "v1", "Dashboard")).isEqualTo("io.revisor.demo.v1.Dashboard");
    assertThat(SchemaNames.kind("example.com", "v1alpha1", "Widget")).isEqualTo("com.example.v1alpha1.Widget");
  }

  @Test
  void theDefinitionsOwnSchemaIsNotChanged() {
    String before = GADGET.servedVersion("v1").orElseThrow().schema().toString();
    KindSchemas.kind(GADGET, GADGET.servedVersion("v1").orElseThrow(), Dialect.V2);
    KindSchemas.kind(GADGET, GADGET.servedVersion("v1").orElseThrow(), Dialect.V3);

    assertThat(GADGET.servedVersion("v1").orElseThrow().schema().toString()).isEqualTo(before);
  }
}
