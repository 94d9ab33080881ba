package io.revisor.apiserver.system;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.revisor.apiserver.testing.ApiClient;
import io.revisor.apiserver.testing.ApiClient.Response;
import io.revisor.apiserver.testing.RevisorServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ResourceStats over HTTP on a running server: exact figures after every write, one item per served namespaced
 * resource, paging with its own continue tokens, selectors, and items left out without {@code get} on the resource.
 */
class ResourceStatsTest extends SystemKindTestBase {
  private static final String DASHBOARDS = "dashboards.demo.revisor.io";
  private static final String FOLDERS = "folders.demo.revisor.io";
  private static final ObjectMapper PLAIN = new ObjectMapper();

  @TempDir Path dir;

  private static String stats(String ns) {
    return SYSTEM + ns + "/resourcestats";
  }

  private Response ok(Response response) {
    assertThat(response.code()).as("%s", response).isIn(200, 201);
    return response;
  }

  /** The bytes the server counts for an object: its JSON, compact, without metadata.resourceVersion. */
  private static long size(JsonNode object) throws Exception {
    ObjectNode copy = object.deepCopy();
    ((ObjectNode) copy.path("metadata")).remove("resourceVersion");
    return PLAIN.writeValueAsBytes(copy).length;
  }

  private static String rv(JsonNode object) {
    return object.path("metadata").path("resourceVersion").asText();
  }

  private static List<String> names(JsonNode list) {
    List<String> names = new ArrayList<>();
    list.path("items").forEach(i -> names.add(i.path("metadata").path("namespace").asText() + "/"
        + i.path("metadata").path("name").asText()));
    return names;
  }

  @Test
  void figuresAreExactAfterEveryWrite() throws Exception {
    String ns = namespace();
    JsonNode empty = ok(admin.get(stats(ns))).json();
    assertThat(empty.path("kind").asText()).isEqualTo("ResourceStatsList");
    assertThat(names(empty)).as("every served namespaced resource, never cluster-scoped or Revisor's own")
        .containsExactly(ns + "/" + DASHBOARDS, ns + "/" + FOLDERS);
    assertThat(empty.path("items").get(0).path("status").toString())
        .isEqualTo("{\"count\":0,\"bytes\":0,\"latestResourceVersion\":\"\"}");
    assertThat(rv(empty.path("items").get(0))).isEqualTo(rv(empty));

    JsonNode a = ok(admin.post(DEMO + ns + "/dashboards", dashboard("a", "A"))).json();
    JsonNode b = ok(admin.post(DEMO + ns + "/dashboards", dashboard("b", "B"))).json();
    JsonNode item = ok(admin.get(stats(ns) + "/" + DASHBOARDS)).json();
    assertThat(item.path("kind").asText()).isEqualTo("ResourceStats");
    assertThat(item.path("apiVersion").asText()).isEqualTo("revisor.io/v1");
    assertThat(item.path("status").path("count").asLong()).isEqualTo(2);
    assertThat(item.path("status").path("bytes").asLong()).isEqualTo(size(a) + size(b));
    assertThat(item.path("status").path("latestResourceVersion").asText()).isEqualTo(rv(b));
    assertThat(rv(item)).isEqualTo(rv(b));

    JsonNode a2 = ok(admin.patch(DEMO + ns + "/dashboards/a", "application/merge-patch+json",
        "{\"spec\":{\"description\":\"" + "d".repeat(500) + "\"}}")).json();
    item = ok(admin.get(stats(ns) + "/" + DASHBOARDS)).json();
    assertThat(item.path("status").path("bytes").asLong()).isEqualTo(size(a2) + size(b));
    assertThat(item.path("status").path("latestResourceVersion").asText()).isEqualTo(rv(a2));

    ok(admin.delete(DEMO + ns + "/dashboards/b"));
    item = ok(admin.get(stats(ns) + "/" + DASHBOARDS)).json();
    assertThat(item.path("status").path("count").asLong()).isEqualTo(1);
    assertThat(item.path("status").path("bytes").asLong()).isEqualTo(size(a2));
    assertThat(Long.parseLong(item.path("status").path("latestResourceVersion").asText()))
        .isGreaterThan(Long.parseLong(rv(a2)));

    ok(admin.delete(DEMO + ns + "/dashboards/a"));
    assertThat(ok(admin.get(stats(ns) + "/" + DASHBOARDS)).json().path("status").path("bytes").asLong()).isZero();
    assertThat(ok(admin.get(stats(ns) + "/" + FOLDERS)).json().path("status").path("count").asLong()).isZero();
  }

