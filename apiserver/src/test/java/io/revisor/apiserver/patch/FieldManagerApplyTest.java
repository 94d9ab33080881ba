package io.revisor.apiserver.patch;

import static io.revisor.apiserver.patch.TestJson.json;
import static io.revisor.apiserver.patch.TestJson.object;
import static io.revisor.apiserver.patch.Widgets.API_VERSION;
import static io.revisor.apiserver.patch.Widgets.entry;
import static io.revisor.apiserver.patch.Widgets.fields;
import static io.revisor.apiserver.patch.Widgets.widget;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.InstanceOfAssertFactories.type;
import static org.junit.jupiter.api.Named.named;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.revisor.apiserver.patch.PatchException.Cause;
import io.revisor.apiserver.patch.PatchException.Kind;
import io.revisor.apiserver.testing.ManualClock;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Server-side apply: merge, ownership, removal of dropped fields, conflicts and force. */
class FieldManagerApplyTest {
  private final ManualClock clock = new ManualClock("2024-05-06T07:08:09Z");
  private final FieldManager manager = Widgets.manager(clock);

  private ObjectNode apply(ObjectNode live, String spec, String fieldManager) {
    return manager.apply(live, widget(spec), fieldManager, API_VERSION, false);
  }

  private static JsonNode content(ObjectNode object) {
    ObjectNode copy = object.deepCopy();
    ((ObjectNode) copy.get("metadata")).remove("managedFields");
    return copy;
  }

  @Test
  void createsTheObjectWhenAbsent() {
    ObjectNode created = apply(null, "{'title':'t','ports':[{'name':'http','port':80}]}", "ssa");

    assertThat(content(created)).isEqualTo(widget("{'title':'t','ports':[{'name':'http','port':80}]}"));
    assertThat(entry(created, "ssa").path("operation").asText()).isEqualTo("Apply");
    assertThat(entry(created, "ssa").path("time").asText()).isEqualTo("2024-05-06T07:08:09Z");
  }

  @Test
  void applyingTheSameConfigurationAgainChangesNothing() {
    ObjectNode first = apply(null, "{'title':'t','aliases':['a'],'settings':{'k':'v'}}", "ssa");
    clock.advance(Duration.ofHours(1));

    ObjectNode second = apply(first, "{'title':'t','aliases':['a'],'settings':{'k':'v'}}", "ssa");

    assertThat(second).isEqualTo(first);
  }

  @Test
  void changingOwnFieldsIsNoConflictAndMovesTheTime() {
    ObjectNode first = apply(null, "{'title':'t'}", "ssa");
    clock.advance(Duration.ofHours(1));

    ObjectNode second = apply(first, "{'title':'u'}", "ssa");

    assertThat(second.path("spec").path("title").asText()).isEqualTo("u");
    assertThat(entry(second, "ssa").path("time").asText()).isEqualTo("2024-05-06T08:08:09Z");
  }

  @Test
  void fieldsTheManagerStopsApplyingAreRemoved() {
    ObjectNode first = apply(null, "{'title':'t','replicas':3,'aliases':['a','b'],'settings':{'x':'1','y':'2'},"
        + "'ports':[{'name':'http','port':80},{'name':'https','port':443}],'template':{'owner':'o'}}", "ssa");

    ObjectNode second = apply(first, "{'title':'t','aliases':['a'],'settings':{'x':'1'},"
        + "'ports':[{'name':'http','port':80}]}", "ssa");

    assertThat(content(second)).isEqualTo(widget(
        "{'title':'t','aliases':['a'],'settings':{'x':'1'},'ports':[{'name':'http','port':80}]}"));
    assertThat(fields(second, "ssa")).isEqualTo("{\"f:spec\":{\"f:aliases\":{\"v:\\\"a\\\"\":{}},"
        + "\"f:ports\":{\"k:{\\\"name\\\":\\\"http\\\"}\":{\".\":{},\"f:name\":{},\"f:port\":{}}},"
        + "\"f:settings\":{\"f:x\":{}},\"f:title\":{}}}");
  }

