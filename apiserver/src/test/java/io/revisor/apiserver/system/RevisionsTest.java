package io.revisor.apiserver.system;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.revisor.apiserver.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** How a Revision's status describes its change from the version before. */
class RevisionsTest {
  static Stream<Arguments> changes() {
    return Stream.of(
        Arguments.of(Change.of("a replaced field",
            "{'spec':{'title':'A'}}", "{'spec':{'title':'B'}}",
            "['/spec/title']", "[{'op':'replace','path':'/spec/title','value':'B'}]")),
        Arguments.of(Change.of("two array elements removed: each path once, every operation kept",
            "{'spec':{'panels':[{'name':'a'},{'name':'b'}]}}", "{'spec':{'panels':[]}}",
            "['/spec/panels/0']",
            "[{'op':'remove','path':'/spec/panels/0','value':{'name':'a'}},"
                + "{'op':'remove','path':'/spec/panels/0','value':{'name':'b'}}]")),
        Arguments.of(Change.of("only the fields every write changes",
            "{'metadata':{'resourceVersion':'1','managedFields':[{'manager':'a'}]},'spec':{}}",
            "{'metadata':{'resourceVersion':'2','managedFields':[{'manager':'b'}]},'spec':{}}",
            "[]", "[]")));
  }

  /** A case's name and its JSON, written with single quotes. */
  record Change(String name, String previous, String current, String changedFields, String patch) {
    static Change of(String name, String previous, String current, String changedFields, String patch) {
      return new Change(name, previous, current, changedFields, patch);
    }

    @Override
    public String toString() {
      return name;
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("changes")
  void describesTheChange(Change c) throws IOException {
    ObjectNode status = Json.object();
    Revisions.describeChange(status, object(c.previous()), object(c.current()));
    assertThat(status.path("changedFields")).isEqualTo(Json.parse(quoted(c.changedFields())));
    assertThat(status.path("patch")).isEqualTo(Json.parse(quoted(c.patch())));
  }

  private static ObjectNode object(String json) throws IOException {
    return (ObjectNode) Json.parse(quoted(json));
  }

  private static byte[] quoted(String json) {
    return json.replace('\'', '"').getBytes(StandardCharsets.UTF_8);
  }
}
