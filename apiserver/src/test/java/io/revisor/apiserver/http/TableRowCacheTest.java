package io.revisor.apiserver.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.revisor.apiserver.testing.ApiClient;
import io.revisor.apiserver.testing.ApiClient.Response;
import io.revisor.apiserver.testing.RevisorServer;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Table rows (what {@code kubectl get} shows) kept per object version: a second list or a Table watch reuses them,
 * a new resourceVersion renders anew, what a view computes is never kept, and the answers are those without a cache.
 * The cache's hits and misses are read from {@code /metrics}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TableRowCacheTest {
  static final String TABLE = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json";

  private RevisorServer server;
  private ApiClient api;
  private String ns;

  @BeforeAll
  void start() {
    server = RevisorServer.embedded();
    api = server.admin();
  }

  @AfterAll
  void stop() {
    server.close();
  }

  @BeforeEach
  void freshNamespace() {
    ns = "ns-" + UUID.randomUUID().toString().substring(0, 8);
  }

  private String dashboards() {
    return "/apis/demo.revisor.io/v1/namespaces/" + ns + "/dashboards";
  }

  private JsonNode create(String name, String title) {
    Response r = api.post(dashboards(), "{\"apiVersion\":\"demo.revisor.io/v1\",\"kind\":\"Dashboard\","
        + "\"metadata\":{\"name\":\"" + name + "\"},\"spec\":{\"title\":\"" + title + "\"}}");
    assertThat(r.code()).as(r.toString()).isEqualTo(201);
    return r.json();
  }

  private JsonNode table(String path) {
    Response r = api.get(path, TABLE);
    assertThat(r.code()).as(r.toString()).isEqualTo(200);
    assertThat(r.json().path("kind").asText()).isEqualTo("Table");
    return r.json();
  }

  /** Hits and misses of the row cache so far. */
  private record Gets(long hits, long misses) {
    Gets minus(Gets before) {
      return new Gets(hits - before.hits, misses - before.misses);
    }
  }

  private Gets gets() {
    return gets(api);
  }

  private static Gets gets(ApiClient client) {
    long hits = 0;
    long misses = 0;
    for (String line : client.get("/metrics").text().split("\n")) {
      if (line.startsWith("cache_gets_total{") && line.contains("cache=\"table_rows\"")) {
        long value = (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
        if (line.contains("result=\"hit\"")) {
          hits = value;
        } else if (line.contains("result=\"miss\"")) {
          misses = value;
        }
      }
    }
    return new Gets(hits, misses);
  }

  /** The Table without the cells of date columns, whose ages move with the clock between two requests. */
  static JsonNode withoutAges(JsonNode table) {
    ObjectNode copy = table.deepCopy();
    JsonNode definitions = table.path("columnDefinitions");
    for (JsonNode row : copy.path("rows")) {
      ArrayNode cells = (ArrayNode) row.path("cells");
      for (int i = 0; i < definitions.size(); i++) {
        if (definitions.get(i).path("type").asText().equals("date")) {
          cells.set(i, "<age>");
        }
      }
    }
    return copy;
  }

  @Test
  void aSecondListReusesEveryRow() {
    create("a", "A");
    create("b", "B");
    create("c", "C");
    Gets before = gets();

    JsonNode first = table(dashboards());
    assertThat(gets().minus(before)).isEqualTo(new Gets(0, 3));
    JsonNode second = table(dashboards());

    assertThat(gets().minus(before)).isEqualTo(new Gets(3, 3));
    assertThat(withoutAges(second)).isEqualTo(withoutAges(first));
    assertThat(first.path("rows")).extracting(r -> r.path("cells").get(1).asText()).containsExactly("A", "B", "C");
    assertThat(first.path("rows").get(0).path("cells").get(6).asText()).matches("\\d+s");
    assertThat(api.get("/metrics").text()).contains("cache_size{cache=\"table_rows\"}",
        "cache_evictions_total{cache=\"table_rows\"}", "cache_eviction_weight_total{cache=\"table_rows\"}");
  }

  @Test
  void aNewResourceVersionRendersAnew() {
    JsonNode a = create("a", "A");
    create("b", "B");
    table(dashboards());
    ((ObjectNode) a.path("spec")).put("title", "A2");
    assertThat(api.put(dashboards() + "/a", a.toString()).code()).isEqualTo(200);
    Gets before = gets();

    JsonNode after = table(dashboards());

    assertThat(gets().minus(before)).isEqualTo(new Gets(1, 1));
    assertThat(after.path("rows")).extracting(r -> r.path("cells").get(1).asText()).containsExactly("A2", "B");
  }

  @Test
  void eachIncludeObjectModeHasItsRows() {
    create("a", "A");
    Gets before = gets();

    JsonNode metadata = table(dashboards());
    JsonNode none = table(dashboards() + "?includeObject=None");
    JsonNode object = table(dashboards() + "?includeObject=Object");
    table(dashboards() + "?includeObject=Metadata");

    assertThat(gets().minus(before)).isEqualTo(new Gets(1, 3));
    assertThat(metadata.path("rows").get(0).path("object").path("kind").asText()).isEqualTo("PartialObjectMetadata");
    assertThat(none.path("rows").get(0).path("object").isNull()).isTrue();
    assertThat(object.path("rows").get(0).path("object").path("spec").path("title").asText()).isEqualTo("A");
  }

  @Test
  void tableWatchesReuseRowsAndSendColumnDefinitionsFirst() {
    create("a", "A");
    create("b", "B");
    JsonNode listed = table(dashboards());
    Gets before = gets();

    try (ApiClient.Watch watch = api.watch(dashboards() + "?watch=true", TABLE)) {
      JsonNode first = watch.next(Duration.ofSeconds(5));
      JsonNode second = watch.next(Duration.ofSeconds(5));

      assertThat(first.path("type").asText()).isEqualTo("ADDED");
      assertThat(first.path("object").path("columnDefinitions").isArray()).isTrue();
      assertThat(second.path("object").path("columnDefinitions").isNull()).isTrue();
      JsonNode rows = listed.path("rows");
      assertThat(withoutAges(first.path("object")).path("rows").get(0))
          .isEqualTo(withoutAges(listed).path("rows").get(0));
      assertThat(second.path("object").path("rows").get(0).path("cells").get(1).asText())
          .isEqualTo(rows.get(1).path("cells").get(1).asText());
      assertThat(gets().minus(before)).isEqualTo(new Gets(2, 0));

      assertThat(api.delete(dashboards() + "/b").code()).isEqualTo(200);
      JsonNode deleted = watch.next(Duration.ofSeconds(5));
      assertThat(deleted.path("type").asText()).isEqualTo("DELETED");
      assertThat(deleted.path("object").path("columnDefinitions").isNull()).isTrue();
      assertThat(deleted.path("object").path("rows").get(0).path("cells").get(0).asText()).isEqualTo("b");
      assertThat(gets().minus(before)).as("DELETED events are rendered afresh").isEqualTo(new Gets(2, 0));
    }
  }

  @Test
  void whatAViewComputesIsNeverKept() {
    String quotas = "/apis/revisor.io/v1/namespaces/" + ns + "/storagequotas";
    assertThat(api.post(quotas, "{\"apiVersion\":\"revisor.io/v1\",\"kind\":\"StorageQuota\",\"metadata\":{\"name\":"
        + "\"q\"},\"spec\":{\"hard\":{\"count/dashboards.demo.revisor.io\":5}}}").code()).isEqualTo(201);
    Gets before = gets();
    assertThat(table(quotas).path("rows").get(0).path("cells").get(2).asText()).contains(":0]");

    create("a", "A");

    // The quota's resourceVersion is the same, its usage is not.
    assertThat(table(quotas).path("rows").get(0).path("cells").get(2).asText()).contains(":1]");
    assertThat(gets().minus(before)).isEqualTo(new Gets(0, 0));
  }

  @Test
  void withoutACacheTablesAreTheSame() {
    try (RevisorServer uncached = RevisorServer.embedded("--table-cache-size=0")) {
      ApiClient client = uncached.admin();
      String path = "/apis/demo.revisor.io/v1/namespaces/x/dashboards";
      assertThat(client.post(path, "{\"apiVersion\":\"demo.revisor.io/v1\",\"kind\":\"Dashboard\","
          + "\"metadata\":{\"name\":\"a\"},\"spec\":{\"title\":\"A\"}}").code()).isEqualTo(201);

      JsonNode first = client.get(path, TABLE).json();
      JsonNode second = client.get(path, TABLE).json();

      assertThat(withoutAges(second)).isEqualTo(withoutAges(first));
      assertThat(first.path("rows").get(0).path("cells").get(1).asText()).isEqualTo("A");
      assertThat(gets(client)).isEqualTo(new Gets(0, 0));
      assertThat(client.get("/metrics").text()).doesNotContain("table_rows");
    }
  }
}
