package io.revisor.apiserver.system;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.revisor.apiserver.testing.RevisorServer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Discovery and OpenAPI announce exactly the verbs each of Revisor's own kinds serves. */
class SystemKindsDiscoveryTest {
  @Test
  void verbsAndOperationsMatchWhatIsServed() {
    try (RevisorServer server = RevisorServer.embedded()) {
      JsonNode list = server.admin().get("/apis/revisor.io/v1").json();
      Map<String, List<String>> verbs = new HashMap<>();
      for (JsonNode resource : list.path("resources")) {
        List<String> v = new ArrayList<>();
        resource.path("verbs").forEach(verb -> v.add(verb.asText()));
        verbs.put(resource.path("name").asText(), v);
      }
      assertThat(verbs).containsOnlyKeys("revisions", "deletedobjects", "restores", "resourcestats", "storagequotas");
      assertThat(verbs.get("revisions")).containsExactly("get", "list", "watch");
      assertThat(verbs.get("deletedobjects")).containsExactly("get", "list");
      assertThat(verbs.get("restores")).hasSize(8);

      JsonNode paths = server.admin().get("/openapi/v3/apis/revisor.io/v1").json().path("paths");
      JsonNode collection = paths.path("/apis/revisor.io/v1/namespaces/{namespace}/revisions");
      assertThat(collection.has("get")).isTrue();
      assertThat(collection.has("post")).isFalse();
      assertThat(collection.has("delete")).isFalse();
      JsonNode item = paths.path("/apis/revisor.io/v1/namespaces/{namespace}/revisions/{name}");
      assertThat(item.has("get")).isTrue();
      assertThat(item.has("put") || item.has("patch") || item.has("delete")).isFalse();
      assertThat(paths.path("/apis/revisor.io/v1/namespaces/{namespace}/deletedobjects").path("get")
          .path("parameters").toString()).doesNotContain("\"watch\"");
      assertThat(paths.path("/apis/revisor.io/v1/namespaces/{namespace}/restores/{name}").has("patch"))
          .as("kubectl checks PATCH for server-side field validation").isTrue();
    }
  }
}