  @Test
  void aDroppedFieldAnotherManagerOwnsStays() {
    ObjectNode first = apply(null, "{'title':'t','replicas':1,'template':{'owner':'o','size':'S'}}", "ssa");
    ObjectNode shared = apply(first, "{'replicas':1}", "other-applier");
    ObjectNode edited = manager.update(shared, widget("{'title':'t','replicas':1,'template':{'owner':'o',"
        + "'size':'L'}}"), "editor", API_VERSION, null);

    ObjectNode result = apply(edited, "{'title':'t'}", "ssa");

    assertThat(content(result)).as("replicas is other-applier's, template.size the editor's")
        .isEqualTo(widget("{'title':'t','replicas':1,'template':{'size':'L'}}"));
    assertThat(fields(result, "ssa")).isEqualTo("{\"f:spec\":{\"f:title\":{}}}");
  }

  @Test
  void unownedFieldsAreLeftAlone() {
    ObjectNode live = widget("{'title':'t','settings':{'a':'1'}}"); // stored without managedFields

    ObjectNode first = apply(live, "{'settings':{'b':'2'},'replicas':1}", "ssa");
    ObjectNode second = apply(first, "{'settings':{'b':'2'}}", "ssa");

    assertThat(content(second)).isEqualTo(widget("{'title':'t','settings':{'a':'1','b':'2'}}"));
  }

  @Test
  void changingAFieldAnotherManagerOwnsConflicts() {
    ObjectNode live = manager.update(null, widget("{'title':'t','replicas':1}"), "editor", API_VERSION, null);

    assertThatThrownBy(() -> apply(live, "{'title':'u'}", "ssa"))
        .asInstanceOf(type(PatchException.class))
        .satisfies(e -> {
          assertThat(e.kind()).isEqualTo(Kind.CONFLICT);
          assertThat(e.kind().code()).isEqualTo(409);
          assertThat(e.kind().reason()).isEqualTo("Conflict");
          assertThat(e.getMessage()).isEqualTo(
              "Apply failed with 1 conflict: conflict with \"editor\" using demo.revisor.io/v1: .spec.title");
          assertThat(e.causes()).containsExactly(new Cause("FieldManagerConflict",
              "conflict with \"editor\" using demo.revisor.io/v1", ".spec.title"));
          assertThat(e.conflicts()).containsExactly(
              new PatchException.Conflict("editor", "Update", API_VERSION, "", ".spec.title"));
        });
  }

  @Test
  void forceMovesTheFieldToTheApplier() {
    ObjectNode live = manager.update(null, widget("{'title':'t','replicas':1}"), "editor", API_VERSION, null);

    ObjectNode forced = manager.apply(live, widget("{'title':'u'}"), "ssa", API_VERSION, true);

    assertThat(forced.path("spec")).isEqualTo(json("{'title':'u','replicas':1}"));
    assertThat(fields(forced, "ssa")).isEqualTo("{\"f:spec\":{\"f:title\":{}}}");
    assertThat(fields(forced, "editor")).isEqualTo("{\"f:spec\":{\".\":{},\"f:replicas\":{}}}");
  }

  @Test
  void twoAppliersOfTheSameValueShareTheField() {
    ObjectNode first = apply(null, "{'title':'t','replicas':1}", "alice");

    ObjectNode second = apply(first, "{'title':'t'}", "bob");

    assertThat(fields(second, "alice")).isEqualTo("{\"f:spec\":{\"f:replicas\":{},\"f:title\":{}}}");
    assertThat(fields(second, "bob")).isEqualTo("{\"f:spec\":{\"f:title\":{}}}");
    assertThat(entry(second, "bob").has("time")).as("nothing changed: no time, as in kube").isFalse();
    assertThatThrownBy(() -> apply(second, "{'title':'u'}", "bob"))
        .asInstanceOf(type(PatchException.class))
        .extracting(PatchException::getMessage)
        .isEqualTo("Apply failed with 1 conflict: conflict with \"alice\": .spec.title");
  }