  @Test
  void allNamespacesListEveryNamespaceThatEverHadObjects() {
    String one = namespace();
    String two = namespace();
    ok(admin.post(DEMO + one + "/dashboards", dashboard("a", "A")));
    ok(admin.post(DEMO + two + "/folders", folder("f")));
    ok(admin.delete(DEMO + two + "/folders/f"));

    List<String> all = names(ok(admin.get("/apis/revisor.io/v1/resourcestats")).json());
    assertThat(all).containsSubsequence(one + "/" + DASHBOARDS, one + "/" + FOLDERS)
        .containsSubsequence(two + "/" + DASHBOARDS, two + "/" + FOLDERS)
        .doesNotContain(namespace() + "/" + DASHBOARDS)
        .isSorted();
    JsonNode byName = ok(admin.get("/apis/revisor.io/v1/resourcestats?fieldSelector=metadata.namespace%3D" + two
        + ",metadata.name%3D" + FOLDERS)).json();
    assertThat(names(byName)).containsExactly(two + "/" + FOLDERS);
    assertThat(byName.path("items").get(0).path("status").path("count").asLong()).isZero();
  }

  @Test
  void pagesFollowTheirOwnContinueTokens() {
    String ns = namespace();
    ok(admin.post(DEMO + ns + "/dashboards", dashboard("a", "A")));
    JsonNode first = ok(admin.get(stats(ns) + "?limit=1")).json();
    assertThat(names(first)).containsExactly(ns + "/" + DASHBOARDS);
    assertThat(first.path("metadata").path("remainingItemCount").asLong()).isEqualTo(1);
    String token = first.path("metadata").path("continue").asText();
    assertThat(new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8))
        .isEqualTo(ns + "/" + DASHBOARDS);
    JsonNode second = ok(admin.get(stats(ns) + "?limit=1&continue=" + token)).json();
    assertThat(names(second)).containsExactly(ns + "/" + FOLDERS);
    assertThat(second.path("metadata").has("continue")).isFalse();

    List<String> everything = names(ok(admin.get("/apis/revisor.io/v1/resourcestats")).json());
    List<String> paged = new ArrayList<>();
    String next = "";
    do {
      JsonNode page = ok(admin.get("/apis/revisor.io/v1/resourcestats?limit=3&continue=" + next)).json();
      assertThat(page.path("items").size()).isLessThanOrEqualTo(3);
      paged.addAll(names(page));
      next = page.path("metadata").path("continue").asText("");
    } while (!next.isEmpty());
    assertThat(paged).isEqualTo(everything);

