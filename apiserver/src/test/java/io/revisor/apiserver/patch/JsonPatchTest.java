package io.revisor.apiserver.patch;

import static io.revisor.apiserver.patch.TestJson.bytes;
import static io.revisor.apiserver.patch.TestJson.json;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.InstanceOfAssertFactories.type;
import static org.junit.jupiter.api.Named.named;

import com.fasterxml.jackson.databind.JsonNode;
import io.revisor.apiserver.patch.PatchException.Kind;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** RFC 6902 JSON patch as kube-apiserver applies it ({@code application/json-patch+json}). */
class JsonPatchTest {
  private static final String REJECTED = "the server rejected our request due to an error in our request";

  static Stream<Arguments> applies() {
    return Stream.of(
        Arguments.of(named("add a member", "{'a':1}"), "[{'op':'add','path':'/b','value':2}]", "{'a':1,'b':2}"),
        Arguments.of(named("add over a member replaces it", "{'a':1}"), "[{'op':'add','path':'/a','value':[5]}]",
            "{'a':[5]}"),
        Arguments.of(named("add into an array", "{'l':[1,3]}"), "[{'op':'add','path':'/l/1','value':2}]",
            "{'l':[1,2,3]}"),
        Arguments.of(named("add at the end of an array", "{'l':[1]}"), "[{'op':'add','path':'/l/-','value':2}]",
            "{'l':[1,2]}"),
        Arguments.of(named("add a nested object", "{'spec':{}}"),
            "[{'op':'add','path':'/spec/template','value':{'size':'L'}}]", "{'spec':{'template':{'size':'L'}}}"),
        Arguments.of(named("add without value sets null (kube's library)", "{'a':1}"),
            "[{'op':'add','path':'/b'}]", "{'a':1,'b':null}"),
        Arguments.of(named("remove a member", "{'a':1,'b':2}"), "[{'op':'remove','path':'/a'}]", "{'b':2}"),
        Arguments.of(named("remove an array item", "{'l':[1,2,3]}"), "[{'op':'remove','path':'/l/0'}]",
            "{'l':[2,3]}"),
        Arguments.of(named("replace a member", "{'spec':{'title':'a'}}"),
            "[{'op':'replace','path':'/spec/title','value':'b'}]", "{'spec':{'title':'b'}}"),
        Arguments.of(named("replace a missing member creates it (kube's library)", "{'spec':{}}"),
            "[{'op':'replace','path':'/spec/title','value':'b'}]", "{'spec':{'title':'b'}}"),
        Arguments.of(named("replace an array item", "{'l':[1,2]}"), "[{'op':'replace','path':'/l/1','value':9}]",
            "{'l':[1,9]}"),
        Arguments.of(named("move a member", "{'a':{'x':1},'b':{}}"), "[{'op':'move','from':'/a/x','path':'/b/y'}]",
            "{'a':{},'b':{'y':1}}"),
        Arguments.of(named("copy a member", "{'a':{'x':[1]}}"), "[{'op':'copy','from':'/a/x','path':'/a/y'}]",
            "{'a':{'x':[1],'y':[1]}}"),
        Arguments.of(named("test that holds, then replace", "{'v':'1','n':1}"),
            "[{'op':'test','path':'/v','value':'1'},{'op':'replace','path':'/n','value':2}]", "{'v':'1','n':2}"),
        Arguments.of(named("test of null holds for a missing member (kube's library)", "{'a':1}"),
            "[{'op':'test','path':'/missing','value':null},{'op':'remove','path':'/a'}]", "{}"),
        Arguments.of(named("escaped pointer tokens", "{'a/b':1,'m~n':2}"),
            "[{'op':'replace','path':'/a~1b','value':3},{'op':'remove','path':'/m~0n'}]", "{'a/b':3}"),
        Arguments.of(named("operations see the effects of earlier ones", "{}"),
            "[{'op':'add','path':'/a','value':{}},{'op':'add','path':'/a/b','value':1},"
                + "{'op':'copy','from':'/a','path':'/c'},{'op':'test','path':'/c/b','value':1}]",
            "{'a':{'b':1},'c':{'b':1}}"),
        Arguments.of(named("empty patch", "{'a':1}"), "[]", "{'a':1}"),
        Arguments.of(named("null patch is empty", "{'a':1}"), "null", "{'a':1}"));
  }

  @ParameterizedTest
  @MethodSource
  void applies(String target, String patch, String expected) {
    JsonNode before = json(target);
    JsonNode original = before.deepCopy();

    JsonNode result = Patches.applyJsonPatch(before, bytes(patch));

    assertThat(result).isEqualTo(json(expected));
    assertThat(before).as("the target is not modified").isEqualTo(original);
  }