  @Test
  void conflictsWithSeveralManagersAreGroupedByManager() {
    ObjectNode created = manager.update(null, widget("{'title':'t','replicas':1}"), "A", API_VERSION, null);
    ObjectNode applied = apply(created, "{'settings':{'a':'1'}}", "B");

    assertThatThrownBy(() -> apply(applied, "{'title':'x','replicas':9,'settings':{'a':'2'}}", "C"))
        .asInstanceOf(type(PatchException.class))
        .satisfies(e -> {
          assertThat(e.getMessage()).isEqualTo("Apply failed with 3 conflicts: "
              + "conflicts with \"A\" using demo.revisor.io/v1:\n- .spec.replicas\n- .spec.title\n"
              + "conflicts with \"B\":\n- .spec.settings.a");
          assertThat(e.causes()).extracting(Cause::field)
              .containsExactly(".spec.replicas", ".spec.title", ".spec.settings.a");
          assertThat(e.causes()).extracting(Cause::message).containsExactly(
              "conflict with \"A\" using demo.revisor.io/v1", "conflict with \"A\" using demo.revisor.io/v1",
              "conflict with \"B\"");
        });
  }

  @Test
  void anAtomicListIsOneFieldAndReplacedWhole() {
    ObjectNode created = manager.update(null, widget("{'tags':['a','b']}"), "editor", API_VERSION, null);

    assertThatThrownBy(() -> apply(created, "{'tags':['c']}", "ssa"))
        .asInstanceOf(type(PatchException.class))
        .extracting(PatchException::getMessage)
        .isEqualTo("Apply failed with 1 conflict: conflict with \"editor\" using demo.revisor.io/v1: .spec.tags");
    ObjectNode forced = manager.apply(created, widget("{'tags':['c']}"), "ssa", API_VERSION, true);
    assertThat(forced.path("spec").path("tags")).isEqualTo(json("['c']"));
  }

  static Stream<Arguments> merges() {
    return Stream.of(
        Arguments.of(named("set items are added, in the configuration's order", "{'aliases':['a','b']}"),
            "{'aliases':['c','a']}", "{'aliases':['c','a','b']}"),
        Arguments.of(named("map list items merge by key", "{'ports':[{'name':'a','port':1},{'name':'b','port':2}]}"),
            "{'ports':[{'name':'b','protocol':'TCP'},{'name':'c','port':3}]}",
            "{'ports':[{'name':'a','port':1},{'name':'b','port':2,'protocol':'TCP'},{'name':'c','port':3}]}"),
        Arguments.of(named("granular maps merge", "{'settings':{'a':'1'},'template':{'owner':'o'}}"),
            "{'settings':{'b':'2'},'template':{'size':'S'}}",
            "{'settings':{'a':'1','b':'2'},'template':{'owner':'o','size':'S'}}"),
        Arguments.of(named("atomic maps are replaced", "{'selector':{'a':'1'}}"), "{'selector':{'b':'2'}}",
            "{'selector':{'b':'2'}}"),
        Arguments.of(named("untyped lists are atomic", "{'extra':{'l':[1,2],'m':{'x':1}}}"),
            "{'extra':{'l':[3],'m':{'y':2}}}", "{'extra':{'l':[3],'m':{'x':1,'y':2}}}"));
  }

  @ParameterizedTest
  @MethodSource
  void merges(String liveSpec, String appliedSpec, String expectedSpec) {
    ObjectNode live = widget(liveSpec); // no owners: nothing conflicts, nothing is pruned

    ObjectNode result = apply(live, appliedSpec, "ssa");

    assertThat(result.path("spec")).isEqualTo(json(expectedSpec));
    assertThat(TestJson.compact(result.path("spec"))).isEqualTo(TestJson.compact(json(expectedSpec)));
  }

