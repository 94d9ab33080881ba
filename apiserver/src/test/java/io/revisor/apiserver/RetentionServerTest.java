package io.revisor.apiserver;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.revisor.apiserver.testing.ApiClient;
import io.revisor.apiserver.testing.RevisorServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Retention enforced by a running server: the pruner applies the flags, and a definition's annotation over them, to
 * the versions reads can still reach. A pruned version answers 410 Expired once compaction has passed it.
 */
class RetentionServerTest {
  @Test
  void theFlagAndAnAnnotationOverItArePrunedToByTheServer(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("widgets.yaml"), RetentionSettingsTest.definition("widgets", "Widget",
        Map.of(RetentionSettings.KEEP_VERSIONS, "1")));
    Files.writeString(dir.resolve("gadgets.yaml"), RetentionSettingsTest.definition("gadgets", "Gadget", Map.of()));
    try (RevisorServer server = RevisorServer.embedded("--resource-definitions=" + dir,
        "--retention-keep-versions=2", "--retention-prune-interval=100ms", "--etcd-compaction-interval=100ms")) {
      ApiClient api = server.admin();
      List<Long> widgets = versions(api, "widgets", "Widget");
      List<Long> gadgets = versions(api, "gadgets", "Gadget");

      // The annotation keeps one superseded version of each widget (v2), the flag two of each gadget (v1, v2).
      Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
        assertThat(listAt(api, "widgets", widgets.get(1)).code()).isEqualTo(410);
        assertThat(listAt(api, "gadgets", gadgets.get(0)).code()).isEqualTo(410);
      });
      assertThat(titleAt(api, "widgets", widgets.get(2))).isEqualTo("v2");
      assertThat(titleAt(api, "gadgets", gadgets.get(1))).isEqualTo("v1");
      assertThat(titleAt(api, "gadgets", gadgets.get(2))).isEqualTo("v2");
      ApiClient.Response expired = listAt(api, "widgets", widgets.get(0));
      assertThat(expired.json().path("reason").asText()).as(expired.toString()).isEqualTo("Expired");
    }
  }

  /** Creates {@code <plural>/a} with title v0 and updates it to v1, v2, v3; returns the four resourceVersions. */
  static List<Long> versions(ApiClient api, String plural, String kind) {
    List<Long> versions = new ArrayList<>();
    String path = "/apis/example.com/v1/namespaces/default/" + plural;
    String object = "{\"apiVersion\":\"example.com/v1\",\"kind\":\"" + kind + "\",\"metadata\":{\"name\":\"a\"%s},"
        + "\"spec\":{\"title\":\"v%d\"}}";
    ApiClient.Response created = api.post(path, object.formatted("", 0));
    assertThat(created.code()).as(created.toString()).isEqualTo(201);
    versions.add(resourceVersion(created.json()));
    for (int i = 1; i <= 3; i++) {
      String rv = ",\"resourceVersion\":\"" + versions.get(i - 1) + "\"";
      ApiClient.Response updated = api.put(path + "/a", object.formatted(rv, i));
      assertThat(updated.code()).as(updated.toString()).isEqualTo(200);
      versions.add(resourceVersion(updated.json()));
    }
    return versions;
  }

  static ApiClient.Response listAt(ApiClient api, String plural, long resourceVersion) {
    return api.get("/apis/example.com/v1/namespaces/default/" + plural + "?resourceVersionMatch=Exact&resourceVersion="
        + resourceVersion);
  }

  static String titleAt(ApiClient api, String plural, long resourceVersion) {
    ApiClient.Response list = listAt(api, plural, resourceVersion);
    assertThat(list.code()).as(list.toString()).isEqualTo(200);
    return list.json().path("items").path(0).path("spec").path("title").asText();
  }

  static long resourceVersion(JsonNode object) {
    return Long.parseLong(object.path("metadata").path("resourceVersion").asText());
  }
}