  static Stream<Arguments> fails() {
    return Stream.of(
        Arguments.of(named("test that does not hold", "[{'op':'test','path':'/v','value':'2'}]"), Kind.INVALID,
            REJECTED),
        Arguments.of(named("test of a missing member", "[{'op':'test','path':'/nope','value':1}]"), Kind.INVALID,
            REJECTED),
        Arguments.of(named("remove a missing member", "[{'op':'remove','path':'/nope'}]"), Kind.INVALID, REJECTED),
        Arguments.of(named("add under a missing parent", "[{'op':'add','path':'/x/y','value':1}]"), Kind.INVALID,
            REJECTED),
        Arguments.of(named("replace past the end of an array", "[{'op':'replace','path':'/l/5','value':1}]"),
            Kind.INVALID, REJECTED),
        Arguments.of(named("move from a missing member", "[{'op':'move','from':'/nope','path':'/b'}]"),
            Kind.INVALID, REJECTED),
        Arguments.of(named("unknown op", "[{'op':'merge','path':'/v','value':1}]"), Kind.INVALID, REJECTED),
        Arguments.of(named("op missing", "[{'path':'/v','value':1}]"), Kind.INVALID, REJECTED),
        Arguments.of(named("path without a leading slash", "[{'op':'test','path':'v','value':null}]"),
            Kind.INVALID, REJECTED),
        Arguments.of(named("operation on the whole document", "[{'op':'replace','path':'','value':{}}]"),
            Kind.INVALID, REJECTED),
        Arguments.of(named("a later operation fails: nothing applies",
            "[{'op':'remove','path':'/v'},{'op':'test','path':'/v','value':'1'}]"), Kind.INVALID, REJECTED),
        Arguments.of(named("not an array", "{'op':'add','path':'/a','value':1}"), Kind.BAD_REQUEST,
            "error decoding patch: json: cannot unmarshal object into Go value of type []handlers.jsonPatchOp"),
        Arguments.of(named("operation not an object", "['add']"), Kind.BAD_REQUEST,
            "error decoding patch: json: cannot unmarshal string into Go value of type handlers.jsonPatchOp"),
        Arguments.of(named("op not a string", "[{'op':1,'path':'/a'}]"), Kind.BAD_REQUEST,
            "error decoding patch: json: cannot unmarshal number into Go struct field jsonPatchOp.op of type string"),
        Arguments.of(named("empty body", ""), Kind.BAD_REQUEST, "error decoding patch: unexpected end of JSON input"));
  }

  @ParameterizedTest
  @MethodSource
  void fails(String patch, Kind kind, String message) {
    JsonNode target = json("{'v':'1','l':[1]}");
    JsonNode original = target.deepCopy();

    assertThatThrownBy(() -> Patches.applyJsonPatch(target, bytes(patch)))
        .asInstanceOf(type(PatchException.class))
        .satisfies(e -> {
          assertThat(e.kind()).isEqualTo(kind);
          assertThat(e.getMessage()).isEqualTo(message);
          assertThat(e.causes()).isEmpty();
        });
    assertThat(target).isEqualTo(original);
  }

  @Test
  void failedOperationIsDescribedForLogs() {
    assertThatThrownBy(() -> Patches.applyJsonPatch(json("{'v':'1'}"),
        bytes("[{'op':'add','path':'/a','value':1},{'op':'test','path':'/v','value':'2'}]")))
        .asInstanceOf(type(PatchException.class))
        .satisfies(e -> assertThat(e.detail()).startsWith("operation 1 (test): "));
  }

  @Test
  void malformedJsonIsBadRequest() {
    assertThatThrownBy(() -> Patches.applyJsonPatch(json("{}"), "[{'op':".getBytes(UTF_8)))
        .asInstanceOf(type(PatchException.class))
        .satisfies(e -> {
          assertThat(e.kind()).isEqualTo(Kind.BAD_REQUEST);
          assertThat(e.kind().code()).isEqualTo(400);
          assertThat(e.getMessage()).startsWith("error decoding patch: ");
        });
  }

  @Test
  void atMostTenThousandOperations() {
    String op = "{\"op\":\"test\",\"path\":\"/a\",\"value\":1}";
    String allowed = "[" + String.join(",", java.util.Collections.nCopies(10_000, op)) + "]";
    String tooMany = "[" + String.join(",", java.util.Collections.nCopies(10_001, op)) + "]";

    assertThat(Patches.applyJsonPatch(json("{'a':1}"), allowed.getBytes(UTF_8))).isEqualTo(json("{'a':1}"));
    assertThatThrownBy(() -> Patches.applyJsonPatch(json("{'a':1}"), tooMany.getBytes(UTF_8)))
        .asInstanceOf(type(PatchException.class))
        .satisfies(e -> {
          assertThat(e.kind()).isEqualTo(Kind.REQUEST_ENTITY_TOO_LARGE);
          assertThat(e.kind().code()).isEqualTo(413);
          assertThat(e.kind().reason()).isEqualTo("RequestEntityTooLarge");
          assertThat(e.getMessage()).isEqualTo(
              "Request entity too large: The allowed maximum operations in a JSON patch is 10000, got 10001");
        });
  }
}
