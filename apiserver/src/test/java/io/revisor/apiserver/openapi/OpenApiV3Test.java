package io.revisor.apiserver.openapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

import com.fasterxml.jackson.databind.JsonNode;
import io.revisor.apiserver.crd.TestRegistries;
import io.revisor.apiserver.json.JsonDocument;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class OpenApiV3Test {
  private static final String G = "/apis/demo.revisor.io/v1";
  private static final String NS = G + "/namespaces/{namespace}";
  private static final String SCHEMAS = "#/components/schemas/";

  private static final OpenApi DEMO = OpenApi.of(TestRegistries.demo());
  private static final JsonNode DOC = DocumentTrees.tree(DEMO.v3("demo.revisor.io", "v1").orElseThrow());
  private static final JsonNode PATHS = DOC.get("paths");

  @Test
  void indexLinksEachGroupVersionWithTheHashOfItsDocument() {
    JsonNode index = DocumentTrees.tree(DEMO.v3Index());
    JsonDocument document = DEMO.v3("demo.revisor.io", "v1").orElseThrow();

    assertThat(DocumentTrees.names(index.get("paths"))).containsExactly("apis/demo.revisor.io/v1");
    assertThat(index.get("paths").get("apis/demo.revisor.io/v1").get("serverRelativeURL").asText())
        .isEqualTo("/openapi/v3/apis/demo.revisor.io/v1?hash=" + document.hash())
        .isEqualTo(DEMO.serverRelativeUrl("demo.revisor.io", "v1").orElseThrow());
    assertThat(document.hash()).matches("[0-9A-F]{128}");
  }

  @Test
  void documentsAreFoundByGroupVersionOrByPath() {
    JsonDocument document = DEMO.v3("demo.revisor.io", "v1").orElseThrow();

    assertThat(DEMO.v3("apis/demo.revisor.io/v1")).containsSame(document);
    assertThat(DEMO.v3("/openapi/v3/apis/demo.revisor.io/v1")).containsSame(document);
    assertThat(DEMO.v3("demo.revisor.io", "v2")).isEmpty();
    assertThat(DEMO.v3("apis/apps/v1")).isEmpty();
    assertThat(DEMO.serverRelativeUrl("apps", "v1")).isEmpty();
  }

  @Test
  void documentsAreStableAcrossBuilds() {
    OpenApi again = OpenApi.of(TestRegistries.demo());

    assertThat(again.v3Index().bytes()).isEqualTo(DEMO.v3Index().bytes());
    assertThat(again.v3("demo.revisor.io", "v1").orElseThrow().etag())
        .isEqualTo(DEMO.v3("demo.revisor.io", "v1").orElseThrow().etag());
    assertThat(again.v2().etag()).isEqualTo(DEMO.v2().etag());
  }

  @Test
  void isOpenApi3() {
    assertThat(DOC.get("openapi").asText()).isEqualTo("3.0.0");
    assertThat(DOC.get("info").get("title").asText()).isNotEmpty();
  }

  static Stream<Arguments> paths() {
    return Stream.of(
        argumentSet("namespaced kind listed across namespaces", G + "/dashboards", List.of("get")),
        argumentSet("namespaced collection", NS + "/dashboards", List.of("get", "post", "delete")),
        argumentSet("namespaced item", NS + "/dashboards/{name}", List.of("get", "put", "patch", "delete")),
        argumentSet("status subresource", NS + "/dashboards/{name}/status", List.of("get", "put", "patch")),
        argumentSet("namespaced kind without status", NS + "/folders/{name}", List.of("get", "put", "patch", "delete")),
        argumentSet("cluster-scoped collection", G + "/organizations", List.of("get", "post", "delete")),
        argumentSet("cluster-scoped item", G + "/organizations/{name}", List.of("get", "put", "patch", "delete")));
  }

  @ParameterizedTest
  @MethodSource("paths")
  void servesTheOperationsKubeServes(String path, List<String> methods) {
    assertThat(PATHS.has(path)).as(path).isTrue();
    assertThat(operations(PATHS.get(path)).keySet()).containsExactlyInAnyOrderElementsOf(methods);
  }

  @Test
  void hasNoOtherPaths() {
    assertThat(DocumentTrees.names(PATHS)).containsExactlyInAnyOrder(
        G + "/dashboards", NS + "/dashboards", NS + "/dashboards/{name}", NS + "/dashboards/{name}/status",
        G + "/folders", NS + "/folders", NS + "/folders/{name}",
        G + "/organizations", G + "/organizations/{name}");
  }

  static Stream<Arguments> operationIds() {
    return Stream.of(
        argumentSet("list all namespaces", G + "/dashboards", "get", "listDemoRevisorIoV1DashboardForAllNamespaces", "list"),
        argumentSet("list", NS + "/dashboards", "get", "listDemoRevisorIoV1NamespacedDashboard", "list"),
        argumentSet("create", NS + "/dashboards", "post", "createDemoRevisorIoV1NamespacedDashboard", "post"),
        argumentSet("delete collection", NS + "/dashboards", "delete",
            "deleteDemoRevisorIoV1CollectionNamespacedDashboard", "deletecollection"),
        argumentSet("read", NS + "/dashboards/{name}", "get", "readDemoRevisorIoV1NamespacedDashboard", "get"),
        argumentSet("replace", NS + "/dashboards/{name}", "put", "replaceDemoRevisorIoV1NamespacedDashboard", "put"),
        argumentSet("patch", NS + "/dashboards/{name}", "patch", "patchDemoRevisorIoV1NamespacedDashboard", "patch"),
        argumentSet("delete", NS + "/dashboards/{name}", "delete", "deleteDemoRevisorIoV1NamespacedDashboard", "delete"),
        argumentSet("read status", NS + "/dashboards/{name}/status", "get",
            "readDemoRevisorIoV1NamespacedDashboardStatus", "get"),
        argumentSet("patch status", NS + "/dashboards/{name}/status", "patch",
            "patchDemoRevisorIoV1NamespacedDashboardStatus", "patch"),
        argumentSet("cluster-scoped list", G + "/organizations", "get", "listDemoRevisorIoV1Organization", "list"),
        argumentSet("cluster-scoped delete collection", G + "/organizations", "delete",
            "deleteDemoRevisorIoV1CollectionOrganization", "deletecollection"));
  }

  @ParameterizedTest
  @MethodSource("operationIds")
  void operationIdsAndActionsAreKubes(String path, String method, String operationId, String action) {
    JsonNode operation = PATHS.get(path).get(method);

    assertThat(operation.get("operationId").asText()).isEqualTo(operationId);
    assertThat(operation.get("x-kubernetes-action").asText()).isEqualTo(action);
    assertThat(operation.get("tags")).extracting(JsonNode::asText).containsExactly("demoRevisorIo_v1");
  }

  @Test
  void descriptionsUseTheRightArticle() {
    assertThat(PATHS.get(NS + "/dashboards").get("post").get("description").asText()).isEqualTo("create a Dashboard");
    assertThat(PATHS.get(G + "/organizations").get("post").get("description").asText())
        .isEqualTo("create an Organization");
    assertThat(PATHS.get(NS + "/dashboards/{name}/status").get("patch").get("description").asText())
        .isEqualTo("partially update status of the specified Dashboard");
  }

  @Test
  void everyOperationNamesItsGroupVersionKind() {
    for (Map.Entry<String, JsonNode> path : PATHS.properties()) {
      String plural = path.getKey().replaceAll(".*/(dashboards|folders|organizations).*", "$1");
      String kind = Map.of("dashboards", "Dashboard", "folders", "Folder", "organizations", "Organization").get(plural);
      operations(path.getValue()).forEach((method, operation) -> {
        JsonNode gvk = operation.get("x-kubernetes-group-version-kind");
        assertThat(gvk).as(method + " " + path.getKey()).isNotNull();
        assertThat(gvk.get("group").asText()).isEqualTo("demo.revisor.io");
        assertThat(gvk.get("version").asText()).isEqualTo("v1");
        assertThat(gvk.get("kind").asText()).isEqualTo(kind);
      });
    }
  }

  @Test
  void everyKindSchemaNamesItsGroupVersionKind() {
    JsonNode schemas = DOC.get("components").get("schemas");
    for (String kind : List.of("Dashboard", "DashboardList", "Folder", "FolderList", "Organization",
        "OrganizationList")) {
      JsonNode gvk = schemas.get("io.revisor.demo.v1." + kind).get("x-kubernetes-group-version-kind");
      assertThat(gvk).as(kind).hasSize(1);
      assertThat(gvk.get(0).get("group").asText()).isEqualTo("demo.revisor.io");
      assertThat(gvk.get(0).get("version").asText()).isEqualTo("v1");
      assertThat(gvk.get(0).get("kind").asText()).isEqualTo(kind);
    }
  }

  @Test
  void patchAcceptsJsonMergeAndApplyPatchesButNeverStrategicMerge() {
    List<String> seen = new ArrayList<>();
    for (Map.Entry<String, JsonNode> path : PATHS.properties()) {
      JsonNode patch = path.getValue().get("patch");
      if (patch != null) {
        seen.add(path.getKey());
        assertThat(DocumentTrees.names(patch.get("requestBody").get("content"))).as(path.getKey()).containsExactly(
            "application/json-patch+json", "application/merge-patch+json", "application/apply-patch+yaml");
        assertThat(patch.get("requestBody").get("content").get("application/apply-patch+yaml").get("schema")
            .get("$ref").asText()).isEqualTo(SCHEMAS + "io.k8s.apimachinery.pkg.apis.meta.v1.Patch");
      }
    }
    assertThat(seen).hasSize(4);
    assertThat(DocumentTrees.text(DEMO.v3("demo.revisor.io", "v1").orElseThrow())).doesNotContain("strategic");
  }

  @ParameterizedTest
  @ValueSource(strings = {"post", "put", "patch"})
  void writesDeclareFieldValidationOnTheOperation(String method) {
    int checked = 0;
    for (Map.Entry<String, JsonNode> path : PATHS.properties()) {
      JsonNode operation = path.getValue().get(method);
      if (operation != null) {
        checked++;
        assertThat(operationParameters(operation)).as(method + " " + path.getKey())
            .contains("fieldValidation", "fieldManager", "dryRun");
      }
    }
    assertThat(checked).isPositive();
  }

  @Test
  void onlyWritesDeclareFieldValidation() {
    for (Map.Entry<String, JsonNode> path : PATHS.properties()) {
      assertThat(pathParameters(path.getValue())).doesNotContain("fieldValidation");
      for (String method : List.of("get", "delete")) {
        if (path.getValue().has(method)) {
          assertThat(operationParameters(path.getValue().get(method))).doesNotContain("fieldValidation");
        }
      }
    }
  }

  static Stream<Arguments> parameters() {
    return Stream.of(
        argumentSet("list across namespaces: all on the path", G + "/dashboards", "get",
            List.of("allowWatchBookmarks", "continue", "fieldSelector", "labelSelector", "limit", "pretty",
                "resourceVersion", "resourceVersionMatch", "sendInitialEvents", "timeoutSeconds", "watch"),
            List.of()),
        argumentSet("namespaced list", NS + "/dashboards", "get", List.of("namespace", "pretty"),
            List.of("allowWatchBookmarks", "continue", "fieldSelector", "labelSelector", "limit", "resourceVersion",
                "resourceVersionMatch", "sendInitialEvents", "timeoutSeconds", "watch")),
        argumentSet("create", NS + "/dashboards", "post", List.of("namespace", "pretty"),
            List.of("dryRun", "fieldManager", "fieldValidation")),
        argumentSet("delete collection", NS + "/dashboards", "delete", List.of("namespace", "pretty"),
            List.of("continue", "dryRun", "fieldSelector", "gracePeriodSeconds", "labelSelector", "limit",
                "orphanDependents", "propagationPolicy", "resourceVersion", "resourceVersionMatch",
                "sendInitialEvents", "timeoutSeconds")),
        argumentSet("read", NS + "/dashboards/{name}", "get", List.of("name", "namespace", "pretty"),
            List.of("resourceVersion")),
        argumentSet("patch", NS + "/dashboards/{name}", "patch", List.of("name", "namespace", "pretty"),
            List.of("dryRun", "fieldManager", "fieldValidation", "force")),
        argumentSet("delete", NS + "/dashboards/{name}", "delete", List.of("name", "namespace", "pretty"),
            List.of("dryRun", "gracePeriodSeconds", "orphanDependents", "propagationPolicy")),
        argumentSet("cluster-scoped replace", G + "/organizations/{name}", "put", List.of("name", "pretty"),
            List.of("dryRun", "fieldManager", "fieldValidation")));
  }

  @ParameterizedTest
  @MethodSource("parameters")
  void declaresKubesParameters(String path, String method, List<String> onPath, List<String> onOperation) {
    assertThat(pathParameters(PATHS.get(path))).containsExactlyElementsOf(onPath);
    assertThat(operationParameters(PATHS.get(path).get(method))).containsExactlyElementsOf(onOperation);
  }

  @Test
  void parametersHaveKubesForm() {
    JsonNode item = PATHS.get(NS + "/dashboards/{name}");
    JsonNode name = item.get("parameters").get(0);
    assertThat(name.get("in").asText()).isEqualTo("path");
    assertThat(name.get("required").asBoolean()).isTrue();
    assertThat(name.get("schema").get("type").asText()).isEqualTo("string");
    JsonNode force = item.get("patch").get("parameters").get(3);
    assertThat(force.get("name").asText()).isEqualTo("force");
    assertThat(force.get("in").asText()).isEqualTo("query");
    assertThat(force.has("required")).isFalse();
    assertThat(force.get("schema").get("type").asText()).isEqualTo("boolean");
    JsonNode limit = PATHS.get(NS + "/dashboards").get("get").get("parameters").get(4);
    assertThat(limit.get("name").asText()).isEqualTo("limit");
    assertThat(limit.get("schema").get("type").asText()).isEqualTo("integer");
  }

  static Stream<Arguments> bodies() {
    return Stream.of(
        argumentSet("create", NS + "/dashboards", "post", "io.revisor.demo.v1.Dashboard", true,
            Map.of("200", "io.revisor.demo.v1.Dashboard", "201", "io.revisor.demo.v1.Dashboard",
                "202", "io.revisor.demo.v1.Dashboard")),
        argumentSet("list", NS + "/dashboards", "get", null, false,
            Map.of("200", "io.revisor.demo.v1.DashboardList")),
        argumentSet("replace", NS + "/dashboards/{name}", "put", "io.revisor.demo.v1.Dashboard", true,
            Map.of("200", "io.revisor.demo.v1.Dashboard", "201", "io.revisor.demo.v1.Dashboard")),
        argumentSet("delete", NS + "/dashboards/{name}", "delete", "io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions",
            false, Map.of("200", "io.k8s.apimachinery.pkg.apis.meta.v1.Status",
                "202", "io.k8s.apimachinery.pkg.apis.meta.v1.Status")),
        argumentSet("delete collection", G + "/organizations", "delete",
            "io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions", false,
            Map.of("200", "io.k8s.apimachinery.pkg.apis.meta.v1.Status")),
        argumentSet("replace status", NS + "/dashboards/{name}/status", "put", "io.revisor.demo.v1.Dashboard", true,
            Map.of("200", "io.revisor.demo.v1.Dashboard", "201", "io.revisor.demo.v1.Dashboard")));
  }

  @ParameterizedTest
  @MethodSource("bodies")
  void requestAndResponseBodiesHaveContentTypes(String path, String method, String requestSchema, boolean required,
      Map<String, String> responses) {
    JsonNode operation = PATHS.get(path).get(method);

    if (requestSchema == null) {
      assertThat(operation.has("requestBody")).isFalse();
    } else {
      JsonNode content = operation.get("requestBody").get("content");
      assertThat(DocumentTrees.names(content)).containsExactly("application/json", "application/yaml");
      assertThat(content.get("application/json").get("schema").get("$ref").asText()).isEqualTo(SCHEMAS + requestSchema);
      assertThat(operation.get("requestBody").path("required").asBoolean(false)).isEqualTo(required);
    }
    JsonNode declared = operation.get("responses");
    assertThat(DocumentTrees.names(declared)).containsAll(responses.keySet()).contains("401");
    responses.forEach((code, schema) -> {
      assertThat(DocumentTrees.names(declared.get(code).get("content"))).containsExactly("application/json", "application/yaml");
      assertThat(declared.get(code).get("content").get("application/json").get("schema").get("$ref").asText())
          .isEqualTo(SCHEMAS + schema);
    });
  }

  @Test
  void everyReferenceResolvesInsideTheDocument() {
    List<String> refs = DocumentTrees.refs(DOC);

    assertThat(refs).isNotEmpty().allSatisfy(ref -> {
      assertThat(ref).startsWith(SCHEMAS);
      assertThat(DOC.get("components").get("schemas").has(ref.substring(SCHEMAS.length()))).as(ref).isTrue();
    });
  }

  @Test
  void referencesNeverHaveSiblings() {
    DocumentTrees.walkObjects(DOC, node -> {
      if (node.has("$ref")) {
        assertThat(node.size()).as(node.toString()).isEqualTo(1);
      }
    });
  }

  @Test
  void includesTheMetaTypesKubectlNeeds() {
    assertThat(DocumentTrees.names(DOC.get("components").get("schemas"))).contains(
        "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta", "io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta",
        "io.k8s.apimachinery.pkg.apis.meta.v1.Status", "io.k8s.apimachinery.pkg.apis.meta.v1.StatusDetails",
        "io.k8s.apimachinery.pkg.apis.meta.v1.StatusCause", "io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions",
        "io.k8s.apimachinery.pkg.apis.meta.v1.Preconditions",
        "io.k8s.apimachinery.pkg.apis.meta.v1.ManagedFieldsEntry",
        "io.k8s.apimachinery.pkg.apis.meta.v1.OwnerReference", "io.k8s.apimachinery.pkg.apis.meta.v1.Time",
        "io.k8s.apimachinery.pkg.apis.meta.v1.FieldsV1", "io.k8s.apimachinery.pkg.apis.meta.v1.Patch",
        "io.k8s.apimachinery.pkg.apis.meta.v1.WatchEvent");
    JsonNode objectMeta = DOC.get("components").get("schemas").get("io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta");
    assertThat(DocumentTrees.names(objectMeta.get("properties"))).contains("name", "namespace", "labels", "annotations",
        "uid", "resourceVersion", "generation", "creationTimestamp", "deletionTimestamp", "finalizers",
        "ownerReferences", "managedFields");
    assertThat(objectMeta.get("properties").get("name").get("description").asText()).isNotEmpty();
  }

  @Test
  void kindSchemaHasStandardTypeMetaAndObjectMeta() {
    JsonNode dashboard = DOC.get("components").get("schemas").get("io.revisor.demo.v1.Dashboard");
    JsonNode properties = dashboard.get("properties");

    assertThat(DocumentTrees.names(properties)).startsWith("apiVersion", "kind", "metadata").contains("spec", "status");
    assertThat(properties.get("apiVersion").get("type").asText()).isEqualTo("string");
    assertThat(properties.get("kind").get("description").asText()).startsWith("Kind is a string value");
    assertThat(properties.get("metadata").get("allOf").get(0).get("$ref").asText())
        .isEqualTo(SCHEMAS + "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta");
    assertThat(properties.get("metadata").get("description").asText()).startsWith("Standard object's metadata.");
    assertThat(dashboard.get("description").asText()).isEqualTo("A dashboard is a titled set of panels.");
  }

  @Test
  void nestedCrdSchemaKeepsDescriptionsDefaultsAndValidation() {
    JsonNode panels = DOC.get("components").get("schemas").get("io.revisor.demo.v1.Dashboard")
        .get("properties").get("spec").get("properties").get("panels");
    JsonNode width = panels.get("items").get("properties").get("width");

    assertThat(panels.get("x-kubernetes-list-type").asText()).isEqualTo("map");
    assertThat(panels.get("x-kubernetes-list-map-keys")).extracting(JsonNode::asText).containsExactly("name");
    assertThat(panels.get("items").get("required")).extracting(JsonNode::asText).containsExactly("name", "type");
    assertThat(width.get("type").asText()).isEqualTo("integer");
    assertThat(width.get("description").asText()).isEqualTo("Width in grid columns.");
    assertThat(width.get("default").asInt()).isEqualTo(12);
    assertThat(width.get("minimum").asInt()).isEqualTo(1);
    assertThat(width.get("maximum").asInt()).isEqualTo(24);
  }

  @Test
  void listSchemaRefersToItsKindAndListMeta() {
    JsonNode list = DOC.get("components").get("schemas").get("io.revisor.demo.v1.OrganizationList");

    assertThat(list.get("required")).extracting(JsonNode::asText).containsExactly("items");
    assertThat(list.get("properties").get("items").get("items").get("$ref").asText())
        .isEqualTo(SCHEMAS + "io.revisor.demo.v1.Organization");
    assertThat(list.get("properties").get("metadata").get("allOf").get(0).get("$ref").asText())
        .isEqualTo(SCHEMAS + "io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta");
  }

  @Test
  void eachServedVersionHasItsOwnDocument() {
    OpenApi gadgets = OpenApi.of(TestRegistries.gadgets());

    assertThat(DocumentTrees.names(DocumentTrees.tree(gadgets.v3Index()).get("paths")))
        .containsExactly("apis/test.revisor.io/v1", "apis/test.revisor.io/v1beta1");
    JsonNode v1beta1 = DocumentTrees.tree(gadgets.v3("test.revisor.io", "v1beta1").orElseThrow());
    assertThat(DocumentTrees.names(v1beta1.get("components").get("schemas")))
        .contains("io.revisor.test.v1beta1.Gadget").doesNotContain("io.revisor.test.v1.Gadget");
    assertThat(v1beta1.get("paths").has("/apis/test.revisor.io/v1beta1/namespaces/{namespace}/gadgets/{name}/status"))
        .as("status is enabled on v1 only").isFalse();
    assertThat(gadgets.v3("test.revisor.io", "v1alpha1")).as("not served").isEmpty();
  }

  private static Map<String, JsonNode> operations(JsonNode pathItem) {
    Map<String, JsonNode> operations = new java.util.LinkedHashMap<>();
    for (String method : List.of("get", "put", "post", "delete", "patch", "head", "options")) {
      if (pathItem.has(method)) {
        operations.put(method, pathItem.get(method));
      }
    }
    return operations;
  }

  private static List<String> pathParameters(JsonNode pathItem) {
    List<String> names = new ArrayList<>();
    pathItem.path("parameters").forEach(p -> names.add(p.get("name").asText()));
    return names;
  }

  private static List<String> operationParameters(JsonNode operation) {
    List<String> names = new ArrayList<>();
    operation.path("parameters").forEach(p -> names.add(p.get("name").asText()));
    return names;
  }
}