    for (String bad : List.of("%25%25%25", "bm9wZQ", Base64.getUrlEncoder().encodeToString(
        ("other/" + DASHBOARDS).getBytes(StandardCharsets.UTF_8)))) {
      Response refused = admin.get(stats(ns) + "?limit=1&continue=" + bad);
      assertThat(refused.code()).as(bad).isEqualTo(400);
      assertThat(refused.json().path("message").asText()).startsWith("invalid continue token");
    }
  }

  @Test
  void onlyServedNamespacedResourcesAreItemsAndWritesAreNotAllowed() {
    String ns = namespace();
    assertThat(admin.get(stats(ns) + "/organizations.demo.revisor.io").code()).isEqualTo(404);
    assertThat(admin.get(stats(ns) + "/storagequotas.revisor.io").code()).isEqualTo(404);
    Response unknown = admin.get(stats(ns) + "/widgets.example.com");
    assertThat(unknown.code()).isEqualTo(404);
    assertThat(unknown.json().path("message").asText())
        .isEqualTo("resourcestats.revisor.io \"widgets.example.com\" not found");
    assertThat(admin.post(stats(ns), "{\"apiVersion\":\"revisor.io/v1\",\"kind\":\"ResourceStats\","
        + "\"metadata\":{\"name\":\"" + DASHBOARDS + "\"}}").code()).isEqualTo(405);
    assertThat(admin.delete(stats(ns) + "/" + DASHBOARDS).code()).isEqualTo(405);
    assertThat(names(ok(admin.get(stats(ns) + "?labelSelector=team%3Dops")).json())).isEmpty();
  }

  @Test
  void tablesShowTheFigures() {
    String ns = namespace();
    ok(admin.post(DEMO + ns + "/folders", folder("f")));
    JsonNode table = ok(admin.get(stats(ns), "application/json;as=Table;v=v1;g=meta.k8s.io")).json();
    assertThat(table.path("columnDefinitions").findValuesAsText("name"))
        .containsExactly("Name", "Count", "Bytes", "Latest Version");
    JsonNode folders = table.path("rows").get(1).path("cells");
    assertThat(folders.get(0).asText()).isEqualTo(FOLDERS);
    assertThat(folders.get(1).asLong()).isEqualTo(1);
    assertThat(folders.get(2).asLong()).isPositive();
  }

  @Test
  void itemsOfResourcesTheUserMayNotGetAreLeftOut() throws Exception {
    Path policy = dir.resolve("policy.jsonl");
    Files.writeString(policy, String.join("\n",
        line("\"user\":\"alice\",\"readonly\":true,\"apiGroup\":\"revisor.io\",\"resource\":\"resourcestats\","
            + "\"namespace\":\"*\""),
        line("\"user\":\"alice\",\"readonly\":true,\"apiGroup\":\"demo.revisor.io\",\"resource\":\"dashboards\","
            + "\"namespace\":\"team-a\""),
        line("\"user\":\"alice\",\"readonly\":true,\"apiGroup\":\"demo.revisor.io\",\"resource\":\"folders\","
            + "\"namespace\":\"*\""),
        ""));
    try (RevisorServer abac = RevisorServer.embedded("--authorization-mode=ABAC",
        "--authorization-policy-file=" + policy)) {
      ApiClient root = abac.admin();
      ApiClient alice = abac.client(RevisorServer.USER_TOKEN);
      ok(root.post(DEMO + "team-a/dashboards", dashboard("a", "A")));
      ok(root.post(DEMO + "team-b/dashboards", dashboard("b", "B")));

      assertThat(names(ok(alice.get(stats("team-a"))).json()))
          .containsExactly("team-a/" + DASHBOARDS, "team-a/" + FOLDERS);
      assertThat(names(ok(alice.get(stats("team-b"))).json())).containsExactly("team-b/" + FOLDERS);
      assertThat(ok(alice.get(stats("team-a") + "/" + DASHBOARDS)).json().path("status").path("count").asLong())
          .isEqualTo(1);
      Response denied = alice.get(stats("team-b") + "/" + DASHBOARDS);
      assertThat(denied.code()).isEqualTo(403);
      assertThat(denied.json().path("message").asText()).isEqualTo("dashboards.demo.revisor.io is forbidden: User "
          + "\"alice\" cannot get resource \"dashboards\" in API group \"demo.revisor.io\" in the namespace "
          + "\"team-b\": No policy matched.");
      assertThat(names(ok(alice.get("/apis/revisor.io/v1/resourcestats")).json()))
          .as("all namespaces need get on the resource cluster-wide")
          .containsExactly("team-a/" + FOLDERS, "team-b/" + FOLDERS);
      assertThat(names(ok(root.get("/apis/revisor.io/v1/resourcestats")).json())).containsExactly(
          "team-a/" + DASHBOARDS, "team-a/" + FOLDERS, "team-b/" + DASHBOARDS, "team-b/" + FOLDERS);
      assertThat(alice.get(SYSTEM + "team-a/storagequotas").code()).as("the request's own permission still counts")
          .isEqualTo(403);
    }
  }

  private static String line(String spec) {
    return "{\"apiVersion\":\"abac.authorization.kubernetes.io/v1beta1\",\"kind\":\"Policy\",\"spec\":{" + spec + "}}";
  }
}
