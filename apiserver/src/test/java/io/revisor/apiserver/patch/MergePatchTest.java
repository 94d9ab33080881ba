package io.revisor.apiserver.patch;

import static io.revisor.apiserver.patch.TestJson.bytes;
import static io.revisor.apiserver.patch.TestJson.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.InstanceOfAssertFactories.type;
import static org.junit.jupiter.api.Named.named;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.revisor.apiserver.patch.PatchException.Kind;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** RFC 7386 JSON merge patch as kube-apiserver applies it ({@code application/merge-patch+json}). */
class MergePatchTest {
  /** RFC 7386 appendix A, the cases whose patch is an object (kube's objects are always objects), and more. */
  static Stream<Arguments> applies() {
    return Stream.of(
        Arguments.of(named("A.1 replace a member", "{'a':'b'}"), "{'a':'c'}", "{'a':'c'}"),
        Arguments.of(named("A.2 add a member", "{'a':'b'}"), "{'b':'c'}", "{'a':'b','b':'c'}"),
        Arguments.of(named("A.3 null removes", "{'a':'b'}"), "{'a':null}", "{}"),
        Arguments.of(named("A.4 null removes one member", "{'a':'b','b':'c'}"), "{'a':null}", "{'b':'c'}"),
        Arguments.of(named("A.5 a scalar replaces an array", "{'a':['b']}"), "{'a':'c'}", "{'a':'c'}"),
        Arguments.of(named("A.6 an array replaces a scalar", "{'a':'c'}"), "{'a':['b']}", "{'a':['b']}"),
        Arguments.of(named("A.7 objects merge", "{'a':{'b':'c'}}"), "{'a':{'b':'d','c':null}}", "{'a':{'b':'d'}}"),
        Arguments.of(named("A.8 arrays are replaced whole", "{'a':[{'b':'c'}]}"), "{'a':[1]}", "{'a':[1]}"),
        Arguments.of(named("A.13 existing nulls stay", "{'e':null}"), "{'a':1}", "{'e':null,'a':1}"),
        Arguments.of(named("A.15 nested nulls of a new member are dropped", "{}"), "{'a':{'bb':{'ccc':null}}}",
            "{'a':{'bb':{}}}"),
        Arguments.of(named("empty patch", "{'a':1}"), "{}", "{'a':1}"),
        Arguments.of(named("removing a missing member", "{'a':1}"), "{'b':null}", "{'a':1}"),
        Arguments.of(named("an object replaces a scalar", "{'a':1}"), "{'a':{'b':1,'c':null}}", "{'a':{'b':1}}"),
        Arguments.of(named("nulls in a new array are dropped (kube's library)", "{}"), "{'a':[1,null,2]}",
            "{'a':[1,2]}"),
        Arguments.of(named("an array replacing an object keeps its nulls (kube's library)", "{'a':{'b':1}}"),
            "{'a':[null]}", "{'a':[null]}"),
        Arguments.of(named("deep merge leaves siblings", "{'spec':{'a':1,'t':{'x':1,'y':2}}}"),
            "{'spec':{'t':{'y':3}}}", "{'spec':{'a':1,'t':{'x':1,'y':3}}}"),
        Arguments.of(named("metadata labels", "{'metadata':{'name':'w','labels':{'a':'1','b':'2'}}}"),
            "{'metadata':{'labels':{'a':null,'c':'3'}}}", "{'metadata':{'name':'w','labels':{'b':'2','c':'3'}}}"));
  }

  @ParameterizedTest
  @MethodSource
  void applies(String target, String patch, String expected) {
    JsonNode before = json(target);
    JsonNode original = before.deepCopy();

    JsonNode result = Patches.applyMergePatch(before, bytes(patch));

    assertThat(result).isEqualTo(json(expected));
    assertThat(result).isInstanceOf(ObjectNode.class);
    assertThat(before).as("the target is not modified").isEqualTo(original);
  }

  /** RFC 7386 appendix A cases whose patch is not an object, and other bodies, as kube answers them. */
  static Stream<Arguments> fails() {
    return Stream.of(
        Arguments.of(named("A.10 an array patch", "['c']"),
            "error decoding patch: json: cannot unmarshal array into Go value of type map[string]interface {}"),
        Arguments.of(named("A.11 a null patch", "null"), "Invalid JSON Patch"),
        Arguments.of(named("A.12 a string patch", "'bar'"),
            "error decoding patch: json: cannot unmarshal string into Go value of type map[string]interface {}"),
        Arguments.of(named("a number patch", "1"),
            "error decoding patch: json: cannot unmarshal number into Go value of type map[string]interface {}"),
        Arguments.of(named("an empty body", " "), "error decoding patch: unexpected end of JSON input"));
  }

  @ParameterizedTest
  @MethodSource
  void fails(String patch, String message) {
    assertThatThrownBy(() -> Patches.applyMergePatch(json("{'a':'foo'}"), bytes(patch)))
        .asInstanceOf(type(PatchException.class))
        .satisfies(e -> {
          assertThat(e.kind()).isEqualTo(Kind.BAD_REQUEST);
          assertThat(e.getMessage()).isEqualTo(message);
        });
  }
}
