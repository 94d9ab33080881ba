package io.revisor.apiserver.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.revisor.apiserver.testing.ApiClient;
import io.revisor.apiserver.testing.ApiClient.Response;
import io.revisor.apiserver.testing.RevisorServer;
import org.junit.jupiter.api.Test;

/** A definition's {@code selectableFields} work in field selectors of lists and watches; other fields do not. */
class SelectableFieldsTest {
  static final String DASHBOARDS = "/apis/demo.revisor.io/v1/namespaces/sf/dashboards";

  static String dashboard(String name, String folder) {
    return "{\"apiVersion\":\"demo.revisor.io/v1\",\"kind\":\"Dashboard\",\"metadata\":{\"name\":\"" + name
        + "\"},\"spec\":{\"title\":\"T\",\"folder\":\"" + folder + "\"}}";
  }

  @Test
  void listsSelectByDeclaredFieldsOnly() {
    try (RevisorServer server = RevisorServer.embedded()) {
      ApiClient admin = server.admin();
      assertThat(admin.post(DASHBOARDS, dashboard("a", "ops")).code()).isEqualTo(201);
      assertThat(admin.post(DASHBOARDS, dashboard("b", "dev")).code()).isEqualTo(201);
      assertThat(admin.post(DASHBOARDS, dashboard("c", "ops")).code()).isEqualTo(201);
      Response ops = admin.get(DASHBOARDS + "?fieldSelector=spec.folder%3Dops");
      assertThat(ops.code()).as(ops.text()).isEqualTo(200);
      assertThat(ops.json().path("items").findValuesAsText("name")).containsExactly("a", "c");
      Response notOps = admin.get(DASHBOARDS + "?fieldSelector=spec.folder!%3Dops");
      assertThat(notOps.json().path("items").findValuesAsText("name")).containsExactly("b");
      Response undeclared = admin.get(DASHBOARDS + "?fieldSelector=spec.title%3DT");
      assertThat(undeclared.code()).isEqualTo(400);
      assertThat(undeclared.json().path("message").asText()).isEqualTo("field label not supported: spec.title");
    }
  }
}
