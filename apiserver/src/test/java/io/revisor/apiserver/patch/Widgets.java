package io.revisor.apiserver.patch;

import static io.revisor.apiserver.patch.TestJson.json;
import static io.revisor.apiserver.patch.TestJson.object;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.revisor.apiserver.testing.ManualClock;

/** The test resource: widgets.demo.revisor.io/v1, with one field of every list and map type. */
final class Widgets {
  static final String API_VERSION = "demo.revisor.io/v1";
  static final String KIND = "Widget";

  static final JsonNode SCHEMA = json("""
      {'type':'object','properties':{
        'spec':{'type':'object','properties':{
          'title':{'type':'string'},
          'replicas':{'type':'integer'},
          'tags':{'type':'array','items':{'type':'string'}},
          'aliases':{'type':'array','x-kubernetes-list-type':'set','items':{'type':'string'}},
          'ports':{'type':'array','x-kubernetes-list-type':'map','x-kubernetes-list-map-keys':['name'],
            'items':{'type':'object','properties':{'name':{'type':'string'},'port':{'type':'integer'},
              'protocol':{'type':'string'}}}},
          'routes':{'type':'array','x-kubernetes-list-type':'map','x-kubernetes-list-map-keys':['port','protocol'],
            'items':{'type':'object','properties':{'port':{'type':'integer'},
              'protocol':{'type':'string','default':'TCP'},'target':{'type':'string'}}}},
          'selector':{'type':'object','x-kubernetes-map-type':'atomic','additionalProperties':{'type':'string'}},
          'settings':{'type':'object','additionalProperties':{'type':'string'}},
          'template':{'type':'object','properties':{'owner':{'type':'string'},'size':{'type':'string'}}},
          'extra':{'type':'object','x-kubernetes-preserve-unknown-fields':true}}},
        'status':{'type':'object','properties':{'phase':{'type':'string'}}}}}
      """);

  static final FieldSchema FIELDS = FieldSchema.fromSchema(SCHEMA);

  private Widgets() {}

  static FieldManager manager(ManualClock clock) {
    return FieldManager.create(clock, FIELDS, KIND, false);
  }

  /** A widget named {@code w} in {@code default} with the given spec (single-quoted JSON). */
  static ObjectNode widget(String spec) {
    ObjectNode widget = object("{'apiVersion':'demo.revisor.io/v1','kind':'Widget',"
        + "'metadata':{'name':'w','namespace':'default'}}");
    widget.set("spec", json(spec));
    return widget;
  }

  /** The managedFields entry of {@code manager} (the first one), or null. */
  static JsonNode entry(JsonNode object, String manager) {
    for (JsonNode e : object.path("metadata").path("managedFields")) {
      if (e.path("manager").asText().equals(manager)) {
        return e;
      }
    }
    return null;
  }

  /** The compact fieldsV1 of the entry of {@code manager}, or null. */
  static String fields(JsonNode object, String manager) {
    JsonNode e = entry(object, manager);
    return e == null ? null : TestJson.compact(e.get("fieldsV1"));
  }
}
