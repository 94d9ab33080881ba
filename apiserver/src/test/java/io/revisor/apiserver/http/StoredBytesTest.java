package io.revisor.apiserver.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.revisor.apiserver.crd.ResourceDefinition;
import io.revisor.apiserver.crd.ResourceNames;
import io.revisor.apiserver.crd.ServedVersion;
import io.revisor.apiserver.json.Json;
import io.revisor.apiserver.table.PartialObjectMetadata;
import io.revisor.storage.resource.ListResult;
import io.revisor.storage.resource.ResourceType;
import io.revisor.storage.resource.StoredObject;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The object form of watch events and lists, and {@code PartialObjectMetadata}, are made of the stored bytes: copied,
 * never decoded and written again, with only an apiVersion spliced in when the request's version differs.
 */
class StoredBytesTest {
  /**
   * Stored bytes as Jackson would not write them: keys out of order, spaces, an escaped character and a number in
   * exponent form. A decode-and-write round trip changes at least the last three.
   */
  static final String ODD = "{\"kind\": \"Widget\", \"apiVersion\": \"example.com/v1beta1\", "
      + "\"metadata\": {\"name\": \"w\\u0031\", \"resourceVersion\": \"7\"}, \"spec\": {\"size\": 1.5E+3}}";

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static String text(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }

  @Test
  void eventLineCarriesTheObjectBytesUnchanged() throws IOException {
    byte[] object = bytes(ODD);

    byte[] line = WatchHandler.eventLine("MODIFIED", object).getBytes();

    assertThat(text(line)).isEqualTo("{\"type\":\"MODIFIED\",\"object\":" + ODD + "}\n");
    ObjectNode expected = Json.object();
    expected.put("type", "MODIFIED").set("object", Json.parse(object));
    assertThat(Json.parse(line)).isEqualTo(expected);
  }

  @Test
  void eventLineIsWhatTheTreeEnvelopeWrote() {
    // For objects as Jackson writes them (what storage holds), the bytes equal the former decode-and-write envelope.
    ObjectNode status = ApiException.of(410, "Expired", "too old \"rv\"").toStatus();
    ObjectNode envelope = Json.object();
    envelope.put("type", "ERROR").set("object", status);

    assertThat(text(WatchHandler.eventLine("ERROR", Json.bytes(status)).getBytes()))
        .isEqualTo(text(Json.bytes(envelope)) + "\n");
  }

  @Test
  void apiVersionAlreadyRightIsTheSameArray() {
    byte[] json = bytes(ODD);

    assertThat(ObjectRenderer.withApiVersion(json, "example.com/v1beta1")).isSameAs(json);
  }

  @Test
  void anotherApiVersionIsSplicedInAndNothingElseChanges() {
    assertThat(text(ObjectRenderer.withApiVersion(bytes(ODD), "example.com/v1")))
        .isEqualTo(ODD.replace("\"example.com/v1beta1\"", "\"example.com/v1\""));
  }

  @Test
  void onlyTheTopLevelApiVersionIsRewritten() throws IOException {
    String json = "{\"spec\":{\"template\":{\"apiVersion\":\"other/v1\"}},\"apiVersion\":\"example.com/v1beta1\"}";

    JsonNode rewritten = Json.parse(ObjectRenderer.withApiVersion(bytes(json), "example.com/v1"));

    assertThat(rewritten.path("apiVersion").asText()).isEqualTo("example.com/v1");
    assertThat(rewritten.path("spec").path("template").path("apiVersion").asText()).isEqualTo("other/v1");
  }

  @Test
  void aMissingApiVersionIsAdded() throws IOException {
    JsonNode rewritten = Json.parse(ObjectRenderer.withApiVersion(bytes("{\"metadata\":{\"name\":\"a\"}}"), "g/v1"));

    assertThat(rewritten.path("apiVersion").asText()).isEqualTo("g/v1");
    assertThat(rewritten.path("metadata").path("name").asText()).isEqualTo("a");
  }

