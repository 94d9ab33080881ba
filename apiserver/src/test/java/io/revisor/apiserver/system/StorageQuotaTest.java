package io.revisor.apiserver.system;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.revisor.apiserver.testing.ApiClient;
import io.revisor.apiserver.testing.ApiClient.Response;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * StorageQuotas over HTTP on a running server: validation (422), the computed status, and enforcement on creates and
 * growing updates of served kinds with kube's ResourceQuota 403.
 */
class StorageQuotaTest extends SystemKindTestBase {
  static String quota(String name, String hard) {
    return "{\"apiVersion\":\"revisor.io/v1\",\"kind\":\"StorageQuota\",\"metadata\":{\"name\":\"" + name
        + "\"},\"spec\":{\"hard\":" + hard + "}}";
  }

  private Response created(String path, String body) {
    Response response = admin.post(path, body);
    assertThat(response.code()).as("%s", response).isEqualTo(201);
    return response;
  }

  private long bytes(String ns, String resource) {
    return admin.get(SYSTEM + ns + "/resourcestats/" + resource).json().path("status").path("bytes").asLong();
  }

  @Test
  void aCreateAtTheLimitIsRefusedLikeKubeResourceQuota() {
    String ns = namespace();
    Response quota = created(SYSTEM + ns + "/storagequotas", quota("dashboards",
        "{\"count/dashboards.demo.revisor.io\": 2}"));
    assertThat(quota.json().path("status").toString())
        .isEqualTo("{\"hard\":{\"count/dashboards.demo.revisor.io\":\"2\"},"
            + "\"used\":{\"count/dashboards.demo.revisor.io\":\"0\"}}");
    created(DEMO + ns + "/dashboards", dashboard("a", "A"));
    created(DEMO + ns + "/dashboards", dashboard("b", "B"));
    created(DEMO + ns + "/folders", folder("f"));

    Response refused = admin.post(DEMO + ns + "/dashboards", dashboard("c", "C"));

    assertThat(refused.code()).isEqualTo(403);
    assertThat(refused.json().toString()).isEqualTo("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},"
        + "\"status\":\"Failure\",\"message\":\"dashboards.demo.revisor.io \\\"c\\\" is forbidden: exceeded quota: "
        + "dashboards, requested: count/dashboards.demo.revisor.io=1, used: count/dashboards.demo.revisor.io=2, "
        + "limited: count/dashboards.demo.revisor.io=2\",\"reason\":\"Forbidden\",\"details\":{\"name\":\"c\","
        + "\"group\":\"demo.revisor.io\",\"kind\":\"dashboards\"},\"code\":403}");
    assertThat(admin.get(DEMO + ns + "/dashboards/c").code()).isEqualTo(404);
    assertThat(admin.get(SYSTEM + ns + "/storagequotas/dashboards").json().path("status").path("used").toString())
        .isEqualTo("{\"count/dashboards.demo.revisor.io\":\"2\"}");

    assertThat(admin.delete(DEMO + ns + "/dashboards/a").code()).isEqualTo(200);
    created(DEMO + ns + "/dashboards", dashboard("c", "C"));
    assertThat(admin.post(DEMO + namespace() + "/dashboards", dashboard("c", "C")).code())
        .as("another namespace has no quota").isEqualTo(201);
  }

