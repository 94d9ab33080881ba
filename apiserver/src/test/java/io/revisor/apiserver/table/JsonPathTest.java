package io.revisor.apiserver.table;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Named.named;

import com.fasterxml.jackson.databind.JsonNode;
import io.revisor.apiserver.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The client-go {@code util/jsonpath} subset of printer columns: results, evaluation failures, compile errors. */
class JsonPathTest {
  static final JsonNode DOCUMENT = json("""
      {
        "apiVersion": "demo.revisor.io/v1",
        "kind": "Dashboard",
        "metadata": {
          "name": "ops",
          "labels": {"app": "grafana", "app.kubernetes.io/name": "dash"},
          "annotations": {"example.com/owner": "alice"}
        },
        "spec": {
          "title": "Ops",
          "refresh": null,
          "tags": ["a", "b", "c"],
          "panels": [
            {"id": 1, "kind": "graph", "on": true},
            {"id": 2, "kind": "table", "on": false},
            {"id": 3, "kind": "graph", "ratio": 1.5}
          ],
          "nested": {"deep": {"name": "inner"}}
        },
        "status": {
          "panelCount": 3,
          "conditions": [
            {"type": "Ready", "status": "True"},
            {"type": "Synced", "status": "False"},
            {"status": "Unknown"}
          ]
        }
      }""");

