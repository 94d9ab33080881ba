package io.revisor.apiserver.table;

import static io.revisor.apiserver.table.JsonPathTest.json;
import static io.revisor.apiserver.table.JsonPathTest.wire;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Named.named;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.revisor.apiserver.crd.DefinitionLoader;
import io.revisor.apiserver.crd.PrinterColumn;
import io.revisor.apiserver.crd.ResourceDefinition;
import io.revisor.apiserver.crd.ServedVersion;
import io.revisor.apiserver.json.Json;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** Tables as Kubernetes' CRD table convertor builds them, for the demo Dashboard and for single columns. */
class TableConvertorTest {
  static final Instant NOW = Instant.parse("2024-05-01T10:00:00Z");
  static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

  static final JsonNode DASHBOARD = json("""
      {
        "apiVersion": "demo.revisor.io/v1",
        "kind": "Dashboard",
        "metadata": {
          "name": "ops",
          "namespace": "team-a",
          "uid": "6a1b",
          "resourceVersion": "17",
          "creationTimestamp": "2024-05-01T09:55:00Z",
          "labels": {"app": "grafana"}
        },
        "spec": {"title": "Operations", "folder": "infra", "refreshInterval": "30s"},
        "status": {"panelCount": 4, "phase": "Ready"}
      }""");

  static ServedVersion dashboardsV1() {
    ResourceDefinition dashboards = DefinitionLoader.bundledDemo().stream()
        .filter(d -> d.names().kind().equals("Dashboard"))
        .findFirst()
        .orElseThrow();
    return dashboards.servedVersion("v1").orElseThrow();
  }

  @Test
  void dashboardColumnsFollowNameWithDefaultDescriptionsAndPriorities() {
    TableConvertor convertor = TableConvertor.forVersion(dashboardsV1(), CLOCK);

    ArrayNode definitions = convertor.columnDefinitions();

    assertThat(definitions).extracting(d -> d.get("name").asText())
        .containsExactly("Name", "Title", "Folder", "Panels", "Phase", "Refresh", "Age");
    assertThat(definitions).extracting(d -> d.get("type").asText())
        .containsExactly("string", "string", "string", "integer", "string", "string", "date");
    assertThat(definitions).extracting(d -> d.get("priority").asInt()).containsExactly(0, 0, 0, 0, 0, 1, 0);
    assertThat(definitions.get(0)).isEqualTo(json("""
        {"name":"Name","type":"string","format":"name","description":"%s","priority":0}"""
        .formatted(TableConvertor.NAME_DESCRIPTION)));
    assertThat(definitions.get(1)).isEqualTo(json("""
        {"name":"Title","type":"string","format":"",
         "description":"Custom resource definition column (in JSONPath format): .spec.title","priority":0}"""));
  }

  @Test
  void objectTableHasOneRowTheObjectsResourceVersionAndKubernetesFieldOrder() {
    TableConvertor convertor = TableConvertor.forVersion(dashboardsV1(), CLOCK);

    ObjectNode table = convertor.tableForObject(DASHBOARD, IncludeObject.NONE);

    String wire = new String(Json.bytes(table), StandardCharsets.UTF_8);
    assertThat(wire).startsWith("{\"kind\":\"Table\",\"apiVersion\":\"meta.k8s.io/v1\",\"metadata\":{\"resourceVersion\":"
        + "\"17\"},\"columnDefinitions\":[{\"name\":\"Name\",");
    assertThat(wire).endsWith(
        ",\"rows\":[{\"cells\":[\"ops\",\"Operations\",\"infra\",4,\"Ready\",\"30s\",\"5m\"],\"object\":null}]}");
  }

  @Test
  void missingValuesAreNullInEveryColumn() {
    TableConvertor convertor = TableConvertor.forVersion(dashboardsV1(), CLOCK);

    ObjectNode row = convertor.row(json("{\"metadata\":{\"name\":\"bare\"}}"), IncludeObject.NONE);

    assertThat(row.get("cells")).isEqualTo(json("[\"bare\",null,null,null,null,null,null]"));
  }

