package io.revisor.apiserver.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.revisor.apiserver.testing.ApiClient;
import io.revisor.apiserver.testing.ApiClient.Response;
import io.revisor.apiserver.testing.RevisorServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * On a running server with a kind of two versions (stored as written) and one of one version: watch events of the object form carry the stored object byte for byte, with only the apiVersion changed
 * for a request of another version; lists, Tables and PartialObjectMetadata agree with them.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StoredBytesServerTest {
  static final String BLOBS = "/apis/test.revisor.io/v1/blobs";
  static final String GADGETS_V1 = "/apis/test.revisor.io/v1/namespaces/g/gadgets";
  static final String GADGETS_V1BETA1 = "/apis/test.revisor.io/v1beta1/namespaces/g/gadgets";
  static final Duration WAIT = Duration.ofSeconds(5);

  @TempDir
  static Path definitions;

  private RevisorServer server;
  private ApiClient api;

  /** Gadget: v1 and v1beta1 served, v1beta1 the storage version; Blob: one version. Unknown fields are kept. */
  static final String DEFINITIONS = """
      apiVersion: apiextensions.k8s.io/v1
      kind: CustomResourceDefinition
      metadata: {name: gadgets.test.revisor.io}
      spec:
        group: test.revisor.io
        scope: Namespaced
        names: {plural: gadgets, kind: Gadget}
        versions:
          - {name: v1beta1, served: true, storage: true, schema: {openAPIV3Schema: %1$s}}
          - {name: v1, served: true, storage: false, schema: {openAPIV3Schema: %1$s}}
      ---
      apiVersion: apiextensions.k8s.io/v1
      kind: CustomResourceDefinition
      metadata: {name: blobs.test.revisor.io}
      spec:
        group: test.revisor.io
        scope: Cluster
        names: {plural: blobs, kind: Blob}
        versions:
          - {name: v1, served: true, storage: true, schema: {openAPIV3Schema: %1$s}}
      """.formatted("{type: object, x-kubernetes-preserve-unknown-fields: true}");

  @BeforeAll
  void start() throws IOException {
    Files.writeString(definitions.resolve("test.yaml"), DEFINITIONS);
    server = RevisorServer.embedded("--resource-definitions=" + definitions);
    api = server.admin();
  }

  @AfterAll
  void stop() {
    server.close();
  }

  private static String event(String type, String object) {
    return "{\"type\":\"" + type + "\",\"object\":" + object + "}";
  }

  private Response ok(Response r) {
    assertThat(r.code()).as(r.toString()).isBetween(200, 201);
    return r;
  }

  @Test
  void objectEventsAreTheStoredBytes() {
    // Keys in an order of their own (the root preserves unknown fields): they reach watchers in that order.
    ok(api.post(BLOBS, "{\"apiVersion\":\"test.revisor.io/v1\",\"kind\":\"Blob\",\"metadata\":{\"name\":\"b\"},"
        + "\"zeta\":{\"y\":1,\"x\":[2.50,\"\\u00e9\"]},\"data\":\"d\",\"alpha\":true}"));
    String stored = ok(api.get(BLOBS + "/b")).text();
    assertThat(stored.indexOf("\"zeta\"")).isLessThan(stored.indexOf("\"alpha\""));

    try (ApiClient.Watch watch = api.watch(BLOBS + "?watch=true", null)) {
      assertThat(watch.nextLine(WAIT)).isEqualTo(event("ADDED", stored));

      ok(api.patch(BLOBS + "/b", MediaTypes.MERGE_PATCH, "{\"data\":\"e\"}"));
      String modified = ok(api.get(BLOBS + "/b")).text();
      assertThat(watch.nextLine(WAIT)).isEqualTo(event("MODIFIED", modified));
    }
  }

  @Test
  void anotherVersionGetsItsApiVersionAndNothingElseChanges() {
    ok(api.post(GADGETS_V1BETA1, "{\"apiVersion\":\"test.revisor.io/v1beta1\",\"kind\":\"Gadget\","
        + "\"metadata\":{\"name\":\"old\"},\"spec\":{\"size\":\"3\"}}"));
    String stored = ok(api.get(GADGETS_V1BETA1 + "/old")).text();
    // The object's own apiVersion comes first; the managedFields' ones stay as written.
    String top = "{\"apiVersion\":\"test.revisor.io/v1beta1\",";
    assertThat(stored).startsWith(top).contains("\"apiVersion\":\"test.revisor.io/v1beta1\",\"time\"");
    String asV1 = "{\"apiVersion\":\"test.revisor.io/v1\"," + stored.substring(top.length());

    try (ApiClient.Watch v1 = api.watch(GADGETS_V1 + "?watch=true&fieldSelector=metadata.name%3Dold", null);
        ApiClient.Watch v1beta1 = api.watch(GADGETS_V1BETA1 + "?watch=true&fieldSelector=metadata.name%3Dold", null)) {
      assertThat(v1.nextLine(WAIT)).isEqualTo(event("ADDED", asV1));
      assertThat(v1beta1.nextLine(WAIT)).isEqualTo(event("ADDED", stored));
    }
    assertThat(ok(api.get(GADGETS_V1 + "/old")).text()).isEqualTo(asV1);
    JsonNode list = ok(api.get(GADGETS_V1 + "?fieldSelector=metadata.name%3Dold")).json();
    assertThat(list.path("items").get(0).toString()).isEqualTo(ok(api.get(GADGETS_V1 + "/old")).json().toString());
    JsonNode table = ok(api.get(GADGETS_V1 + "?includeObject=Object", TableRowCacheTest.TABLE)).json();
    assertThat(table.path("rows").get(0).path("object").path("apiVersion").asText()).isEqualTo("test.revisor.io/v1");
  }

  @Test
  void partialObjectMetadataIsTheStoredMetadata() {
    ok(api.post(BLOBS, "{\"apiVersion\":\"test.revisor.io/v1\",\"kind\":\"Blob\",\"metadata\":{\"name\":\"p\","
        + "\"labels\":{\"z\":\"1\",\"a\":\"2\"}},\"data\":\"d\"}"));
    JsonNode stored = ok(api.get(BLOBS + "/p")).json();
    String metadataList = "application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io";
    String metadataOne = "application/json;as=PartialObjectMetadata;v=v1;g=meta.k8s.io";

    JsonNode list = ok(api.get(BLOBS + "?fieldSelector=metadata.name%3Dp", metadataList)).json();
    try (ApiClient.Watch watch = api.watch(BLOBS + "?watch=true&fieldSelector=metadata.name%3Dp", metadataOne)) {
      JsonNode event = watch.next(WAIT);

      assertThat(event.path("object").path("kind").asText()).isEqualTo("PartialObjectMetadata");
      assertThat(event.path("object").path("metadata")).isEqualTo(stored.path("metadata"));
    }
    assertThat(list.path("kind").asText()).isEqualTo("PartialObjectMetadataList");
    assertThat(list.path("apiVersion").asText()).isEqualTo("meta.k8s.io/v1");
    assertThat(list.path("items").get(0).path("metadata")).isEqualTo(stored.path("metadata"));
    assertThat(list.path("items").get(0).has("data")).isFalse();
  }
}