  @Test
  void aBytesLimitRefusesACreateAndAGrowingUpdate() {
    String ns = namespace();
    created(DEMO + ns + "/dashboards", dashboard("a", "A"));
    long used = bytes(ns, "dashboards.demo.revisor.io");
    long limit = used + 20;
    created(SYSTEM + ns + "/storagequotas", quota("bytes", "{\"bytes/dashboards.demo.revisor.io\": \"" + limit
        + "\"}"));

    Response refused = admin.post(DEMO + ns + "/dashboards", dashboard("b", "B"));
    assertThat(refused.code()).isEqualTo(403);
    assertThat(refused.json().path("message").asText())
        .matches("dashboards\\.demo\\.revisor\\.io \"b\" is forbidden: exceeded quota: bytes, requested: "
            + "bytes/dashboards\\.demo\\.revisor\\.io=\\d{3}, used: bytes/dashboards\\.demo\\.revisor\\.io=" + used
            + ", limited: bytes/dashboards\\.demo\\.revisor\\.io=" + limit);

    String merge = "application/merge-patch+json";
    long roomier = used + 150;
    assertThat(admin.patch(SYSTEM + ns + "/storagequotas/bytes", merge, "{\"spec\":{\"hard\":"
        + "{\"bytes/dashboards.demo.revisor.io\": " + roomier + "}}}").code()).isEqualTo(200);
    assertThat(admin.patch(DEMO + ns + "/dashboards/a", merge, "{\"spec\":{\"description\":\"1234\"}}").code())
        .as("growing within the limit").isEqualTo(200);
    long grown = bytes(ns, "dashboards.demo.revisor.io");
    assertThat(grown).isGreaterThan(used);
    Response tooBig = admin.patch(DEMO + ns + "/dashboards/a", merge, "{\"spec\":{\"description\":\""
        + "x".repeat(200) + "\"}}");
    assertThat(tooBig.code()).isEqualTo(403);
    assertThat(tooBig.json().path("message").asText()).isEqualTo("dashboards.demo.revisor.io \"a\" is forbidden: "
        + "exceeded quota: bytes, requested: bytes/dashboards.demo.revisor.io=196, used: "
        + "bytes/dashboards.demo.revisor.io=" + grown + ", limited: bytes/dashboards.demo.revisor.io=" + roomier);
    assertThat(bytes(ns, "dashboards.demo.revisor.io")).isEqualTo(grown);
    assertThat(admin.patch(DEMO + ns + "/dashboards/a", merge, "{\"spec\":{\"description\":null}}").code())
        .as("shrinking").isEqualTo(200);
    assertThat(bytes(ns, "dashboards.demo.revisor.io")).isLessThan(grown);
  }

  @Test
  void aRestoreOfADeletedObjectCountsAsACreate() {
    String ns = namespace();
    created(DEMO + ns + "/dashboards", dashboard("a", "A"));
    assertThat(admin.delete(DEMO + ns + "/dashboards/a").code()).isEqualTo(200);
    created(DEMO + ns + "/dashboards", dashboard("b", "B"));
    created(SYSTEM + ns + "/storagequotas", quota("one", "{\"count/dashboards.demo.revisor.io\": 1}"));

    JsonNode refused = created(SYSTEM + ns + "/restores", HistoryApiTest.restore("back", "a", null, null)).json();
    assertThat(refused.path("status").path("phase").asText()).isEqualTo("Failed");
    assertThat(refused.path("status").path("reason").asText()).isEqualTo("Forbidden");
    assertThat(refused.path("status").path("message").asText()).isEqualTo("dashboards.demo.revisor.io \"a\" is "
        + "forbidden: exceeded quota: one, requested: count/dashboards.demo.revisor.io=1, used: "
        + "count/dashboards.demo.revisor.io=1, limited: count/dashboards.demo.revisor.io=1");
    assertThat(admin.get(DEMO + ns + "/dashboards/a").code()).isEqualTo(404);

    assertThat(admin.delete(DEMO + ns + "/dashboards/b").code()).isEqualTo(200);
    JsonNode restored = created(SYSTEM + ns + "/restores", HistoryApiTest.restore("again", "a", null, null)).json();
    assertThat(restored.path("status").path("phase").asText()).isEqualTo("Succeeded");
    assertThat(admin.get(DEMO + ns + "/dashboards/a").code()).isEqualTo(200);
  }

