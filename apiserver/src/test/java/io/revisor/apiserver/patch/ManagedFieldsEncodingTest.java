package io.revisor.apiserver.patch;

import static io.revisor.apiserver.patch.TestJson.compact;
import static io.revisor.apiserver.patch.TestJson.json;
import static io.revisor.apiserver.patch.TestJson.object;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Named.named;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.revisor.apiserver.testing.ManualClock;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The {@code fieldsV1} encoding kube writes: {@code f:} fields, {@code k:} map list items by their keys in JSON,
 * {@code v:} set items, {@code .} for a node owned itself, members and children in structured-merge-diff's order.
 */
class ManagedFieldsEncodingTest {
  private final ManualClock clock = new ManualClock("2024-05-06T07:08:09.750Z");
  private final FieldManager manager = Widgets.manager(clock);

  /** Expected fieldsV1 in single quotes, with backquotes for the quotes inside {@code k:} and {@code v:} keys. */
  private static String fieldsV1(String text) {
    return compact(json(text.replace("`", "\\'")));
  }

  /** Objects created by an update (kubectl create, client-side apply): every new node is owned. */
  static Stream<Arguments> created() {
    return Stream.of(
        Arguments.of(named("nested objects", "{'spec':{'title':'t','template':{'owner':'o'}}}"),
            "{'f:spec':{'.':{},'f:template':{'.':{},'f:owner':{}},'f:title':{}}}"),
        Arguments.of(named("atomic list", "{'spec':{'tags':['a','b']}}"),
            "{'f:spec':{'.':{},'f:tags':{}}}"),
        Arguments.of(named("set list", "{'spec':{'aliases':['y','x']}}"),
            "{'f:spec':{'.':{},'f:aliases':{'.':{},'v:`x`':{},'v:`y`':{}}}}"),
        Arguments.of(named("map list keyed by name", "{'spec':{'ports':[{'name':'http','port':80}]}}"),
            "{'f:spec':{'.':{},'f:ports':{'.':{},'k:{`name`:`http`}':{'.':{},'f:name':{},'f:port':{}}}}}"),
        Arguments.of(named("map list with two keys, one defaulted",
            "{'spec':{'routes':[{'port':80,'protocol':'UDP','target':'a'},{'port':80,'target':'b'}]}}"),
            "{'f:spec':{'.':{},'f:routes':{'.':{},"
                + "'k:{`port`:80,`protocol`:`TCP`}':{'.':{},'f:port':{},'f:target':{}},"
                + "'k:{`port`:80,`protocol`:`UDP`}':{'.':{},'f:port':{},'f:protocol':{},'f:target':{}}}}}"),
        Arguments.of(named("atomic map", "{'spec':{'selector':{'a':'b'}}}"),
            "{'f:spec':{'.':{},'f:selector':{}}}"),
        Arguments.of(named("granular map", "{'spec':{'settings':{'b':'1','a':'2'}}}"),
            "{'f:spec':{'.':{},'f:settings':{'.':{},'f:a':{},'f:b':{}}}}"),
        Arguments.of(named("untyped subtree", "{'spec':{'extra':{'a':{'b':[1]}}}}"),
            "{'f:spec':{'.':{},'f:extra':{'.':{},'f:a':{'.':{},'f:b':{}}}}}"),
        Arguments.of(named("empty object and null are leaves", "{'spec':{'template':{},'title':null}}"),
            "{'f:spec':{'.':{},'f:template':{},'f:title':{}}}"),
        Arguments.of(named("labels, annotations and finalizers; untracked metadata left out",
            "{'metadata':{'uid':'u','resourceVersion':'5','generation':1,'creationTimestamp':'2024-01-01T00:00:00Z',"
                + "'labels':{'app':'a'},'annotations':{'note':'n'},'finalizers':['demo/f']},"
                + "'spec':{'title':'t'}}"),
            "{'f:metadata':{'f:annotations':{'.':{},'f:note':{}},'f:finalizers':{'.':{},'v:`demo/f`':{}},"
                + "'f:labels':{'.':{},'f:app':{}}},'f:spec':{'.':{},'f:title':{}}}"));
  }

