package io.revisor.apiserver.patch;

import static io.revisor.apiserver.patch.TestJson.compact;
import static io.revisor.apiserver.patch.TestJson.json;
import static io.revisor.apiserver.patch.Widgets.API_VERSION;
import static io.revisor.apiserver.patch.Widgets.entry;
import static io.revisor.apiserver.patch.Widgets.fields;
import static io.revisor.apiserver.patch.Widgets.widget;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Named.named;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.revisor.apiserver.testing.ManualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** managedFields of writes that are not apply (create, update, JSON and merge patch). */
class FieldManagerUpdateTest {
  private final ManualClock clock = new ManualClock("2024-05-06T07:08:09Z");
  private final FieldManager manager = Widgets.manager(clock);

  private ObjectNode created() {
    return manager.update(null, widget("{'title':'t','replicas':1,'settings':{'a':'1'}}"), "creator", API_VERSION,
        null);
  }

  private static ObjectNode withSpec(ObjectNode object, String spec) {
    ObjectNode copy = object.deepCopy();
    copy.set("spec", json(spec));
    return copy;
  }

  @Test
  void changedFieldsMoveToTheWriter() {
    ObjectNode live = created();
    clock.advance(Duration.ofMinutes(1));

    ObjectNode updated = manager.update(live, withSpec(live, "{'title':'u','replicas':1,'settings':{'a':'1'}}"),
        "editor", API_VERSION, null);

    assertThat(fields(updated, "editor")).isEqualTo("{\"f:spec\":{\"f:title\":{}}}");
    assertThat(fields(updated, "creator"))
        .isEqualTo("{\"f:spec\":{\".\":{},\"f:replicas\":{},\"f:settings\":{\".\":{},\"f:a\":{}}}}");
    assertThat(entry(updated, "editor").path("time").asText()).isEqualTo("2024-05-06T07:09:09Z");
    assertThat(entry(updated, "creator").path("time").asText()).isEqualTo("2024-05-06T07:08:09Z");
  }

  @Test
  void addedFieldsAreOwnedAndRemovedFieldsLeaveEveryone() {
    ObjectNode live = created();

    ObjectNode updated = manager.update(live, withSpec(live, "{'title':'t','settings':{'a':'1','b':'2'}}"),
        "editor", API_VERSION, null);

    assertThat(fields(updated, "editor")).isEqualTo("{\"f:spec\":{\"f:settings\":{\"f:b\":{}}}}");
    assertThat(fields(updated, "creator"))
        .as("replicas was removed: nobody owns it any more")
        .isEqualTo("{\"f:spec\":{\".\":{},\"f:settings\":{\".\":{},\"f:a\":{}},\"f:title\":{}}}");
  }

  @Test
  void anEntryLeftEmptyIsDropped() {
    ObjectNode live = manager.update(null, widget("{'title':'t'}"), "creator", API_VERSION, null);

    ObjectNode updated = manager.update(live, withSpec(live, "{'title':'u'}"), "editor", API_VERSION, null);
    updated = manager.update(updated, widget("{}").without("spec"), "editor", API_VERSION, null);

    assertThat(entry(updated, "creator")).isNull();
    assertThat(updated.path("metadata").has("managedFields")).as("no entry left").isFalse();
  }

  @Test
  void theWritersEntryGrowsAndItsTimeMovesOnlyWhenItChangesSomething() {
    ObjectNode live = created();
    clock.advance(Duration.ofMinutes(1));
    ObjectNode first = manager.update(live, withSpec(live, "{'title':'u','replicas':1,'settings':{'a':'1'}}"),
        "editor", API_VERSION, null);
    clock.advance(Duration.ofMinutes(1));

    ObjectNode same = manager.update(first, first.deepCopy(), "editor", API_VERSION, null);
    ObjectNode more = manager.update(first, withSpec(first, "{'title':'u','replicas':2,'settings':{'a':'1'}}"),
        "editor", API_VERSION, null);

    assertThat(same).as("nothing changed: managedFields as they were").isEqualTo(first);
    assertThat(fields(more, "editor")).isEqualTo("{\"f:spec\":{\"f:replicas\":{},\"f:title\":{}}}");
    assertThat(entry(more, "editor").path("time").asText()).isEqualTo("2024-05-06T07:10:09Z");
  }

  @Test
  void entriesAreKeyedByManagerOperationVersionAndSubresource() {
    ObjectNode live = created();

    ObjectNode v2 = manager.update(live, withSpec(live, "{'title':'u','replicas':1,'settings':{'a':'1'}}"),
        "creator", "demo.revisor.io/v2", null);
    ObjectNode status = manager.update(live, (ObjectNode) live.deepCopy().set("status", json("{'phase':'Ready'}")),
        "creator", API_VERSION, "status");

    assertThat(v2.path("metadata").path("managedFields")).hasSize(2);
    assertThat(compact(v2.path("metadata").path("managedFields").get(1)))
        .contains("\"apiVersion\":\"demo.revisor.io/v2\"")
        .contains("\"fieldsV1\":{\"f:spec\":{\"f:title\":{}}}");
    JsonNode statusEntry = status.path("metadata").path("managedFields").get(1);
    assertThat(compact(statusEntry)).isEqualTo(compact(json(
        "{'manager':'creator','operation':'Update','apiVersion':'demo.revisor.io/v1','time':'2024-05-06T07:08:09Z',"
            + "'fieldsType':'FieldsV1','fieldsV1':{'f:status':{'.':{},'f:phase':{}}},'subresource':'status'}")));
  }