  @Test
  void statusIsComputedOnEveryReadAndDroppedOnWrite() {
    String ns = namespace();
    created(DEMO + ns + "/dashboards", dashboard("a", "A"));
    created(DEMO + ns + "/dashboards", dashboard("b", "B"));
    Response quota = created(SYSTEM + ns + "/storagequotas", "{\"apiVersion\":\"revisor.io/v1\",\"kind\":"
        + "\"StorageQuota\",\"metadata\":{\"name\":\"all\"},\"spec\":{\"hard\":{\"count/dashboards.demo.revisor.io\":"
        + " \"1k\", \"bytes/dashboards.demo.revisor.io\": \"1Mi\", \"count/folders.demo.revisor.io\": 5}},"
        + "\"status\":{\"used\":{\"count/dashboards.demo.revisor.io\":\"99\"}}}");
    long bytes = bytes(ns, "dashboards.demo.revisor.io");
    String status = "{\"hard\":{\"count/dashboards.demo.revisor.io\":\"1k\",\"bytes/dashboards.demo.revisor.io\":"
        + "\"1Mi\",\"count/folders.demo.revisor.io\":\"5\"},\"used\":{\"count/dashboards.demo.revisor.io\":\"2\","
        + "\"bytes/dashboards.demo.revisor.io\":\"" + bytes + "\",\"count/folders.demo.revisor.io\":\"0\"}}";
    assertThat(quota.json().path("status").toString()).isEqualTo(status);
    assertThat(admin.get(SYSTEM + ns + "/storagequotas/all").json().path("status").toString()).isEqualTo(status);
    assertThat(admin.get(SYSTEM + ns + "/storagequotas").json().path("items").get(0).path("status").toString())
        .isEqualTo(status);
    JsonNode everywhere = admin.get("/apis/revisor.io/v1/storagequotas").json().path("items");
    assertThat(everywhere.findValuesAsText("name")).contains("all");

    try (ApiClient.Watch watch = admin.watch(SYSTEM + ns + "/storagequotas?watch=true", null)) {
      JsonNode added = watch.next(Duration.ofSeconds(10));
      assertThat(added.path("type").asText()).isEqualTo("ADDED");
      assertThat(added.path("object").path("status").toString()).isEqualTo(status);
      created(DEMO + ns + "/folders", folder("f"));
      String rv = added.path("object").path("metadata").path("resourceVersion").asText();
      Response put = admin.put(SYSTEM + ns + "/storagequotas/all", quota("all",
          "{\"count/folders.demo.revisor.io\": 5}").replace("\"name\":\"all\"",
          "\"name\":\"all\",\"resourceVersion\":\"" + rv + "\""));
      assertThat(put.code()).isEqualTo(200);
      assertThat(put.json().path("status").toString()).isEqualTo("{\"hard\":{\"count/folders.demo.revisor.io\":"
          + "\"5\"},\"used\":{\"count/folders.demo.revisor.io\":\"1\"}}");
      JsonNode modified = watch.next(Duration.ofSeconds(10));
      assertThat(modified.path("type").asText()).isEqualTo("MODIFIED");
      assertThat(modified.path("object").path("status").toString()).isEqualTo(put.json().path("status").toString());
    }
  }

  @Test
  void invalidLimitsAre422() {
    String ns = namespace();
    Response invalid = admin.post(SYSTEM + ns + "/storagequotas", quota("bad", "{\"count/dashboards\": 1, "
        + "\"bytes/dashboards.demo.revisor.io\": \"-1\", \"count/folders.demo.revisor.io\": \"1.5\"}"));
    assertThat(invalid.code()).isEqualTo(422);
    assertThat(invalid.json().path("reason").asText()).isEqualTo("Invalid");
    assertThat(invalid.json().path("message").asText()).isEqualTo("StorageQuota.revisor.io \"bad\" is invalid: ["
        + "spec.hard[count/dashboards]: Invalid value: \"count/dashboards\": must be count/<plural>.<group> or "
        + "bytes/<plural>.<group>, e.g. count/dashboards.demo.revisor.io, "
        + "spec.hard[bytes/dashboards.demo.revisor.io]: Invalid value: \"-1\": must be greater than or equal to 0, "
        + "spec.hard[count/folders.demo.revisor.io]: Invalid value: \"1.5\": must be an integer]");
    assertThat(invalid.json().path("details").path("causes").findValuesAsText("field")).containsExactly(
        "spec.hard[count/dashboards]", "spec.hard[bytes/dashboards.demo.revisor.io]",
        "spec.hard[count/folders.demo.revisor.io]");
    assertThat(admin.get(SYSTEM + ns + "/storagequotas/bad").code()).isEqualTo(404);

    created(SYSTEM + ns + "/storagequotas", quota("good", "{\"count/dashboards.demo.revisor.io\": 1}"));
    Response badUpdate = admin.patch(SYSTEM + ns + "/storagequotas/good", "application/merge-patch+json",
        "{\"spec\":{\"hard\":{\"count/dashboards.demo.revisor.io\": \"lots\"}}}");
    assertThat(badUpdate.code()).isEqualTo(422);
    assertThat(badUpdate.json().path("message").asText()).isEqualTo("StorageQuota.revisor.io \"good\" is invalid: "
        + "spec.hard[count/dashboards.demo.revisor.io]: Invalid value: \"lots\": quantities must match the regular "
        + "expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'");
  }

  @Test
  void aResourceThatIsNotServedIsAcceptedWithAWarning() {
    String ns = namespace();
    Response quota = created(SYSTEM + ns + "/storagequotas", quota("later",
        "{\"count/widgets.example.com\": 1, \"count/dashboards.demo.revisor.io\": 1}"));
    assertThat(quota.headerValues("Warning")).containsExactly("299 - \"spec.hard[count/widgets.example.com]: "
        + "widgets.example.com is not a namespaced resource served here; the limit applies once it is\"");
    assertThat(quota.json().path("status").path("used").toString())
        .isEqualTo("{\"count/widgets.example.com\":\"0\",\"count/dashboards.demo.revisor.io\":\"0\"}");
  }
}