  @ParameterizedTest
  @MethodSource
  void created(String content, String expected) {
    ObjectNode widget = object("{'apiVersion':'demo.revisor.io/v1','kind':'Widget',"
        + "'metadata':{'name':'w','namespace':'default'}}");
    ObjectNode given = object(content);
    if (given.has("metadata")) {
      ((ObjectNode) widget.get("metadata")).setAll((ObjectNode) given.remove("metadata"));
    }
    widget.setAll(given);

    ObjectNode created = manager.update(null, widget, "m", Widgets.API_VERSION, null);

    assertThat(Widgets.fields(created, "m")).isEqualTo(fieldsV1(expected));
    assertThat(FieldSet.fromFieldsV1(json(fieldsV1(expected))).toFieldsV1())
        .as("fieldsV1 parses back to the same set")
        .isEqualTo(json(fieldsV1(expected)));
  }

  @Test
  void entryHasKubesShape() {
    ObjectNode created = manager.update(null, Widgets.widget("{'title':'t'}"), "kubectl-create", "demo.revisor.io/v1",
        null);

    assertThat(compact(created.path("metadata").path("managedFields"))).isEqualTo(compact(json(
        "[{'manager':'kubectl-create','operation':'Update','apiVersion':'demo.revisor.io/v1',"
            + "'time':'2024-05-06T07:08:09Z','fieldsType':'FieldsV1','fieldsV1':{'f:spec':{'.':{},'f:title':{}}}}]")));
  }

  @Test
  void appliedFieldsOwnLeavesAndItemsNotStructFields() {
    ObjectNode config = object("{'apiVersion':'demo.revisor.io/v1','kind':'Widget',"
        + "'metadata':{'name':'w','namespace':'default','labels':{'app':'a'}},"
        + "'spec':{'title':'t','settings':{'a':'b'},'ports':[{'name':'http','port':80}],'aliases':['x']}}");

    ObjectNode applied = manager.apply(null, config, "ssa", Widgets.API_VERSION, false);

    assertThat(Widgets.fields(applied, "ssa")).isEqualTo(fieldsV1(
        "{'f:metadata':{'f:labels':{'f:app':{}}},'f:spec':{'f:aliases':{'v:`x`':{}},"
            + "'f:ports':{'k:{`name`:`http`}':{'.':{},'f:name':{},'f:port':{}}},'f:settings':{'f:a':{}},"
            + "'f:title':{}}}"));
    assertThat(compact(Widgets.entry(applied, "ssa"))).startsWith(
        "{\"manager\":\"ssa\",\"operation\":\"Apply\",\"apiVersion\":\"demo.revisor.io/v1\","
            + "\"time\":\"2024-05-06T07:08:09Z\",\"fieldsType\":\"FieldsV1\"");
  }

  @Test
  void keysAndValuesAreGoJson() {
    ObjectNode widget = Widgets.widget("{'aliases':['a<b','é'],'ports':[{'name':'x&y'}]}");

    ObjectNode created = manager.update(null, widget, "m", Widgets.API_VERSION, null);

    JsonNode spec = Widgets.entry(created, "m").path("fieldsV1").path("f:spec");
    assertThat(spec.path("f:aliases").has("v:\"a\\u003cb\"")).isTrue();
    assertThat(spec.path("f:aliases").has("v:\"é\"")).isTrue();
    assertThat(spec.path("f:ports").has("k:{\"name\":\"x\\u0026y\"}")).isTrue();
  }

  @Test
  void unknownPrefixesAreSkippedAndBadKeysRejected() {
    assertThat(FieldSet.fromFieldsV1(json("{'f:a':{},'z:future':{}}")).paths())
        .containsExactly(java.util.List.of(new PathElement.Field("a")));
    assertThatThrownBy(() -> FieldSet.fromFieldsV1(json("{'k:notjson':{}}")))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void pathsPrintAsInConflicts() {
    FieldSet set = FieldSet.fromFieldsV1(json(fieldsV1(
        "{'f:spec':{'f:ports':{'k:{`name`:`http`}':{'f:port':{}}},'f:aliases':{'v:`x`':{}},"
            + "'f:routes':{'k:{`port`:80,`protocol`:`TCP`}':{}}}}")));

    assertThat(set.paths().stream().map(FieldSet::pathString))
        .containsExactly(".spec.aliases[=\"x\"]", ".spec.ports[name=\"http\"].port",
            ".spec.routes[port=80,protocol=\"TCP\"]");
  }
}