  static Stream<Arguments> results() {
    return Stream.of(
        result("nested field", ".spec.title", "[\"Ops\"]"),
        result("label", ".metadata.labels.app", "[\"grafana\"]"),
        result("number", ".status.panelCount", "[3]"),
        result("escaped dots", ".metadata.annotations.example\\.com/owner", "[\"alice\"]"),
        result("quoted key", ".metadata.labels['app']", "[\"grafana\"]"),
        result("quoted key with dots reads as fields, as upstream", ".metadata.labels['app.kubernetes.io/name']", "[]"),
        result("quoted key with escaped dots", ".metadata.labels['app\\.kubernetes\\.io/name']", "[\"dash\"]"),
        result("index", ".status.conditions[0].type", "[\"Ready\"]"),
        result("negative index", ".status.conditions[-1].status", "[\"Unknown\"]"),
        result("all elements", ".spec.tags[*]", "[\"a\",\"b\",\"c\"]"),
        result("range", ".spec.tags[0:2]", "[\"a\",\"b\"]"),
        result("range from the end", ".spec.tags[-2:]", "[\"b\",\"c\"]"),
        result("stride", ".spec.tags[::2]", "[\"a\",\"c\"]"),
        result("empty range", ".spec.tags[1:1]", "[]"),
        result("union", ".spec.tags[0,2]", "[\"a\",\"c\"]"),
        result("union of keys", ".metadata['name','missing']", "[\"ops\"]"),
        result("field of every element", ".spec.panels[*].kind", "[\"graph\",\"table\",\"graph\"]"),
        result("wildcard", ".spec.nested.*", "[{\"name\":\"inner\"}]"),
        result("filter equal", ".status.conditions[?(@.type==\"Ready\")].status", "[\"True\"]"),
        result("filter single quotes", ".status.conditions[?(@.type=='Synced')].status", "[\"False\"]"),
        result("filter skips elements without the key", ".status.conditions[?(@.type != \"Ready\")].status",
            "[\"False\"]"),
        result("filter with spaces and escapes", ".status.conditions[?( @.type == \"Re\\x61dy\" )].status",
            "[\"True\"]"),
        result("filter on integers", ".spec.panels[?(@.id > 1)].kind", "[\"table\",\"graph\"]"),
        result("filter greater or equal", ".spec.panels[?(@.id >= 2)].id", "[2,3]"),
        result("filter less or equal", ".spec.panels[?(@.id<=1)].id", "[1]"),
        result("filter on a float", ".spec.panels[?(@.ratio < 2.5)].id", "[3]"),
        result("filter on a boolean", ".spec.panels[?(@.on == true)].id", "[1]"),
        result("filter exists", ".spec.panels[?(@.ratio)].id", "[3]"),
        result("filter between fields", ".spec.panels[?(@.id == @.id)].id", "[1,2,3]"),
        result("recursive descent", "..name", "[\"ops\",\"inner\"]"),
        result("recursive descent below a field", ".spec..name", "[\"inner\"]"),
        result("missing field", ".spec.missing", "[]"),
        result("field of a string", ".spec.title.deeper", "[]"),
        result("explicit null", ".spec.refresh", "[null]"),
        result("field of null", ".spec.refresh.every", "[]"),
        result("index of null", ".spec.refresh[0]", "[]"),
        result("field of a list", ".spec.tags.first", "[]"),
        result("root markers", "$.spec.title", "[\"Ops\"]"),
        result("string literal", "\"fixed\"", "[\"fixed\"]"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource
  void results(String expression, String expected) {
    JsonPath path = JsonPath.compile(expression);

    assertThat(path.evaluate(DOCUMENT)).isEqualTo(list(expected));
    JsonNode expectedFirst = json(expected).size() == 0 ? null : json(expected).get(0);
    assertThat(path.first(DOCUMENT)).isEqualTo(expectedFirst);
  }

  static Stream<Arguments> evaluationFailures() {
    return Stream.of(
        failure("index past the end", ".spec.tags[5]", "array index out of bounds: index 5, length 3"),
        failure("range past the end is not clipped", ".spec.tags[0:10]", "array index out of bounds: index 9, length 3"),
        failure("reversed range", ".spec.tags[2:1]", "starting index 2 is greater than ending index 1"),
        failure("zero stride", ".spec.tags[::0]", "step must be > 0"),
        failure("index of a string", ".spec.title[0]", "string is not array or slice"),
        failure("index of a map", ".metadata.labels[*]", "map[string]interface {} is not array or slice"),
        failure("filter of a map", ".metadata[?(@.name)]", "cannot be filtered"),
        failure("string compared with integer", ".spec.panels[?(@.id == \"1\")]", "incompatible types for comparison"),
        failure("float compared with integer", ".spec.panels[?(@.ratio > 1)]", "incompatible types for comparison"),
        failure("booleans are not ordered", ".spec.panels[?(@.on < true)]", "invalid type for comparison"),
        failure("several values on one side", ".spec.panels[?(@.* == 1)]", "can only compare one element at a time"),
        failure("list compared", ".spec.panels[?(@.kind == @)]", "invalid type for comparison"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource
  void evaluationFailures(String expression, String detail) {
    JsonPath path = JsonPath.compile(expression);

    assertThatThrownBy(() -> path.evaluate(DOCUMENT))
        .isInstanceOf(JsonPathException.class)
        .satisfies(e -> assertThat(((JsonPathException) e).detail()).contains(detail))
        .satisfies(e -> assertThat(e.getStackTrace()).isEmpty());
    assertThat(path.first(DOCUMENT)).isNull();
  }

  static Stream<Arguments> compileErrors() {
    return Stream.of(
        compileError("unterminated array", ".spec[", "unterminated array"),
        compileError("unterminated filter", ".spec[?(@.a==1", "unterminated filter"),
        compileError("filter without closing bracket", ".spec[?(@.a==1)", "unclosed array expect ]"),
        compileError("quote left open in a filter", ".spec[?(@.a==\"x)]", "unterminated filter"),
        compileError("bad index", ".spec[abc]", "invalid array index abc"),
        compileError("index that is not a number", ".spec[-]", "array index - is not a number"),
        compileError("double recursive descent", ".a....b", "invalid multiple recursive descent"),
        compileError("braces", "{.spec}",
            "unexpected U+007B '{': a printer column path is one expression, without braces"),
        compileError("template keyword", ".items range", "unrecognized identifier range"),
        compileError("bare word", ".spec title", "unrecognized identifier title"),
        compileError("unknown character", ".spec %", "unrecognized character in action: U+0025 '%'"),
        compileError("assignment is not a comparison", ".spec[?(@.a=1)]", "unrecognized filter operator ="),
        compileError("unterminated string", ".a \"open", "unterminated quoted string"),
        compileError("bad escape", ".a[?(@.b==\"\\q\")]", "unquote string \"\\q\" error invalid syntax"),
        compileError("bad number", ".a 1.2.3", "cannot parse number 1.2.3"),
        compileError("line break", ".a\n.b", "unclosed action"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource
  void compileErrors(String expression, String detail) {
    assertThatThrownBy(() -> JsonPath.compile(expression))
        .isInstanceOf(JsonPathException.class)
        .hasMessageStartingWith("invalid JSONPath \"" + expression + "\": ")
        .satisfies(e -> assertThat(((JsonPathException) e).detail()).isEqualTo(detail))
        .satisfies(e -> assertThat(((JsonPathException) e).expression()).isEqualTo(expression));
  }

  @Test
  void compiledPathsAreReusableAndDoNotModifyTheDocument() {
    JsonNode before = DOCUMENT.deepCopy();
    JsonPath path = JsonPath.compile(".spec.tags[-1]");

    for (int i = 0; i < 3; i++) {
      assertThat(path.first(DOCUMENT)).isEqualTo(json("\"c\""));
      assertThat(path.first(json("{\"spec\":{\"tags\":[\"x\",\"y\"]}}"))).isEqualTo(json("\"y\""));
    }
    assertThat(DOCUMENT).isEqualTo(before);
    assertThat(path).hasToString(".spec.tags[-1]").isEqualTo(JsonPath.compile(".spec.tags[-1]"));
  }

  @Test
  void emptyExpressionIsTheDocument() {
    assertThat(JsonPath.compile("").first(DOCUMENT)).isSameAs(DOCUMENT);
  }

  private static Arguments result(String name, String expression, String expected) {
    return Arguments.of(named(name, expression), expected);
  }

  private static Arguments failure(String name, String expression, String detail) {
    return Arguments.of(named(name, expression), detail);
  }

  private static Arguments compileError(String name, String expression, String detail) {
    return Arguments.of(named(name, expression), detail);
  }

  private static List<JsonNode> list(String jsonArray) {
    List<JsonNode> out = new ArrayList<>();
    json(jsonArray).forEach(out::add);
    return out;
  }

  /** The compact JSON text of a node: compares numbers by value whatever node class holds them. */
  static String wire(JsonNode node) {
    return new String(Json.bytes(node), StandardCharsets.UTF_8);
  }

  static JsonNode json(String text) {
    try {
      return Json.parse(text.getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