  @Test
  void withAStatusSubresourceEachEndpointOwnsOnlyItsPart() {
    FieldManager withStatus = FieldManager.create(clock, Widgets.FIELDS, Widgets.KIND, true);
    ObjectNode object = widget("{'title':'t'}");
    object.set("status", json("{'phase':'Pending'}"));

    ObjectNode created = withStatus.update(null, object, "creator", API_VERSION, null);
    ObjectNode status = withStatus.update(created,
        (ObjectNode) withSpec(created, "{'title':'changed'}").set("status", json("{'phase':'Ready'}")),
        "controller", API_VERSION, "status");

    assertThat(fields(created, "creator")).isEqualTo("{\"f:spec\":{\".\":{},\"f:title\":{}}}");
    assertThat(fields(status, "controller")).isEqualTo("{\"f:status\":{\"f:phase\":{}}}");
    assertThat(fields(status, "creator")).as("spec changes through /status are not recorded")
        .isEqualTo("{\"f:spec\":{\".\":{},\"f:title\":{}}}");
  }

  @Test
  void anEmptyManagerIsUnknown() {
    ObjectNode created = manager.update(null, widget("{'title':'t'}"), "", API_VERSION, null);

    assertThat(entry(created, "unknown")).isNotNull();
  }

  /** What the request's own managedFields do (kube's decodeLiveOrNew). */
  static Stream<Arguments> requestManagedFields() {
    String valid = "[{'manager':'someone','operation':'Apply','apiVersion':'demo.revisor.io/v1',"
        + "'fieldsType':'FieldsV1','fieldsV1':{'f:spec':{'f:replicas':{}}}}]";
    return Stream.of(
        Arguments.of(named("absent: the stored ones are kept", "absent"), null, List.of("creator", "editor")),
        Arguments.of(named("empty list: cleared", "[]"), null, List.of("editor")),
        Arguments.of(named("one empty entry: cleared", "[{}]"), null, List.of("editor")),
        Arguments.of(named("valid: they replace the stored ones", valid), null, List.of("someone", "editor")),
        Arguments.of(named("invalid operation: the stored ones are kept",
            "[{'manager':'x','operation':'Bogus','apiVersion':'v1','fieldsType':'FieldsV1'}]"), null,
            List.of("creator", "editor")),
        Arguments.of(named("missing fieldsType: the stored ones are kept",
            "[{'manager':'x','operation':'Update','apiVersion':'v1'}]"), null, List.of("creator", "editor")),
        Arguments.of(named("through a subresource: always the stored ones", "[]"), "status",
            List.of("creator", "editor")));
  }

  @ParameterizedTest
  @MethodSource
  void requestManagedFields(String managedFields, String subresource, List<String> managers) {
    ObjectNode live = manager.update(null, widget("{'title':'t','replicas':1}"), "creator", API_VERSION, null);
    ObjectNode request = live.deepCopy();
    ObjectNode metadata = (ObjectNode) request.get("metadata");
    if (managedFields.equals("absent")) {
      metadata.remove("managedFields");
    } else {
      metadata.set("managedFields", json(managedFields));
    }
    if (subresource == null) {
      request.set("spec", json("{'title':'u','replicas':1}"));
    } else {
      request.set("status", json("{'phase':'u'}"));
    }

    ObjectNode result = manager.update(live, request, "editor", API_VERSION, subresource);

    List<String> names = new ArrayList<>();
    result.path("metadata").path("managedFields").forEach(e -> names.add(e.path("manager").asText()));
    assertThat(names).containsExactlyInAnyOrderElementsOf(managers);
  }

  @Test
  void atMostTenUpdateEntriesTheOldestMergeIntoAncientChanges() {
    ObjectNode object = manager.update(null, widget("{'settings':{'k0':'v'}}"), "m0", API_VERSION, null);
    for (int i = 1; i <= 10; i++) {
      clock.advance(Duration.ofMinutes(1));
      ObjectNode next = object.deepCopy();
      ((ObjectNode) next.get("spec").get("settings")).put("k" + i, "v");
      object = manager.update(object, next, "m" + i, API_VERSION, null);
    }

    List<String> names = new ArrayList<>();
    object.path("metadata").path("managedFields").forEach(e -> names.add(e.path("manager").asText()));
    assertThat(names).hasSize(10).contains("ancient-changes").doesNotContain("m0", "m1");
    assertThat(fields(object, "ancient-changes"))
        .isEqualTo("{\"f:spec\":{\".\":{},\"f:settings\":{\".\":{},\"f:k0\":{},\"f:k1\":{}}}}");
    assertThat(entry(object, "ancient-changes").path("time").asText()).isEqualTo("2024-05-06T07:09:09Z");
  }

  @Test
  void inputsAreNotModified() {
    ObjectNode live = created();
    ObjectNode request = withSpec(live, "{'title':'u'}");
    ObjectNode liveBefore = live.deepCopy();
    ObjectNode requestBefore = request.deepCopy();

    manager.update(live, request, "editor", API_VERSION, null);

    assertThat(live).isEqualTo(liveBefore);
    assertThat(request).isEqualTo(requestBefore);
  }
}
