package io.revisor.apiserver.table;

import static io.revisor.apiserver.table.JsonPathTest.json;
import static io.revisor.apiserver.table.TableConvertorTest.DASHBOARD;
import static io.revisor.apiserver.table.TableConvertorTest.NOW;
import static io.revisor.apiserver.table.TableConvertorTest.dashboardsV1;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.revisor.apiserver.crd.PrinterColumn;
import io.revisor.apiserver.json.Json;
import io.revisor.apiserver.testing.ManualClock;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Prepared rows: the serialized Table they make is byte for byte the tree Table of the same objects, and a row kept
 * from earlier shows ages as of the moment the Table is written.
 */
class TableRowTest {
  /** Every cell type, with values that take each branch (truncation, Go formatting, unknown and invalid dates). */
  static final List<PrinterColumn> EVERY_TYPE = List.of(
      new PrinterColumn("S", "string", "", "", 0, ".spec.s"),
      new PrinterColumn("I", "integer", "", "", 0, ".spec.i"),
      new PrinterColumn("N", "number", "", "", 0, ".spec.n"),
      new PrinterColumn("B", "boolean", "", "", 0, ".spec.b"),
      new PrinterColumn("D", "date", "", "", 0, ".spec.d"),
      new PrinterColumn("X", "object", "", "", 0, ".spec.x"));

  static final List<JsonNode> OBJECTS = List.of(
      json("""
          {"apiVersion":"t/v1","kind":"T","metadata":{"name":"a","resourceVersion":"5"},
           "spec":{"s":["x",1],"i":3.7,"n":2.50,"b":true,"d":"2024-05-01T09:00:00Z","x":{}}}"""),
      json("""
          {"apiVersion":"t/v1","kind":"T","metadata":{"name":"b"},
           "spec":{"s":null,"i":"3","n":1e300,"b":"no","d":"","x":1}}"""),
      json("""
          {"apiVersion":"t/v1","kind":"T","metadata":{"name":"c"},"spec":{"d":"yesterday","s":"caf\\u00e9"}}"""),
      json("""
          {"apiVersion":"t/v1","kind":"T","metadata":{},"spec":{"d":"2024-05-01T10:00:30Z"}}"""));

  static byte[] bytes(JsonNode node) {
    return Json.bytes(node);
  }

  static String text(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }

  @ParameterizedTest
  @EnumSource(IncludeObject.class)
  void preparedRowsMakeTheTreeTableByteForByte(IncludeObject include) {
    assertSameAsTree(TableConvertor.forVersion(dashboardsV1(), TableConvertorTest.CLOCK), List.of(DASHBOARD), include);
    assertSameAsTree(TableConvertor.create(EVERY_TYPE, TableConvertorTest.CLOCK), OBJECTS, include);
  }

  private static void assertSameAsTree(TableConvertor convertor, List<JsonNode> objects, IncludeObject include) {
    ListMeta meta = new ListMeta("42", "next", 7L);
    List<TableRow> rows = objects.stream().map(o -> convertor.prepare(bytes(o), o, include)).toList();
    for (boolean definitions : List.of(true, false)) {
      assertThat(text(convertor.table(rows, meta, definitions, "meta.k8s.io/v1")))
          .isEqualTo(text(bytes(convertor.table(objects, meta, include, definitions))));
    }
  }

  @Test
  void theObjectIsCarriedAsGivenAndTheApiVersionIsTheCallers() throws IOException {
    TableConvertor convertor = TableConvertor.forVersion(dashboardsV1(), TableConvertorTest.CLOCK);
    // Not the form Jackson writes: whitespace and an escaped character show that the bytes are copied, not rewritten.
    byte[] json = "{\"apiVersion\": \"demo.revisor.io/v1\", \"metadata\": {\"name\": \"\\u0061\"}}"
        .getBytes(StandardCharsets.UTF_8);

    byte[] table = convertor.table(List.of(convertor.prepare(json, Json.parse(json), IncludeObject.OBJECT)),
        ListMeta.EMPTY, false, "meta.k8s.io/v1beta1");

    assertThat(text(table)).contains("\"object\":" + text(json) + "}]")
        .startsWith("{\"kind\":\"Table\",\"apiVersion\":\"meta.k8s.io/v1beta1\",\"metadata\":{},");
    assertThat(Json.parse(table).path("rows").get(0).path("cells").get(0).asText()).isEqualTo("a");
  }

  @Test
  void agesAreMeasuredWhenTheTableIsWritten() throws IOException {
    ManualClock clock = new ManualClock(NOW);
    TableConvertor convertor = TableConvertor.forVersion(dashboardsV1(), clock);
    TableRow row = convertor.prepare(bytes(DASHBOARD), DASHBOARD, IncludeObject.NONE);

    JsonNode first = Json.parse(convertor.table(List.of(row), ListMeta.EMPTY, true, "meta.k8s.io/v1"));
    clock.advance(Duration.ofHours(3));
    JsonNode later = Json.parse(convertor.table(List.of(row), ListMeta.EMPTY, true, "meta.k8s.io/v1"));

    assertThat(first.path("rows").get(0).path("cells").get(6).asText()).isEqualTo("5m");
    assertThat(later.path("rows").get(0).path("cells").get(6).asText()).isEqualTo("3h5m");
    assertThat(later.path("rows").get(0).path("cells").get(1).asText()).isEqualTo("Operations");
  }

  @Test
  void weightFollowsWhatTheRowHolds() {
    TableConvertor convertor = TableConvertor.forVersion(dashboardsV1(), TableConvertorTest.CLOCK);
    byte[] json = bytes(DASHBOARD);

    int none = convertor.prepare(json, DASHBOARD, IncludeObject.NONE).weight();
    int whole = convertor.prepare(json, DASHBOARD, IncludeObject.OBJECT).weight();

    assertThat(none).isPositive();
    assertThat(whole).isEqualTo(none - "null".length() + json.length);
  }
}