  @Test
  void objectWithoutNameHasAnEmptyName() {
    TableConvertor convertor = TableConvertor.create(List.of(), CLOCK);

    assertThat(convertor.row(json("{}"), IncludeObject.NONE).get("cells")).isEqualTo(json("[\"\"]"));
    assertThat(convertor.columnDefinitions()).hasSize(1);
  }

  static Stream<Arguments> cells() {
    return Stream.of(
        cell("string: a string", "string", "\"x\"", "\"x\""),
        cell("string: an integer", "string", "3", "\"3\""),
        cell("string: a fraction", "string", "1.5", "\"1.5\""),
        cell("string: a whole float", "string", "3.0", "\"3\""),
        cell("string: a large float as Go prints it", "string", "1000000.0", "\"1e+06\""),
        cell("string: a small float as Go prints it", "string", "0.00001", "\"1e-05\""),
        cell("string: a boolean", "string", "true", "\"true\""),
        cell("string: a list", "string", "[\"a\",2,null]", "\"[a 2 <nil>]\""),
        cell("string: a map, keys sorted", "string", "{\"b\":1,\"a\":\"x\"}", "\"map[a:x b:1]\""),
        cell("string: an explicit null", "string", "null", "\"<no value>\""),
        cell("integer: an integer", "integer", "3", "3"),
        cell("integer: a fraction is truncated", "integer", "3.9", "3"),
        cell("integer: a string", "integer", "\"3\"", "null"),
        cell("integer: a boolean", "integer", "true", "null"),
        cell("integer: null", "integer", "null", "null"),
        cell("number: an integer", "number", "3", "3"),
        cell("number: a fraction", "number", "1.5", "1.5"),
        cell("number: a string", "number", "\"1.5\"", "null"),
        cell("boolean: a boolean", "boolean", "false", "false"),
        cell("boolean: a string", "boolean", "\"true\"", "null"),
        cell("date: minutes ago", "date", "\"2024-05-01T09:55:00Z\"", "\"5m\""),
        cell("date: with an offset", "date", "\"2024-05-01T11:57:30+02:00\"", "\"2m30s\""),
        cell("date: with a fraction", "date", "\"2024-05-01T09:59:30.5Z\"", "\"29s\""),
        cell("date: days ago", "date", "\"2024-04-28T07:00:00Z\"", "\"3d3h\""),
        cell("date: empty", "date", "\"\"", "\"<unknown>\""),
        cell("date: not a time", "date", "\"yesterday\"", "\"<invalid>\""),
        cell("date: not a calendar date", "date", "\"2024-02-30T00:00:00Z\"", "\"<invalid>\""),
        cell("date: without a zone", "date", "\"2024-05-01T09:55:00\"", "\"<invalid>\""),
        cell("date: in the future", "date", "\"2024-05-01T10:00:05Z\"", "\"<invalid>\""),
        cell("date: one second ahead is clock skew", "date", "\"2024-05-01T10:00:01Z\"", "\"0s\""),
        cell("date: a number", "date", "12", "null"),
        cell("an unknown column type", "array", "[1]", "null"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource
  void cells(String type, String value, String expected) {
    TableConvertor convertor =
        TableConvertor.create(List.of(new PrinterColumn("V", type, "", "", 0, ".spec.v")), CLOCK);
    ObjectNode object = (ObjectNode) json("{\"metadata\":{\"name\":\"n\"},\"spec\":{}}");
    ((ObjectNode) object.get("spec")).set("v", json(value));

    JsonNode cell = convertor.row(object, IncludeObject.NONE).get("cells").get(1);

    assertThat(wire(cell)).isEqualTo(wire(json(expected)));
    assertThat(convertor.row(json("{\"metadata\":{\"name\":\"n\"}}"), IncludeObject.NONE).get("cells").get(1))
        .as("absent value")
        .isEqualTo(json("null"));
  }

  @Test
  void severalValuesShowTheFirst() {
    TableConvertor convertor = TableConvertor.create(List.of(
        new PrinterColumn("Tags", "string", "", "", 0, ".spec.tags[*]"),
        new PrinterColumn("Ready", "string", "", "", 0, ".status.conditions[?(@.type==\"Ready\")].status")), CLOCK);
    JsonNode object = json("""
        {"metadata":{"name":"n"},"spec":{"tags":["a","b"]},
         "status":{"conditions":[{"type":"Synced","status":"False"},{"type":"Ready","status":"True"}]}}""");

    assertThat(convertor.row(object, IncludeObject.NONE).get("cells")).isEqualTo(json("[\"n\",\"a\",\"True\"]"));
  }

  @ParameterizedTest
  @EnumSource(IncludeObject.class)
  void includeObjectModes(IncludeObject include) {
    TableConvertor convertor = TableConvertor.forVersion(dashboardsV1(), CLOCK);

    JsonNode object = convertor.row(DASHBOARD, include).get("object");

    switch (include) {
      case NONE -> assertThat(object.isNull()).isTrue();
      case METADATA -> assertThat(object).isEqualTo(json("""
          {"kind":"PartialObjectMetadata","apiVersion":"meta.k8s.io/v1","metadata":%s}"""
          .formatted(DASHBOARD.get("metadata"))));
      case OBJECT -> assertThat(object).isEqualTo(DASHBOARD);
    }
  }

  static Stream<Arguments> includeObjectParameter() {
    return Stream.of(
        Arguments.of(named("absent", null), IncludeObject.METADATA),
        Arguments.of(named("empty", ""), IncludeObject.METADATA),
        Arguments.of(named("None", "None"), IncludeObject.NONE),
        Arguments.of(named("Metadata", "Metadata"), IncludeObject.METADATA),
        Arguments.of(named("Object", "Object"), IncludeObject.OBJECT));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource
  void includeObjectParameter(String value, IncludeObject expected) {
    assertThat(IncludeObject.parse(value)).isEqualTo(expected);
  }

  @Test
  void includeObjectParameterIsCaseSensitive() {
    assertThatThrownBy(() -> IncludeObject.parse("object"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Unable to convert to Table as requested: includeObject: Invalid value: \"object\": "
            + "must be 'Metadata', 'Object', 'None', or empty");
  }

  @Test
  void listTableCarriesListMetadataAndARowPerItem() {
    TableConvertor convertor = TableConvertor.forVersion(dashboardsV1(), CLOCK);
    ObjectNode list = (ObjectNode) json("""
        {"apiVersion":"demo.revisor.io/v1","kind":"DashboardList",
         "metadata":{"resourceVersion":"42","continue":"token","remainingItemCount":7},"items":[]}""");
    list.withArray("items").add(DASHBOARD).add(json("{\"metadata\":{\"name\":\"second\"}}"));

    ObjectNode table = convertor.tableForList(list, IncludeObject.METADATA);

    assertThat(wire(table.get("metadata")))
        .isEqualTo("{\"resourceVersion\":\"42\",\"continue\":\"token\",\"remainingItemCount\":7}");
    assertThat(table.get("rows")).extracting(r -> r.get("cells").get(0).asText()).containsExactly("ops", "second");
    assertThat(table.get("rows").get(1).get("object").get("kind").asText()).isEqualTo("PartialObjectMetadata");
  }

  @Test
  void emptyListHasNoRows() {
    TableConvertor convertor = TableConvertor.forVersion(dashboardsV1(), CLOCK);

    ObjectNode table = convertor.tableForList(json("{\"metadata\":{\"resourceVersion\":\"9\"},\"items\":[]}"),
        IncludeObject.METADATA);

    assertThat(table.get("rows")).isEqualTo(json("[]"));
    assertThat(table.get("metadata")).isEqualTo(json("{\"resourceVersion\":\"9\"}"));
    assertThat(table.get("columnDefinitions")).hasSize(7);
  }

  @Test
  void watchSendsColumnDefinitionsWithTheFirstEventOnly() {
    TableConvertor convertor = TableConvertor.forVersion(dashboardsV1(), CLOCK);
    TableWatch watch = convertor.watch(IncludeObject.METADATA);

    ObjectNode first = watch.next(DASHBOARD);
    ObjectNode second = watch.next(DASHBOARD);

    assertThat(first.get("columnDefinitions")).isEqualTo(convertor.columnDefinitions());
    assertThat(second.get("columnDefinitions").isNull()).isTrue();
    assertThat(second.get("rows")).hasSize(1);
    assertThat(second.get("metadata")).isEqualTo(json("{\"resourceVersion\":\"17\"}"));
    assertThat(new String(Json.bytes(second), StandardCharsets.UTF_8)).contains("\"columnDefinitions\":null");
  }

  @Test
  void definitionWithoutColumnsGetsTheAgeColumn() {
    String manifest = """
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata: {name: widgets.example.com}
        spec:
          group: example.com
          scope: Namespaced
          names: {plural: widgets, kind: Widget}
          versions:
            - name: v1
              served: true
              storage: true
              schema: {openAPIV3Schema: {type: object}}
        """;
    ServedVersion v1 = DefinitionLoader.parse("test", manifest).get(0).servedVersion("v1").orElseThrow();
    TableConvertor convertor = TableConvertor.forVersion(v1, CLOCK);

    ObjectNode table = convertor.tableForObject(DASHBOARD, IncludeObject.NONE);

    assertThat(table.get("columnDefinitions")).extracting(d -> d.get("name").asText()).containsExactly("Name", "Age");
    assertThat(table.get("columnDefinitions").get(1).get("type").asText()).isEqualTo("date");
    assertThat(table.get("rows").get(0).get("cells")).isEqualTo(json("[\"ops\",\"5m\"]"));
  }

  @Test
  void agesFollowTheClock() {
    TableConvertor later =
        TableConvertor.forVersion(dashboardsV1(), Clock.fixed(NOW.plusSeconds(3 * 86400), ZoneOffset.UTC));

    assertThat(later.row(DASHBOARD, IncludeObject.NONE).get("cells").get(6).asText()).isEqualTo("3d");
  }

  @Test
  void badColumnPathIsRejectedAtCreation() {
    assertThatThrownBy(() -> TableConvertor.create(
            List.of(new PrinterColumn("Bad", "string", "", "", 0, ".spec[")), CLOCK))
        .isInstanceOf(JsonPathException.class)
        .hasMessage("invalid JSONPath \".spec[\": unterminated array");
  }

  @Test
  void convertingDoesNotModifyTheObject() {
    TableConvertor convertor = TableConvertor.forVersion(dashboardsV1(), CLOCK);
    JsonNode before = DASHBOARD.deepCopy();

    for (IncludeObject include : IncludeObject.values()) {
      convertor.tableForObject(DASHBOARD, include);
    }

    assertThat(DASHBOARD).isEqualTo(before);
  }

  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void tenThousandRowsRenderQuickly() {
    TableConvertor convertor = TableConvertor.forVersion(dashboardsV1(), CLOCK);
    List<JsonNode> items = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      ObjectNode item = DASHBOARD.deepCopy();
      ((ObjectNode) item.get("metadata")).put("name", "dashboard-" + i);
      items.add(item);
    }

    for (int round = 0; round < 3; round++) {
      long start = System.nanoTime();
      ObjectNode table = convertor.table(items, ListMeta.EMPTY, IncludeObject.METADATA, true);
      byte[] wire = Json.bytes(table);
      long millis = (System.nanoTime() - start) / 1_000_000;

      assertThat(table.get("rows")).hasSize(10_000);
      assertThat(wire.length).isGreaterThan(10_000 * 100);
      // Generous for two shared cores; the point is that no row re-parses or reflects (that takes seconds).
      assertThat(millis).as("round %d", round).isLessThan(5_000);
    }
  }

  private static Arguments cell(String name, String type, String value, String expected) {
    return Arguments.of(named(name, type), value, expected);
  }
}