  static Stream<Arguments> rejects() {
    return Stream.of(
        Arguments.of(named("another apiVersion", "{'apiVersion':'demo.revisor.io/v2','kind':'Widget'}"),
            "invalid object type: demo.revisor.io/v2, Kind=Widget"),
        Arguments.of(named("another kind", "{'apiVersion':'demo.revisor.io/v1','kind':'Gadget'}"),
            "invalid object type: demo.revisor.io/v1, Kind=Gadget"),
        Arguments.of(named("no apiVersion and kind", "{'metadata':{'name':'w'}}"), "invalid object type: /, Kind="),
        Arguments.of(named("managedFields set",
            "{'apiVersion':'demo.revisor.io/v1','kind':'Widget','metadata':{'name':'w','managedFields':[]}}"),
            "metadata.managedFields must be nil"),
        Arguments.of(named("a field the schema does not declare",
            "{'apiVersion':'demo.revisor.io/v1','kind':'Widget','metadata':{'name':'w','namespace':'default'},"
                + "'spec':{'color':'red'}}"),
            "failed to create typed patch object (default/w; demo.revisor.io/v1, Kind=Widget): "
                + ".spec.color: field not declared in schema"),
        Arguments.of(named("repeated map list key",
            "{'apiVersion':'demo.revisor.io/v1','kind':'Widget','metadata':{'name':'w'},"
                + "'spec':{'ports':[{'name':'a'},{'name':'a'}]}}"),
            "failed to create typed patch object (/w; demo.revisor.io/v1, Kind=Widget): "
                + ".spec.ports: duplicate entries for key [name=\"a\"]"),
        Arguments.of(named("map list item without its key and a set of maps",
            "{'apiVersion':'demo.revisor.io/v1','kind':'Widget','metadata':{'name':'w'},"
                + "'spec':{'ports':[{'port':1}],'aliases':[{}]}}"),
            "failed to create typed patch object (/w; demo.revisor.io/v1, Kind=Widget): errors:\n"
                + "  .spec.ports: element 0: associative list with keys has an element that omits key field "
                + "\"name\" (and doesn't have default value)\n"
                + "  .spec.aliases: element 0: associative list without keys has an element that's a map type"));
  }

  @ParameterizedTest
  @MethodSource
  void rejects(String configuration, String message) {
    assertThatThrownBy(() -> manager.apply(null, object(configuration), "ssa", API_VERSION, false))
        .asInstanceOf(type(PatchException.class))
        .satisfies(e -> {
          assertThat(e.kind()).isEqualTo(Kind.BAD_REQUEST);
          assertThat(e.getMessage()).isEqualTo(message);
        });
  }

  @Test
  void untypedSubtreesTakeAnyField() {
    ObjectNode created = apply(null, "{'extra':{'anything':{'goes':true}}}", "ssa");

    assertThat(fields(created, "ssa"))
        .isEqualTo("{\"f:spec\":{\"f:extra\":{\"f:anything\":{\".\":{},\"f:goes\":{}}}}}");
  }

  @Test
  void applyThroughStatusIsRecordedWithTheSubresource() {
    ObjectNode live = apply(null, "{'title':'t'}", "ssa");
    ObjectNode config = object("{'apiVersion':'demo.revisor.io/v1','kind':'Widget','metadata':{'name':'w',"
        + "'namespace':'default'},'status':{'phase':'Ready'}}");

    ObjectNode result = manager.apply(live, config, "controller", API_VERSION, "status", false);

    JsonNode status = entry(result, "controller");
    assertThat(status.path("subresource").asText()).isEqualTo("status");
    assertThat(status.has("apiVersion")).isTrue();
    assertThat(result.path("spec")).isEqualTo(json("{'title':'t'}"));
  }

  @Test
  void inputsAreNotModified() {
    ObjectNode live = apply(null, "{'title':'t','replicas':1}", "ssa");
    ObjectNode config = widget("{'title':'u'}");
    ObjectNode liveBefore = live.deepCopy();
    ObjectNode configBefore = config.deepCopy();

    ObjectNode result = manager.apply(live, config, "ssa", API_VERSION, false);
    ((ObjectNode) result.get("spec")).put("title", "mutated");

    assertThat(live).isEqualTo(liveBefore);
    assertThat(config).isEqualTo(configBefore);
  }

  @Test
  void conflictsListTheApplierOnce() {
    ObjectNode live = manager.update(null, widget("{'ports':[{'name':'a','port':1}]}"), "editor", API_VERSION,
        null);

    assertThatThrownBy(() -> apply(live, "{'ports':[{'name':'a','port':2}]}", "ssa"))
        .asInstanceOf(type(PatchException.class))
        .extracting(PatchException::conflicts)
        .isEqualTo(List.of(
            new PatchException.Conflict("editor", "Update", API_VERSION, "", ".spec.ports[name=\"a\"].port")));
  }
}