  @Test
  void partialMetadataIsTheStoredMetadataBytes() {
    MediaTypes.Representation v1 = new MediaTypes.Representation(MediaTypes.Form.PARTIAL_METADATA, false, "v1");

    assertThat(text(ObjectRenderer.partial(v1, bytes(ODD)))).isEqualTo(
        "{\"kind\":\"PartialObjectMetadata\",\"apiVersion\":\"meta.k8s.io/v1\","
            + "\"metadata\":{\"name\": \"w\\u0031\", \"resourceVersion\": \"7\"}}");
  }

  @Test
  void partialMetadataIsWhatTheTreeWrote() throws IOException {
    MediaTypes.Representation v1 = new MediaTypes.Representation(MediaTypes.Form.PARTIAL_METADATA, false, "v1");
    for (String json : new String[] {
        "{\"apiVersion\":\"g/v1\",\"kind\":\"K\",\"metadata\":{\"name\":\"a\",\"labels\":{\"x\":\"}\"}},\"spec\":{}}",
        "{\"apiVersion\":\"g/v1\",\"kind\":\"K\"}",
        "{\"apiVersion\":\"g/v1\",\"metadata\":\"not an object\"}",
        "{\"apiVersion\":\"g/v1\",\"metadata\":3}"}) {
      assertThat(text(ObjectRenderer.partial(v1, bytes(json)))).as(json)
          .isEqualTo(text(Json.bytes(PartialObjectMetadata.of(Json.parse(bytes(json))))));
    }
  }

  @Test
  void aListIsTheStoredBytesOfItsItemsInAnEnvelope() {
    ResourceDefinition widgets = widgets(List.of("v1beta1"));
    ResourceType type = widgets.type();
    String other = "{\"apiVersion\":\"example.com/v1beta1\",\"kind\":\"Widget\",\"metadata\":{\"name\":\"x\"}}";
    ListResult page = new ListResult(List.of(new StoredObject(type.key("ns", "w1"), bytes(ODD), 7),
        new StoredObject(type.key("ns", "x"), bytes(other), 8)), 9, "token", 3L);

    Buffer body = ObjectRenderer.objectList(widgets, "example.com/v1beta1", MediaTypes.Representation.JSON_OBJECT,
        page);

    assertThat(body.toString(StandardCharsets.UTF_8)).isEqualTo("{\"apiVersion\":\"example.com/v1beta1\",\"items\":["
        + ODD + "," + other + "],\"kind\":\"WidgetList\",\"metadata\":{\"continue\":\"token\","
        + "\"remainingItemCount\":3,\"resourceVersion\":\"9\"}}");
    assertThat(ObjectRenderer.objectList(widgets, "example.com/v1beta1", MediaTypes.Representation.JSON_OBJECT,
        new ListResult(List.of(), 9, null, null)).toString(StandardCharsets.UTF_8))
        .isEqualTo("{\"apiVersion\":\"example.com/v1beta1\",\"items\":[],\"kind\":\"WidgetList\","
            + "\"metadata\":{\"resourceVersion\":\"9\"}}");
  }

  @Test
  void aListOfAKindWithSeveralVersionsHasTheRequestsApiVersionInEveryItem() {
    ResourceDefinition widgets = widgets(List.of("v1beta1", "v1"));
    ListResult page = new ListResult(List.of(new StoredObject(widgets.type().key("ns", "w1"), bytes(ODD), 7)), 7,
        null, null);

    Buffer body = ObjectRenderer.objectList(widgets, "example.com/v1", MediaTypes.Representation.JSON_OBJECT, page);

    assertThat(body.toString(StandardCharsets.UTF_8)).isEqualTo("{\"apiVersion\":\"example.com/v1\",\"items\":["
        + ODD.replace("\"example.com/v1beta1\"", "\"example.com/v1\"") + "],\"kind\":\"WidgetList\","
        + "\"metadata\":{\"resourceVersion\":\"7\"}}");
  }

  private static ResourceDefinition widgets(List<String> versions) {
    return new ResourceDefinition("example.com",
        new ResourceNames("widgets", null, "Widget", null, List.of(), List.of()), true,
        versions.stream().map(v -> new ServedVersion(v, true, v.equals(versions.get(0)), false, null, Json.object(),
            List.of(), false, List.of())).toList(), "test");
  }
}
