package io.revisor.apiserver.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.revisor.apiserver.testing.ApiClient;
import io.revisor.apiserver.testing.ApiClient.Response;
import io.revisor.apiserver.testing.RevisorServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Kubernetes API semantics of {@code ../shared/spec/semantics.md} sections 1-4, over HTTP against a running
 * server. Each backend's test extends this class and says how to start the server.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class AbstractResourceApiTest {
  static final String GV = "/apis/demo.revisor.io/v1";

  protected RevisorServer server;
  protected ApiClient api;
  /** A fresh namespace per test, so that tests never see each other's objects. */
  protected String ns;

  /** Starts the server under test. */
  protected abstract RevisorServer startServer();

  @BeforeAll
  void startAll() {
    server = startServer();
    api = server.admin();
  }

  @AfterAll
  void stopAll() {
    if (server != null) {
      server.close();
    }
    afterServerStopped();
  }

  /** Stops what {@link #startServer()} started besides the server. */
  protected void afterServerStopped() {}

  @BeforeEach
  void freshNamespace() {
    ns = "ns-" + UUID.randomUUID().toString().substring(0, 8);
  }

  String dashboards() {
    return GV + "/namespaces/" + ns + "/dashboards";
  }

  static String dashboard(String name, String title) {
    return "{\"apiVersion\":\"demo.revisor.io/v1\",\"kind\":\"Dashboard\",\"metadata\":{\"name\":\"" + name
        + "\"},\"spec\":{\"title\":\"" + title + "\"}}";
  }

  static String dashboard(String name, String title, String labelsJson) {
    return "{\"apiVersion\":\"demo.revisor.io/v1\",\"kind\":\"Dashboard\",\"metadata\":{\"name\":\"" + name
        + "\",\"labels\":" + labelsJson + "},\"spec\":{\"title\":\"" + title + "\"}}";
  }

  JsonNode create(String name) {
    Response r = api.post(dashboards(), dashboard(name, "T " + name));
    assertThat(r.code()).as(r.toString()).isEqualTo(201);
    return r.json();
  }

  static long rv(JsonNode object) {
    return Long.parseLong(object.path("metadata").path("resourceVersion").asText());
  }

  static List<String> names(JsonNode list) {
    List<String> names = new ArrayList<>();
    list.path("items").forEach(i -> names.add(i.path("metadata").path("name").asText()));
    return names;
  }

  static void assertStatus(Response r, int code, String reason, String messageContains) {
    assertThat(r.code()).as(r.toString()).isEqualTo(code);
    assertThat(r.json().path("kind").asText()).isEqualTo("Status");
    assertThat(r.json().path("apiVersion").asText()).isEqualTo("v1");
    assertThat(r.json().path("status").asText()).isEqualTo("Failure");
    assertThat(r.json().path("code").asInt()).isEqualTo(code);
    assertThat(r.json().path("reason").asText()).isEqualTo(reason);
    assertThat(r.json().path("message").asText()).contains(messageContains);
  }

  @Nested
  class Create {
    @Test
    void setsSystemFields() {
      JsonNode created = create("a");
      JsonNode metadata = created.path("metadata");
      assertThat(metadata.path("uid").asText()).matches("[0-9a-f-]{36}");
      assertThat(metadata.path("creationTimestamp").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
      assertThat(metadata.path("generation").asLong()).isEqualTo(1);
      assertThat(metadata.path("namespace").asText()).isEqualTo(ns);
      assertThat(rv(created)).isPositive();
      Response read = api.get(dashboards() + "/a");
      assertThat(read.json()).isEqualTo(created);
    }

    @Test
    void nameTakenIsAlreadyExists() {
      create("a");
      Response r = api.post(dashboards(), dashboard("a", "again"));
      assertStatus(r, 409, "AlreadyExists", "dashboards.demo.revisor.io \"a\" already exists");
      assertThat(r.json().path("details").path("name").asText()).isEqualTo("a");
    }

    @Test
    void resourceVersionOnInputIsRejected() {
      String body = "{\"apiVersion\":\"demo.revisor.io/v1\",\"kind\":\"Dashboard\",\"metadata\":{\"name\":\"a\","
          + "\"resourceVersion\":\"5\"},\"spec\":{\"title\":\"x\"}}";
      assertStatus(api.post(dashboards(), body), 400, "BadRequest", "resourceVersion should not be set");
    }

    @Test
    void generateNameAddsFiveCharacters() {
      String body = "{\"apiVersion\":\"demo.revisor.io/v1\",\"kind\":\"Dashboard\",\"metadata\":{\"generateName\":"
          + "\"gen-\"},\"spec\":{\"title\":\"x\"}}";
      Response r = api.post(dashboards(), body);
      assertThat(r.code()).as(r.toString()).isEqualTo(201);
      assertThat(r.json().path("metadata").path("name").asText()).matches("gen-[a-z0-9]{5}");
    }

    @Test
    void nameOrGenerateNameIsRequired() {
      String body = "{\"apiVersion\":\"demo.revisor.io/v1\",\"kind\":\"Dashboard\",\"metadata\":{},\"spec\":{\"title\":\"x\"}}";
      Response r = api.post(dashboards(), body);
      assertStatus(r, 422, "Invalid", "metadata.name: Required value: name or generateName is required");
      assertThat(r.json().path("details").path("causes").get(0).path("field").asText()).isEqualTo("metadata.name");
    }

    @Test
    void typeMetaMustMatchThePath() {
      String wrongVersion = dashboard("a", "x").replace("demo.revisor.io/v1", "demo.revisor.io/v2");
      assertStatus(api.post(dashboards(), wrongVersion), 400, "BadRequest", "does not match the expected API version");
      String wrongKind = dashboard("a", "x").replace("\"Dashboard\"", "\"Folder\"");
      assertStatus(api.post(dashboards(), wrongKind), 400, "BadRequest", "does not match the expected kind");
    }

    @Test
    void namespaceMustMatchThePath() {
      String body = dashboard("a", "x").replace("\"name\":\"a\"", "\"name\":\"a\",\"namespace\":\"other\"");
      assertStatus(api.post(dashboards(), body), 400, "BadRequest", "does not match the namespace");
    }

    @Test
    void statusIsDroppedWhenItIsASubresource() {
      String body = dashboard("a", "x").replace("}}", "},\"status\":{\"phase\":\"Ready\"}}");
      Response r = api.post(dashboards(), body);
      assertThat(r.code()).as(r.toString()).isEqualTo(201);
      assertThat(r.json().has("status")).isFalse();
    }

    @Test
    void dryRunPersistsNothing() {
      Response r = api.post(dashboards() + "?dryRun=All", dashboard("a", "x"));
      assertThat(r.code()).as(r.toString()).isEqualTo(201);
      assertThat(r.json().path("metadata").path("uid").asText()).isNotEmpty();
      assertThat(api.get(dashboards() + "/a").code()).isEqualTo(404);
    }

    @Test
    void unsupportedDryRunValueIsInvalid() {
      assertThat(api.post(dashboards() + "?dryRun=Some", dashboard("a", "x")).code()).isEqualTo(422);
    }

    @Test
    void malformedJsonIsBadRequest() {
      assertStatus(api.post(dashboards(), "{\"apiVersion\":"), 400, "BadRequest", "could not be decoded");
      assertStatus(api.post(dashboards(), "[1,2]"), 400, "BadRequest", "must be a JSON object");
    }

    @Test
    void clusterScopedKind() {
      String name = "org-" + ns;
      String body = "{\"apiVersion\":\"demo.revisor.io/v1\",\"kind\":\"Organization\",\"metadata\":{\"name\":\""
          + name + "\"},\"spec\":{\"displayName\":\"Acme\"}}";
      Response r = api.post(GV + "/organizations", body);
      assertThat(r.code()).as(r.toString()).isEqualTo(201);
      assertThat(r.json().path("metadata").has("namespace")).isFalse();
      assertThat(api.get(GV + "/organizations/" + name).code()).isEqualTo(200);
      assertThat(api.get(GV + "/namespaces/" + ns + "/organizations/" + name).code()).isEqualTo(404);
      assertThat(api.delete(GV + "/organizations/" + name).code()).isEqualTo(200);
    }
  }

  @Nested
  class Get {
    @Test
    void resourceVersionParameter() {
      JsonNode created = create("a");
      long rv = rv(created);
      assertThat(api.get(dashboards() + "/a").json()).isEqualTo(created);
      assertThat(api.get(dashboards() + "/a?resourceVersion=0").json()).isEqualTo(created);
      assertThat(api.get(dashboards() + "/a?resourceVersion=" + rv).json()).isEqualTo(created);
    }

    @Test
    void notOlderThanAResourceVersionNeverAnswersAnOlderVersion() {
      JsonNode current = create("a");
      long created = rv(current);
      assertThat(api.get(dashboards() + "?resourceVersion=0").code()).isEqualTo(200); // starts the watch cache, if on
      for (int i = 0; i < 10; i++) {
        String body = current.toString().replaceAll("\"title\":\"[^\"]*\"", "\"title\":\"v" + i + "\"");
        Response updated = api.put(dashboards() + "/a", body);
        assertThat(updated.code()).as(updated.toString()).isEqualTo(200);
        current = updated.json();
        // Written through this server: not older than its resourceVersion means this version (nothing newer exists).
        assertThat(api.get(dashboards() + "/a?resourceVersion=" + rv(current)).json()).isEqualTo(current);
        JsonNode any = api.get(dashboards() + "/a?resourceVersion=0").json();
        assertThat(rv(any)).as("any version of it").isBetween(created, rv(current));
      }
    }

    @Test
    void futureResourceVersionIsTooLarge() {
      JsonNode created = create("a");
      Response r = api.get(dashboards() + "/a?resourceVersion=" + (rv(created) + 1_000_000));
      assertStatus(r, 504, "Timeout", "Too large resource version: " + (rv(created) + 1_000_000));
      assertThat(r.json().path("details").path("causes").get(0).path("reason").asText())
          .isEqualTo("ResourceVersionTooLarge");
      assertThat(r.json().path("details").path("retryAfterSeconds").asInt()).isEqualTo(1);
    }

    @Test
    void malformedResourceVersionIsBadRequest() {
      create("a");
      assertStatus(api.get(dashboards() + "/a?resourceVersion=abc"), 400, "BadRequest", "invalid resource version");
    }

    @Test
    void missingIsNotFound() {
      Response r = api.get(dashboards() + "/nope");
      assertStatus(r, 404, "NotFound", "dashboards.demo.revisor.io \"nope\" not found");
      assertThat(r.json().path("details").path("kind").asText()).isEqualTo("dashboards");
    }
  }

  @Nested
  class ListSemantics {
    @Test
    void consistentListReportsTheStoreRevision() {
      create("a");
      JsonNode b = create("b");
      Response r = api.get(dashboards());
      assertThat(r.json().path("kind").asText()).isEqualTo("DashboardList");
      assertThat(r.json().path("apiVersion").asText()).isEqualTo("demo.revisor.io/v1");
      assertThat(names(r.json())).containsExactly("a", "b");
      assertThat(Long.parseLong(r.json().path("metadata").path("resourceVersion").asText())).isGreaterThanOrEqualTo(rv(b));
    }

    @Test
    void limitWithResourceVersionIsExact() {
      JsonNode a = create("a");
      create("b");
      Response r = api.get(dashboards() + "?limit=10&resourceVersion=" + rv(a));
      assertThat(names(r.json())).containsExactly("a");
      assertThat(r.json().path("metadata").path("resourceVersion").asText()).isEqualTo(Long.toString(rv(a)));
    }

    @Test
    void exactMatchReproducesAnOldList() {
      JsonNode a = create("a");
      create("b");
      Response r = api.get(dashboards() + "?resourceVersionMatch=Exact&resourceVersion=" + rv(a));
      assertThat(names(r.json())).containsExactly("a");
    }

    @Test
    void notOlderThanWithoutLimitHasEveryChangeUpToIt() {
      JsonNode a = create("a");
      JsonNode b = create("b");
      // any state at or after the revision: it may come from the watch cache, which may lag the latest write
      Response older = api.get(dashboards() + "?resourceVersion=" + rv(a));
      assertThat(names(older.json())).contains("a");
      assertThat(Long.parseLong(older.json().path("metadata").path("resourceVersion").asText())).isGreaterThanOrEqualTo(rv(a));
      Response r = api.get(dashboards() + "?resourceVersion=" + rv(b));
      assertThat(names(r.json())).containsExactly("a", "b");
    }

    @Test
    void exactFutureRevisionIsTooLarge() {
      JsonNode a = create("a");
      assertStatus(api.get(dashboards() + "?resourceVersionMatch=Exact&resourceVersion=" + (rv(a) + 1_000_000)),
          504, "Timeout", "Too large resource version");
    }

    static Stream<Arguments> invalidOptions() {
      return Stream.of(
          Arguments.of("Exact without resourceVersion", "resourceVersionMatch=Exact", 422,
              "resourceVersionMatch is forbidden unless resourceVersion is provided"),
          Arguments.of("NotOlderThan without resourceVersion", "resourceVersionMatch=NotOlderThan", 422,
              "resourceVersionMatch is forbidden unless resourceVersion is provided"),
          Arguments.of("Exact at 0", "resourceVersionMatch=Exact&resourceVersion=0", 422,
              "resourceVersionMatch \"exact\" is forbidden for resourceVersion \"0\""),
          Arguments.of("unknown match", "resourceVersionMatch=Newest&resourceVersion=1", 422, "Unsupported value"),
          Arguments.of("match with continue", "resourceVersionMatch=Exact&resourceVersion=1&continue=x", 422,
              "resourceVersionMatch is forbidden when continue is provided"),
          Arguments.of("sendInitialEvents on a list", "sendInitialEvents=true", 422,
              "sendInitialEvents is forbidden for list"),
          Arguments.of("resourceVersion with continue", "resourceVersion=5&continue=x", 400,
              "specifying resource version is not allowed when using continue"),
          Arguments.of("non-numeric resourceVersion", "resourceVersion=x1", 400, "invalid resource version"),
          Arguments.of("negative limit", "limit=-1", 400, "limit"),
          Arguments.of("malformed continue token", "continue=not-a-token", 400, "invalid continue token"),
          Arguments.of("malformed label selector", "labelSelector=a%20in%20(", 400, ""),
          Arguments.of("unsupported field selector", "fieldSelector=spec.title%3Dx", 400, "spec.title"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidOptions")
    void invalidOptionsAreRejected(String name, String query, int code, String message) {
      Response r = api.get(dashboards() + "?" + query);
      assertThat(r.code()).as(r.toString()).isEqualTo(code);
      assertThat(r.json().path("kind").asText()).isEqualTo("Status");
      assertThat(r.json().path("message").asText()).contains(message);
    }

    @Test
    void pagesKeepTheFirstPageRevision() {
      for (String name : List.of("a", "b", "c", "d", "e")) {
        create(name);
      }
      Response first = api.get(dashboards() + "?limit=2");
      assertThat(names(first.json())).containsExactly("a", "b");
      assertThat(first.json().path("metadata").path("remainingItemCount").asLong()).isEqualTo(3);
      String rv = first.json().path("metadata").path("resourceVersion").asText();
      String token = first.json().path("metadata").path("continue").asText();
      assertThat(token).isNotEmpty();
      create("bb");
      Response second = api.get(dashboards() + "?limit=2&continue=" + token);
      assertThat(names(second.json())).containsExactly("c", "d");
      assertThat(second.json().path("metadata").path("resourceVersion").asText()).isEqualTo(rv);
      Response third = api.get(dashboards() + "?limit=2&continue="
          + second.json().path("metadata").path("continue").asText() + "&resourceVersion=0");
      assertThat(names(third.json())).containsExactly("e");
      assertThat(third.json().path("metadata").has("continue")).isFalse();
      assertThat(third.json().path("metadata").has("remainingItemCount")).isFalse();
    }

    static Stream<Arguments> labelSelectors() {
      return Stream.of(
          Arguments.of("equality", "tier%3Dfront", List.of("a")),
          Arguments.of("double equality", "tier%3D%3Dback", List.of("b")),
          Arguments.of("inequality", "tier!%3Dfront", List.of("b", "c")),
          Arguments.of("in", "tier%20in%20(front,back)", List.of("a", "b")),
          Arguments.of("notin", "tier%20notin%20(front)", List.of("b", "c")),
          Arguments.of("exists", "tier", List.of("a", "b")),
          Arguments.of("does not exist", "!tier", List.of("c")),
          Arguments.of("and", "tier,env%3Dprod", List.of("a")),
          Arguments.of("greater than", "rank%3E1", List.of("b")),
          Arguments.of("less than", "rank%3C2", List.of("a")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("labelSelectors")
    void labelSelectorOperators(String name, String selector, List<String> expected) {
      api.post(dashboards(), dashboard("a", "x", "{\"tier\":\"front\",\"env\":\"prod\",\"rank\":\"1\"}"));
      api.post(dashboards(), dashboard("b", "x", "{\"tier\":\"back\",\"rank\":\"2\"}"));
      api.post(dashboards(), dashboard("c", "x", "{\"env\":\"dev\"}"));
      Response r = api.get(dashboards() + "?labelSelector=" + selector);
      assertThat(r.code()).as(r.toString()).isEqualTo(200);
      assertThat(names(r.json())).containsExactlyElementsOf(expected);
    }

    @Test
    void fieldSelectorsOnNameAndNamespace() {
      create("a");
      create("b");
      assertThat(names(api.get(dashboards() + "?fieldSelector=metadata.name%3Db").json())).containsExactly("b");
      assertThat(names(api.get(dashboards() + "?fieldSelector=metadata.name!%3Db").json())).containsExactly("a");
      assertThat(names(api.get(GV + "/dashboards?fieldSelector=metadata.namespace%3D" + ns).json()))
          .containsExactly("a", "b");
    }

    @Test
    void selectorPagesFillUpToTheLimit() {
      for (int i = 0; i < 6; i++) {
        api.post(dashboards(), dashboard("d" + i, "x", i % 2 == 0 ? "{\"even\":\"yes\"}" : "{}"));
      }
      Response first = api.get(dashboards() + "?limit=2&labelSelector=even");
      assertThat(names(first.json())).containsExactly("d0", "d2");
      assertThat(first.json().path("metadata").has("remainingItemCount")).isFalse();
      Response second = api.get(dashboards() + "?limit=2&labelSelector=even&continue="
          + first.json().path("metadata").path("continue").asText());
      assertThat(names(second.json())).containsExactly("d4");
    }
  }

  @Nested
  class Update {
    @Test
    void specChangeBumpsGeneration() {
      JsonNode created = create("a");
      String body = created.toString().replace("\"title\":\"T a\"", "\"title\":\"changed\"");
      Response r = api.put(dashboards() + "/a", body);
      assertThat(r.code()).as(r.toString()).isEqualTo(200);
      assertThat(rv(r.json())).isGreaterThan(rv(created));
      assertThat(r.json().path("metadata").path("generation").asLong()).isEqualTo(2);
      assertThat(r.json().path("metadata").path("uid")).isEqualTo(created.path("metadata").path("uid"));
      assertThat(r.json().path("metadata").path("creationTimestamp"))
          .isEqualTo(created.path("metadata").path("creationTimestamp"));
    }

    @Test
    void metadataChangeKeepsGeneration() {
      JsonNode created = create("a");
      String body = created.toString().replace("\"metadata\":{", "\"metadata\":{\"labels\":{\"x\":\"y\"},");
      Response r = api.put(dashboards() + "/a", body);
      assertThat(r.code()).as(r.toString()).isEqualTo(200);
      assertThat(r.json().path("metadata").path("generation").asLong()).isEqualTo(1);
      assertThat(r.json().path("metadata").path("labels").path("x").asText()).isEqualTo("y");
    }

    @Test
    void staleResourceVersionConflicts() {
      JsonNode created = create("a");
      api.put(dashboards() + "/a", created.toString().replace("T a", "one"));
      Response r = api.put(dashboards() + "/a", created.toString().replace("T a", "two"));
      assertStatus(r, 409, "Conflict", "Operation cannot be fulfilled on dashboards.demo.revisor.io \"a\": the object "
          + "has been modified; please apply your changes to the latest version and try again");
    }

    @Test
    void resourceVersionIsRequired() {
      create("a");
      assertStatus(api.put(dashboards() + "/a", dashboard("a", "x")), 422, "Invalid",
          "metadata.resourceVersion: Invalid value: 0x0: must be specified for an update");
    }

    @Test
    void missingObjectIsNotFound() {
      String body = dashboard("a", "x").replace("\"name\":\"a\"", "\"name\":\"a\",\"resourceVersion\":\"3\"");
      assertStatus(api.put(dashboards() + "/a", body), 404, "NotFound", "\"a\" not found");
    }

    @Test
    void nameMustMatchTheUrl() {
      JsonNode created = create("a");
      assertStatus(api.put(dashboards() + "/b", created.toString()), 400, "BadRequest",
          "the name of the object (a) does not match the name on the URL (b)");
    }

    @Test
    void identicalUpdateWritesNothing() {
      JsonNode created = create("a");
      Response r = api.put(dashboards() + "/a", created.toString());
      assertThat(r.code()).as(r.toString()).isEqualTo(200);
      assertThat(rv(r.json())).isEqualTo(rv(created));
    }

    @Test
    void uidIsImmutable() {
      JsonNode created = create("a");
      String body = created.toString().replace(created.path("metadata").path("uid").asText(),
          "00000000-0000-0000-0000-000000000000");
      assertStatus(api.put(dashboards() + "/a", body), 422, "Invalid", "metadata.uid");
    }

    @Test
    void statusSubresourceSplitsSpecAndStatus() {
      JsonNode created = create("a");
      String withStatus = created.toString().replace("\"spec\":", "\"status\":{\"phase\":\"Ready\"},\"spec\":");
      Response main = api.put(dashboards() + "/a", withStatus);
      assertThat(main.code()).as(main.toString()).isEqualTo(200);
      assertThat(main.json().has("status")).isFalse();
      Response status = api.put(dashboards() + "/a/status",
          withStatus.replace("\"title\":\"T a\"", "\"title\":\"ignored\""));
      assertThat(status.code()).as(status.toString()).isEqualTo(200);
      assertThat(status.json().path("status").path("phase").asText()).isEqualTo("Ready");
      assertThat(status.json().path("spec").path("title").asText()).isEqualTo("T a");
      assertThat(status.json().path("metadata").path("generation").asLong()).isEqualTo(1);
      assertThat(api.get(dashboards() + "/a/status").json().path("status").path("phase").asText()).isEqualTo("Ready");
    }
  }

  @Nested
  class Delete {
    @Test
    void deleteAnswersSuccessStatus() {
      JsonNode created = create("a");
      Response r = api.delete(dashboards() + "/a");
      assertThat(r.code()).as(r.toString()).isEqualTo(200);
      assertThat(r.json().path("kind").asText()).isEqualTo("Status");
      assertThat(r.json().path("status").asText()).isEqualTo("Success");
      assertThat(r.json().path("details").path("name").asText()).isEqualTo("a");
      assertThat(r.json().path("details").path("group").asText()).isEqualTo("demo.revisor.io");
      assertThat(r.json().path("details").path("kind").asText()).isEqualTo("dashboards");
      assertThat(r.json().path("details").path("uid")).isEqualTo(created.path("metadata").path("uid"));
      assertThat(api.get(dashboards() + "/a").code()).isEqualTo(404);
      assertThat(api.delete(dashboards() + "/a").code()).isEqualTo(404);
    }

    @Test
    void preconditionsMustHold() {
      JsonNode created = create("a");
      assertStatus(api.delete(dashboards() + "/a", "{\"preconditions\":{\"uid\":\"other\"}}"), 409, "Conflict", "");
      assertStatus(api.delete(dashboards() + "/a",
          "{\"preconditions\":{\"resourceVersion\":\"" + (rv(created) + 100) + "\"}}"), 409, "Conflict", "");
      Response ok = api.delete(dashboards() + "/a", "{\"kind\":\"DeleteOptions\",\"apiVersion\":\"v1\","
          + "\"preconditions\":{\"uid\":\"" + created.path("metadata").path("uid").asText() + "\"}}");
      assertThat(ok.code()).as(ok.toString()).isEqualTo(200);
    }

    @Test
    void finalizersHoldTheObjectUntilRemoved() {
      String body = dashboard("a", "x").replace("\"name\":\"a\"", "\"name\":\"a\",\"finalizers\":[\"demo.revisor.io/keep\"]");
      api.post(dashboards(), body);
      Response r = api.delete(dashboards() + "/a", "{\"propagationPolicy\":\"Background\"}");
      assertThat(r.code()).as(r.toString()).isEqualTo(202);
      assertThat(r.json().path("metadata").path("deletionTimestamp").asText()).isNotEmpty();
      assertThat(r.json().path("metadata").path("generation").asLong()).isEqualTo(2);
      JsonNode current = api.get(dashboards() + "/a").json();
      String addFinalizer = current.toString().replace("[\"demo.revisor.io/keep\"]",
          "[\"demo.revisor.io/keep\",\"demo.revisor.io/more\"]");
      assertStatus(api.put(dashboards() + "/a", addFinalizer), 422, "Invalid", "no new finalizers can be added");
      Response released = api.put(dashboards() + "/a",
          current.toString().replace("\"finalizers\":[\"demo.revisor.io/keep\"]", "\"finalizers\":[]"));
      assertThat(released.code()).as(released.toString()).isEqualTo(200);
      assertThat(api.get(dashboards() + "/a").code()).isEqualTo(404);
    }

    @Test
    void foregroundPropagationAddsItsFinalizer() {
      create("a");
      Response r = api.delete(dashboards() + "/a?propagationPolicy=Foreground");
      assertThat(r.code()).as(r.toString()).isEqualTo(202);
      assertThat(r.json().path("metadata").path("finalizers").toString()).contains("foregroundDeletion");
    }

    @Test
    void invalidPropagationPolicy() {
      create("a");
      assertThat(api.delete(dashboards() + "/a?propagationPolicy=Sideways").code()).isEqualTo(422);
    }

    @Test
    void dryRunKeepsTheObject() {
      create("a");
      assertThat(api.delete(dashboards() + "/a?dryRun=All").code()).isEqualTo(200);
      assertThat(api.get(dashboards() + "/a").code()).isEqualTo(200);
    }

    @Test
    void deleteCollectionWithSelector() {
      api.post(dashboards(), dashboard("a", "x", "{\"gone\":\"yes\"}"));
      api.post(dashboards(), dashboard("b", "x", "{\"gone\":\"yes\"}"));
      api.post(dashboards(), dashboard("c", "x", "{}"));
      Response r = api.delete(dashboards() + "?labelSelector=gone");
      assertThat(r.code()).as(r.toString()).isEqualTo(200);
      assertThat(names(r.json())).containsExactly("a", "b");
      assertThat(names(api.get(dashboards()).json())).containsExactly("c");
    }
  }

  @Nested
  class Watch {
    private ApiClient.Watch watch(String query) {
      return api.watch(dashboards() + "?watch=true&" + query, null);
    }

    private static JsonNode next(ApiClient.Watch w) {
      JsonNode event = w.next(Duration.ofSeconds(10));
      assertThat(event).as("an event within 10 s").isNotNull();
      return event;
    }

    @Test
    void fromAResourceVersionOnlyLaterChanges() {
      JsonNode a = create("a");
      try (ApiClient.Watch w = watch("resourceVersion=" + rv(a))) {
        assertThat(w.code()).isEqualTo(200);
        JsonNode b = create("b");
        JsonNode event = next(w);
        assertThat(event.path("type").asText()).isEqualTo("ADDED");
        assertThat(event.path("object")).isEqualTo(b);
      }
    }

    @Test
    void withoutResourceVersionStartsWithTheCurrentState() {
      create("a");
      try (ApiClient.Watch w = watch("watch=True")) {
        JsonNode first = next(w);
        assertThat(first.path("type").asText()).isEqualTo("ADDED");
        assertThat(first.path("object").path("metadata").path("name").asText()).isEqualTo("a");
        create("b");
        assertThat(next(w).path("object").path("metadata").path("name").asText()).isEqualTo("b");
      }
    }

    @Test
    void sendInitialEventsEndsWithAnnotatedBookmark() {
      create("a");
      create("b");
      try (ApiClient.Watch w = watch("sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true")) {
        assertThat(next(w).path("type").asText()).isEqualTo("ADDED");
        assertThat(next(w).path("type").asText()).isEqualTo("ADDED");
        JsonNode bookmark = next(w);
        assertThat(bookmark.path("type").asText()).isEqualTo("BOOKMARK");
        assertThat(bookmark.path("object").path("kind").asText()).isEqualTo("Dashboard");
        assertThat(bookmark.path("object").path("metadata").path("annotations").path("k8s.io/initial-events-end")
            .asText()).isEqualTo("true");
        JsonNode c = create("c");
        JsonNode event = next(w);
        assertThat(event.path("type").asText()).isEqualTo("ADDED");
        assertThat(event.path("object")).isEqualTo(c);
      }
    }

    @Test
    void sendInitialEventsRequiresNotOlderThan() {
      Response r = api.get(dashboards() + "?watch=true&sendInitialEvents=true");
      assertStatus(r, 422, "Invalid", "sendInitialEvents requires setting resourceVersionMatch to NotOlderThan");
    }

    @Test
    void deletedCarriesTheDeletionRevision() {
      JsonNode a = create("a");
      try (ApiClient.Watch w = watch("resourceVersion=" + rv(a))) {
        api.delete(dashboards() + "/a");
        JsonNode event = next(w);
        assertThat(event.path("type").asText()).isEqualTo("DELETED");
        long deletion = rv(event.path("object"));
        assertThat(deletion).isGreaterThan(rv(a));
        assertThat(Long.parseLong(api.get(dashboards()).json().path("metadata").path("resourceVersion").asText()))
            .isGreaterThanOrEqualTo(deletion);
      }
    }

    @Test
    void selectorEntryAndExit() {
      JsonNode a = create("a");
      try (ApiClient.Watch w = watch("resourceVersion=" + rv(a) + "&labelSelector=shown%3Dyes")) {
        String shown = a.toString().replace("\"metadata\":{", "\"metadata\":{\"labels\":{\"shown\":\"yes\"},");
        JsonNode updated = api.put(dashboards() + "/a", shown).json();
        JsonNode added = next(w);
        assertThat(added.path("type").asText()).isEqualTo("ADDED");
        String hidden = updated.toString().replace("\"shown\":\"yes\"", "\"shown\":\"no\"");
        api.put(dashboards() + "/a", hidden);
        JsonNode removed = next(w);
        assertThat(removed.path("type").asText()).isEqualTo("DELETED");
        assertThat(removed.path("object").path("metadata").path("labels").path("shown").asText()).isEqualTo("yes");
      }
    }

    @Test
    void singleObjectWatchByName() {
      JsonNode a = create("a");
      try (ApiClient.Watch w = watch("resourceVersion=" + rv(a) + "&fieldSelector=metadata.name%3Db")) {
        create("c");
        create("b");
        assertThat(next(w).path("object").path("metadata").path("name").asText()).isEqualTo("b");
      }
    }

    @Test
    void timeoutEndsTheStreamCleanly() {
      JsonNode a = create("a");
      try (ApiClient.Watch w = watch("resourceVersion=" + rv(a) + "&timeoutSeconds=1")) {
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(w::ended);
      }
    }

    @Test
    void overWebSocket() throws Exception {
      JsonNode a = create("a");
      java.util.concurrent.BlockingQueue<String> messages = new java.util.concurrent.LinkedBlockingQueue<>();
      java.net.http.WebSocket socket = api.webSocket(dashboards() + "?watch=true&resourceVersion=" + rv(a), messages);
      try {
        JsonNode b = create("b");
        JsonNode event = nextMessage(messages);
        assertThat(event.path("type").asText()).isEqualTo("ADDED");
        assertThat(event.path("object")).isEqualTo(b);
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() ->
            api.get("/metrics").text().contains("apiserver_registered_watchers{group=\"demo.revisor.io\",resource=\"dashboards\"} 1"));
      } finally {
        socket.abort();
      }
    }

    /**
     * The upgrade happens after an asynchronous step (reading the current revision to start from): the request must
     * still be open for the watch to take it over.
     */
    @Test
    void overWebSocketFromNow() throws Exception {
      create("a");
      java.util.concurrent.BlockingQueue<String> messages = new java.util.concurrent.LinkedBlockingQueue<>();
      java.net.http.WebSocket socket = api.webSocket(dashboards() + "?watch=true&sendInitialEvents=false"
          + "&resourceVersionMatch=NotOlderThan", messages);
      try {
        JsonNode b = create("b");
        JsonNode event = nextMessage(messages);
        assertThat(event.path("type").asText()).isEqualTo("ADDED");
        assertThat(event.path("object")).isEqualTo(b);
      } finally {
        socket.abort();
      }
    }

    /** The next WebSocket message, as JSON; fails after 10 s without one. */
    private static JsonNode nextMessage(java.util.concurrent.BlockingQueue<String> messages) throws Exception {
      String message = messages.poll(10, java.util.concurrent.TimeUnit.SECONDS);
      assertThat(message).as("a message within 10 s").isNotNull();
      return new com.fasterxml.jackson.databind.ObjectMapper().readTree(message);
    }

    @Test
    void noBookmarksUnlessAllowed() {
      create("a");
      try (ApiClient.Watch w = watch("sendInitialEvents=true&resourceVersionMatch=NotOlderThan")) {
        assertThat(next(w).path("type").asText()).isEqualTo("ADDED");
        JsonNode b = create("b");
        JsonNode event = next(w);
        assertThat(event.path("type").asText()).isEqualTo("ADDED");
        assertThat(event.path("object")).isEqualTo(b);
      }
    }
  }

  @Nested
  class Admission {
    @Test
    void schemaViolationsAreInvalidWithACausePerField() {
      String body = "{\"apiVersion\":\"demo.revisor.io/v1\",\"kind\":\"Dashboard\",\"metadata\":{\"name\":\"a\"},"
          + "\"spec\":{\"refreshInterval\":\"soon\",\"panels\":[{\"name\":\"p\",\"type\":\"pie\",\"width\":99}]}}";
      Response r = api.post(dashboards(), body);
      assertStatus(r, 422, "Invalid", "Dashboard.demo.revisor.io \"a\" is invalid");
      List<String> fields = new ArrayList<>();
      r.json().path("details").path("causes").forEach(c -> fields.add(c.path("field").asText()));
      assertThat(fields).contains("spec.title", "spec.refreshInterval", "spec.panels[0].type", "spec.panels[0].width");
    }

    @Test
    void defaultsAreApplied() {
      JsonNode created = api.post(dashboards(),
          "{\"apiVersion\":\"demo.revisor.io/v1\",\"kind\":\"Dashboard\",\"metadata\":{\"name\":\"a\"},"
              + "\"spec\":{\"title\":\"x\",\"timeRange\":{},\"panels\":[{\"name\":\"p\",\"type\":\"graph\"}]}}").json();
      assertThat(created.path("spec").path("refreshInterval").asText()).isEqualTo("5m");
      assertThat(created.path("spec").path("timeRange").path("from").asText()).isEqualTo("now-6h");
      assertThat(created.path("spec").path("panels").get(0).path("width").asInt()).isEqualTo(12);
    }

    @Test
    void unknownFieldsArePrunedWithWarnings() {
      String body = dashboard("a", "x").replace("\"title\":\"x\"", "\"title\":\"x\",\"colour\":\"red\"");
      Response warned = api.post(dashboards(), body);
      assertThat(warned.code()).as(warned.toString()).isEqualTo(201);
      assertThat(warned.json().path("spec").has("colour")).isFalse();
      assertThat(warned.headerValues("Warning")).anyMatch(w -> w.contains("unknown field \\\"spec.colour\\\""));
      Response strict = api.post(dashboards() + "?fieldValidation=Strict", body.replace("\"a\"", "\"b\""));
      assertStatus(strict, 400, "BadRequest", "strict decoding error: unknown field \"spec.colour\"");
      Response ignored = api.post(dashboards() + "?fieldValidation=Ignore", body.replace("\"a\"", "\"c\""));
      assertThat(ignored.code()).isEqualTo(201);
      assertThat(ignored.headerValues("Warning")).isEmpty();
      assertThat(api.post(dashboards() + "?fieldValidation=Sometimes", body).code()).isEqualTo(400);
    }

    @Test
    void duplicateFieldsPerFieldValidation() {
      String body = dashboard("a", "x").replace("\"title\":\"x\"", "\"title\":\"x\",\"title\":\"y\"");
      assertStatus(api.post(dashboards() + "?fieldValidation=Strict", body), 400, "BadRequest", "duplicate field");
      Response warned = api.post(dashboards(), body);
      assertThat(warned.code()).isEqualTo(201);
      assertThat(warned.json().path("spec").path("title").asText()).isEqualTo("y");
      assertThat(warned.headerValues("Warning")).anyMatch(w -> w.contains("duplicate field"));
    }

    @Test
    void metadataRules() {
      assertStatus(api.post(dashboards(), dashboard("Not_A_Name", "x")), 422, "Invalid", "metadata.name");
      assertStatus(api.post(dashboards(), dashboard("a", "x", "{\"bad key!\":\"v\"}")), 422, "Invalid",
          "metadata.labels");
    }
  }

  @Nested
  class Patch {
    @Test
    void mergeAndJsonPatch() {
      create("a");
      Response merged = api.patch(dashboards() + "/a", "application/merge-patch+json",
          "{\"spec\":{\"folder\":\"ops\"},\"metadata\":{\"labels\":{\"x\":\"y\"}}}");
      assertThat(merged.code()).as(merged.toString()).isEqualTo(200);
      assertThat(merged.json().path("spec").path("folder").asText()).isEqualTo("ops");
      assertThat(merged.json().path("metadata").path("generation").asLong()).isEqualTo(2);
      Response json = api.patch(dashboards() + "/a", "application/json-patch+json",
          "[{\"op\":\"replace\",\"path\":\"/spec/title\",\"value\":\"J\"}]");
      assertThat(json.json().path("spec").path("title").asText()).isEqualTo("J");
      Response failed = api.patch(dashboards() + "/a", "application/json-patch+json",
          "[{\"op\":\"test\",\"path\":\"/spec/title\",\"value\":\"nope\"}]");
      assertThat(failed.code()).as(failed.toString()).isEqualTo(422);
      assertThat(api.patch(dashboards() + "/a", "application/json-patch+json", "{not json").code()).isEqualTo(400);
      assertStatus(api.patch(dashboards() + "/missing", "application/merge-patch+json", "{}"), 404, "NotFound", "");
    }

    @Test
    void patchWithStaleResourceVersionConflicts() {
      JsonNode a = create("a");
      api.patch(dashboards() + "/a", "application/merge-patch+json", "{\"spec\":{\"folder\":\"x\"}}");
      Response r = api.patch(dashboards() + "/a", "application/merge-patch+json",
          "{\"metadata\":{\"resourceVersion\":\"" + rv(a) + "\"},\"spec\":{\"folder\":\"y\"}}");
      assertStatus(r, 409, "Conflict", "the object has been modified");
    }

    @Test
    void serverSideApplyCreatesOwnsAndConflicts() {
      String config = "{\"apiVersion\":\"demo.revisor.io/v1\",\"kind\":\"Dashboard\",\"metadata\":{\"name\":\"a\"},"
          + "\"spec\":{\"title\":\"mine\"}}";
      Response created = api.patch(dashboards() + "/a?fieldManager=alpha", "application/apply-patch+yaml", config);
      assertThat(created.code()).as(created.toString()).isIn(200, 201);
      JsonNode managed = created.json().path("metadata").path("managedFields");
      assertThat(managed.get(0).path("manager").asText()).isEqualTo("alpha");
      assertThat(managed.get(0).path("operation").asText()).isEqualTo("Apply");
      Response conflict = api.patch(dashboards() + "/a?fieldManager=beta", "application/apply-patch+yaml",
          config.replace("mine", "theirs"));
      assertStatus(conflict, 409, "Conflict", "conflict with \"alpha\"");
      Response forced = api.patch(dashboards() + "/a?fieldManager=beta&force=true", "application/apply-patch+yaml",
          config.replace("mine", "theirs"));
      assertThat(forced.json().path("spec").path("title").asText()).isEqualTo("theirs");
      assertStatus(api.patch(dashboards() + "/a", "application/apply-patch+yaml", config), 422, "Invalid",
          "fieldManager");
    }
  }

  @Nested
  class Representations {
    static final String TABLE = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json";

    @Test
    void tableListWithPrinterColumns() {
      create("a");
      Response r = api.get(dashboards() + "?limit=1", TABLE);
      assertThat(r.json().path("kind").asText()).isEqualTo("Table");
      List<String> columns = new ArrayList<>();
      r.json().path("columnDefinitions").forEach(c -> columns.add(c.path("name").asText()));
      assertThat(columns).containsExactly("Name", "Title", "Folder", "Panels", "Phase", "Refresh", "Age");
      JsonNode row = r.json().path("rows").get(0);
      assertThat(row.path("cells").get(0).asText()).isEqualTo("a");
      assertThat(row.path("cells").get(1).asText()).isEqualTo("T a");
      assertThat(row.path("object").path("kind").asText()).isEqualTo("PartialObjectMetadata");
      assertThat(r.json().path("metadata").path("resourceVersion").asText()).isNotEmpty();
      Response full = api.get(dashboards() + "/a?includeObject=Object", TABLE);
      assertThat(full.json().path("rows").get(0).path("object").path("kind").asText()).isEqualTo("Dashboard");
      assertThat(api.get(dashboards() + "?includeObject=Everything", TABLE).code()).isEqualTo(400);
    }

    @Test
    void partialObjectMetadata() {
      create("a");
      Response list = api.get(dashboards(),
          "application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io");
      assertThat(list.json().path("kind").asText()).isEqualTo("PartialObjectMetadataList");
      assertThat(list.json().path("items").get(0).has("spec")).isFalse();
      Response one = api.get(dashboards() + "/a", "application/json;as=PartialObjectMetadata;v=v1;g=meta.k8s.io");
      assertThat(one.json().path("kind").asText()).isEqualTo("PartialObjectMetadata");
      assertThat(one.json().path("metadata").path("name").asText()).isEqualTo("a");
    }

    @Test
    void yamlOutput() {
      create("a");
      Response r = api.get(dashboards() + "/a", "application/yaml");
      assertThat(r.header("Content-Type")).startsWith("application/yaml");
      assertThat(r.text()).contains("kind: \"Dashboard\"").contains("title: \"T a\"");
    }
  }

  @Nested
  class Endpoints {
    static final String AGGREGATED = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,"
        + "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json";

    @Test
    void aggregatedDiscoveryWithEtag() {
      Response r = api.get("/apis", AGGREGATED);
      assertThat(r.code()).isEqualTo(200);
      assertThat(r.header("Content-Type"))
          .isEqualTo("application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList");
      assertThat(r.header("Vary")).isEqualTo("Accept");
      assertThat(r.json().path("items").get(0).path("metadata").path("name").asText()).isEqualTo("demo.revisor.io");
      Response legacy = api.get("/apis", "application/json");
      assertThat(legacy.json().path("kind").asText()).isEqualTo("APIGroupList");
      assertThat(api.get("/apis", "application/vnd.kubernetes.protobuf").code()).isEqualTo(406);
    }

    @Test
    void notModifiedForAMatchingEtag() {
      Response first = api.get("/apis/demo.revisor.io/v1");
      String etag = first.header("ETag");
      assertThat(etag).isNotEmpty();
      assertThat(api.conditionalGet("/apis/demo.revisor.io/v1", etag).code()).isEqualTo(304);
      assertThat(api.conditionalGet("/apis/demo.revisor.io/v1", "\"other\"").code()).isEqualTo(200);
    }

    @Test
    void groupVersionAndVersion() {
      assertThat(api.get("/apis/demo.revisor.io").json().path("preferredVersion").path("version").asText())
          .isEqualTo("v1");
      List<String> resources = new ArrayList<>();
      api.get("/apis/demo.revisor.io/v1").json().path("resources").forEach(r -> resources.add(r.path("name").asText()));
      assertThat(resources).contains("dashboards", "dashboards/status", "folders", "organizations");
      assertThat(api.get("/version").json().path("gitVersion").asText()).startsWith("v1.");
      assertThat(api.get("/api").code()).isEqualTo(404);
      assertThat(api.get("/apis/nope.example.com").code()).isEqualTo(404);
    }

    @Test
    void openApi() {
      JsonNode index = api.get("/openapi/v3").json();
      String url = index.path("paths").path("apis/demo.revisor.io/v1").path("serverRelativeURL").asText();
      assertThat(url).startsWith("/openapi/v3/apis/demo.revisor.io/v1?hash=");
      JsonNode document = api.get(url).json();
      assertThat(document.path("openapi").asText()).startsWith("3.");
      assertThat(document.toString()).contains("x-kubernetes-group-version-kind").doesNotContain("strategic-merge");
      assertThat(api.get("/openapi/v3/apis/demo.revisor.io/v1?hash=stale").code()).isEqualTo(301);
      assertThat(api.get("/openapi/v2").json().path("swagger").asText()).isEqualTo("2.0");
    }

    @Test
    void healthChecks() {
      assertThat(api.get("/readyz").text()).isEqualTo("ok");
      assertThat(api.get("/livez").text()).isEqualTo("ok");
      assertThat(api.get("/readyz?verbose").text()).contains("[+]ping ok", "[+]storage ok", "readyz check passed");
      assertThat(api.get("/healthz?verbose&exclude=storage").text()).contains("[+]storage excluded: ok");
      assertThat(api.get("/readyz/storage").text()).isEqualTo("ok");
      assertThat(api.get("/readyz/nothing").code()).isEqualTo(404);
    }

    @Test
    void metrics() {
      create("a");
      String text = api.get("/metrics").text();
      assertThat(text).contains("apiserver_request_total{", "verb=\"CREATE\"", "resource=\"dashboards\"",
          "apiserver_request_duration_seconds_bucket", "apiserver_current_inflight_requests",
          "revisor_storage_request_duration_seconds");
    }
  }

  @Nested
  class Errors {
    static Stream<Arguments> requests() {
      return Stream.of(
          Arguments.of("unknown group", "GET", "/apis/nope.example.com/v1/things", 404, "NotFound"),
          Arguments.of("unknown version", "GET", "/apis/demo.revisor.io/v9/dashboards", 404, "NotFound"),
          Arguments.of("unknown resource", "GET", GV + "/namespaces/x/widgets", 404, "NotFound"),
          Arguments.of("unknown subresource", "GET", GV + "/namespaces/x/dashboards/a/scale", 404, "NotFound"),
          Arguments.of("status of a kind without it", "GET", GV + "/namespaces/x/folders/a/status", 404, "NotFound"),
          Arguments.of("unknown path", "GET", "/nothing/here", 404, "NotFound"),
          Arguments.of("POST to an object", "POST", GV + "/namespaces/x/dashboards/a", 405, "MethodNotAllowed"),
          Arguments.of("PUT to a collection", "PUT", GV + "/namespaces/x/dashboards", 405, "MethodNotAllowed"),
          Arguments.of("DELETE of status", "DELETE", GV + "/namespaces/x/dashboards/a/status", 405,
              "MethodNotAllowed"),
          Arguments.of("namespaced object without namespace", "GET", GV + "/dashboards/a", 404, "NotFound"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("requests")
    void statusForBadPaths(String name, String method, String path, int code, String reason) {
      Response r = api.send(method, path, method.equals("GET") || method.equals("DELETE") ? null : "{}",
          "application/json", null);
      assertThat(r.code()).as(r.toString()).isEqualTo(code);
      assertThat(r.json().path("kind").asText()).isEqualTo("Status");
      assertThat(r.json().path("reason").asText()).isEqualTo(reason);
    }

    @Test
    void strategicMergePatchIsUnsupported() {
      create("a");
      Response r = api.patch(dashboards() + "/a", "application/strategic-merge-patch+json", "{}");
      assertThat(r.code()).as(r.toString()).isEqualTo(415);
      assertThat(r.json().path("reason").asText()).isEqualTo("UnsupportedMediaType");
    }

    @Test
    void unacceptableMediaType() {
      Response r = api.get(dashboards(), "application/vnd.kubernetes.protobuf");
      assertStatus(r, 406, "NotAcceptable", "");
    }

    @Test
    void unsupportedBodyType() {
      Response r = api.send("POST", dashboards(), dashboard("a", "x"), "text/plain", null);
      assertStatus(r, 415, "UnsupportedMediaType", "");
    }

    @Test
    void bodyOverTheLimit() {
      String big = dashboard("a", "x".repeat(4 << 20));
      Response r = api.post(dashboards(), big);
      assertThat(r.code()).as(r.code() + "").isEqualTo(413);
      assertThat(r.json().path("reason").asText()).isEqualTo("RequestEntityTooLarge");
    }

    @Test
    void badTokenIsUnauthorized() {
      assertStatus(server.client("wrong").get(dashboards()), 401, "Unauthorized", "Unauthorized");
    }

    @Test
    void anonymousOnlyReachesHealth() {
      assertThat(server.client(null).get("/readyz").code()).isEqualTo(200);
      assertStatus(server.client(null).get(dashboards()), 403, "Forbidden", "system:anonymous");
    }
  }
}
