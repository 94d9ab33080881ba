package io.revisor.apiserver.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.revisor.apiserver.config.ServerOptions;
import io.revisor.apiserver.testing.ApiClient;
import io.revisor.apiserver.testing.RevisorServer;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code revisor_objects} and {@code revisor_object_bytes} on a running server's {@code /metrics}. */
class ObjectMetricsServerTest {
  static final Pattern SAMPLE = Pattern.compile("(?m)^(revisor_objects|revisor_object_bytes)(\\{[^}]*\\}) (\\S+)$");
  static final String DEMO = "group=\"demo.revisor.io\"";

  @Test
  void summedOverNamespaces() {
    try (RevisorServer server = RevisorServer.embedded("--metrics-refresh-interval=100ms")) {
      createDemoObjects(server.admin());

      Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
        Map<String, Double> samples = samples(server.admin());
        assertThat(samples).containsEntry("revisor_objects{" + DEMO + ",resource=\"dashboards\"}", 3.0)
            .containsEntry("revisor_objects{" + DEMO + ",resource=\"organizations\"}", 1.0)
            .containsEntry("revisor_objects{" + DEMO + ",resource=\"folders\"}", 0.0);
        assertThat(samples.get("revisor_object_bytes{" + DEMO + ",resource=\"dashboards\"}")).isGreaterThan(300);
      });
      assertThat(samples(server.admin()).keySet()).as("Revisor's read-only kinds have no stored objects")
          .noneMatch(series -> series.contains("resource=\"revisions\""));
    }
  }

  @Test
  void perNamespace() {
    try (RevisorServer server = RevisorServer.embedded("--metrics-refresh-interval=100ms", "--metrics-per-namespace")) {
      createDemoObjects(server.admin());

      Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
        Map<String, Double> samples = samples(server.admin());
        assertThat(samples)
            .containsEntry("revisor_objects{" + DEMO + ",namespace=\"team-a\",resource=\"dashboards\"}", 2.0)
            .containsEntry("revisor_objects{" + DEMO + ",namespace=\"team-b\",resource=\"dashboards\"}", 1.0)
            .containsEntry("revisor_objects{" + DEMO + ",namespace=\"\",resource=\"organizations\"}", 1.0);
        assertThat(samples.get("revisor_object_bytes{" + DEMO + ",namespace=\"team-b\",resource=\"dashboards\"}"))
            .isGreaterThan(100);
      });
    }
  }

  @Test
  void theRefreshIntervalMustBePositive() {
    ServerOptions options = new ServerOptions();
    new CommandLine(options).parseArgs("--metrics-refresh-interval=0");
    assertThat(options.validate()).containsExactly("--metrics-refresh-interval must be positive");
  }

  /** Three dashboards (two in team-a, one in team-b) and one cluster-scoped organization. */
  static void createDemoObjects(ApiClient api) {
    for (String[] dashboard : new String[][] {{"team-a", "one"}, {"team-a", "two"}, {"team-b", "three"}}) {
      ApiClient.Response created = api.post("/apis/demo.revisor.io/v1/namespaces/" + dashboard[0] + "/dashboards",
          "{\"apiVersion\":\"demo.revisor.io/v1\",\"kind\":\"Dashboard\",\"metadata\":{\"name\":\"" + dashboard[1]
              + "\"},\"spec\":{\"title\":\"" + dashboard[1] + "\"}}");
      assertThat(created.code()).as(created.toString()).isEqualTo(201);
    }
    ApiClient.Response created = api.post("/apis/demo.revisor.io/v1/organizations",
        "{\"apiVersion\":\"demo.revisor.io/v1\",\"kind\":\"Organization\",\"metadata\":{\"name\":\"acme\"},"
            + "\"spec\":{\"displayName\":\"Acme\"}}");
    assertThat(created.code()).as(created.toString()).isEqualTo(201);
  }

  /** The object samples of {@code /metrics}, by name and labels as exposed. */
  static Map<String, Double> samples(ApiClient api) {
    ApiClient.Response metrics = api.get("/metrics");
    assertThat(metrics.code()).isEqualTo(200);
    Map<String, Double> samples = new HashMap<>();
    Matcher m = SAMPLE.matcher(metrics.text());
    while (m.find()) {
      samples.put(m.group(1) + m.group(2), Double.parseDouble(m.group(3)));
    }
    return samples;
  }
}
