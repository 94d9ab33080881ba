package io.revisor.apiserver.system;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.revisor.apiserver.testing.ApiClient;
import io.revisor.apiserver.testing.ApiClient.Response;
import io.revisor.apiserver.testing.RevisorServer;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Revisions, DeletedObjects, Restores and time travel over HTTP, on one embedded server. Each test works in its own
 * namespace.
 */
class HistoryApiTest {
  static final String DEMO = "/apis/demo.revisor.io/v1";
  static final String SYSTEM = "/apis/revisor.io/v1";
  static final String DASHBOARDS = "dashboards.demo.revisor.io";

  static RevisorServer server;
  static ApiClient admin;

  @BeforeAll
  static void start() {
    server = RevisorServer.embedded();
    admin = server.admin();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static String dashboard(String name, String title) {
    return "{\"apiVersion\":\"demo.revisor.io/v1\",\"kind\":\"Dashboard\",\"metadata\":{\"name\":\"" + name
        + "\"},\"spec\":{\"title\":\"" + title + "\"}}";
  }

  static long create(ApiClient client, String ns, String name, String title) {
    Response created = client.post(DEMO + "/namespaces/" + ns + "/dashboards", dashboard(name, title));
    assertThat(created.code()).as(created.text()).isEqualTo(201);
    return rv(created.json());
  }

  static long retitle(String ns, String name, String title) {
    Response patched = admin.patch(DEMO + "/namespaces/" + ns + "/dashboards/" + name, "application/merge-patch+json",
        "{\"spec\":{\"title\":\"" + title + "\"}}");
    assertThat(patched.code()).as(patched.text()).isEqualTo(200);
    return rv(patched.json());
  }

  /** Deletes a dashboard; its deletion's resourceVersion is that of its newest Revision. */
  static long delete(String ns, String name) {
    Response deleted = admin.delete(DEMO + "/namespaces/" + ns + "/dashboards/" + name);
    assertThat(deleted.code()).as(deleted.text()).isEqualTo(200);
    JsonNode newest = admin.get(revisions(ns, name, "&limit=1")).json().path("items").get(0);
    assertThat(newest.path("spec").path("action").asText()).isEqualTo("deleted");
    return rv(newest);
  }

  static long rv(JsonNode object) {
    return Long.parseLong(object.path("metadata").path("resourceVersion").asText());
  }

  static String revisions(String ns, String name, String extra) {
    return SYSTEM + "/namespaces/" + ns + "/revisions?fieldSelector="
        + URLEncoder.encode("spec.resource=" + DASHBOARDS + ",spec.name=" + name, StandardCharsets.UTF_8) + extra;
  }

  static List<String> texts(JsonNode items, String field) {
    List<String> values = new ArrayList<>();
    for (JsonNode item : items) {
      JsonNode node = item;
      for (String part : field.split("\\.")) {
        node = node.path(part);
      }
      values.add(node.asText());
    }
    return values;
  }

  @Test
  void revisionsListEveryChangeNewestFirstWithWhoWhatAndDiff() {
    long v1 = create(admin, "h1", "home", "One");
    long v2 = retitle("h1", "home", "Two");
    long v3 = retitle("h1", "home", "Three");
    long gone = delete("h1", "home");
    long again = create(server.client(RevisorServer.USER_TOKEN), "h1", "home", "Again");
    create(admin, "h1", "home-2", "Other");

    Response list = admin.get(revisions("h1", "home", ""));
    assertThat(list.code()).as(list.text()).isEqualTo(200);
    JsonNode items = list.json().path("items");
    assertThat(list.json().path("kind").asText()).isEqualTo("RevisionList");
    assertThat(texts(items, "spec.resourceVersion")).containsExactly(
        "" + again, "" + gone, "" + v3, "" + v2, "" + v1);
    assertThat(texts(items, "spec.action")).containsExactly("created", "deleted", "updated", "updated", "created");
    assertThat(texts(items, "spec.user")).containsExactly("alice", "admin", "admin", "admin", "admin");
    assertThat(texts(items, "metadata.name")).containsExactly(
        "home." + again + "@" + DASHBOARDS, "home." + gone + "@" + DASHBOARDS, "home." + v3 + "@" + DASHBOARDS,
        "home." + v2 + "@" + DASHBOARDS, "home." + v1 + "@" + DASHBOARDS);
    assertThat(texts(items, "spec.object.spec.title")).containsExactly("Again", "Three", "Three", "Two", "One");
    assertThat(texts(items, "status.previousResourceVersion")).containsExactly("", "" + v3, "" + v2, "" + v1, "");

    JsonNode update = items.get(2);
    assertThat(update.path("status").path("changedFields").toString())
        .isEqualTo("[\"/metadata/generation\",\"/spec/title\"]");
    assertThat(update.path("status").path("patch").toString()).contains("{\"op\":\"replace\",\"path\":\"/spec/title\","
        + "\"value\":\"Three\"}");

    Response one = admin.get(SYSTEM + "/namespaces/h1/revisions/home." + v3 + "@" + DASHBOARDS);
    assertThat(one.code()).as(one.text()).isEqualTo(200);
    assertThat(one.json()).isEqualTo(update);

    Response updatesOnly = admin.get(revisions("h1", "home", "") + "," + "spec.action%3Dupdated");
    assertThat(texts(updatesOnly.json().path("items"), "spec.resourceVersion")).containsExactly("" + v3, "" + v2);
  }

  @Test
  void revisionsPageWithContinueTokensAndKeepTheirDiffAcrossPages() {
    create(admin, "h2", "paged", "0");
    for (int i = 1; i <= 4; i++) {
      retitle("h2", "paged", "" + i);
    }
    JsonNode all = admin.get(revisions("h2", "paged", "")).json().path("items");
    List<JsonNode> paged = new ArrayList<>();
    String token = null;
    for (int page = 0; page < 10; page++) {
      Response response = admin.get(revisions("h2", "paged", "&limit=2"
          + (token == null ? "" : "&continue=" + URLEncoder.encode(token, StandardCharsets.UTF_8))));
      assertThat(response.code()).as(response.text()).isEqualTo(200);
      response.json().path("items").forEach(paged::add);
      token = response.json().path("metadata").path("continue").asText("");
      if (token.isEmpty()) {
        break;
      }
    }
    assertThat(paged).containsExactlyElementsOf(all);
    assertThat(admin.get(revisions("h2", "paged", "&limit=2&continue=bogus")).code()).isEqualTo(400);
  }

  @Test
  void revisionRequestsThatCannotBeServedAreClearStatuses() {
    create(admin, "h3", "x", "X");
    Response noSelector = admin.get(SYSTEM + "/namespaces/h3/revisions");
    assertThat(noSelector.code()).isEqualTo(400);
    assertThat(noSelector.json().path("message").asText()).contains("spec.resource=<plural>.<group>,spec.name=<name>");
    assertThat(admin.get(SYSTEM + "/revisions?fieldSelector=spec.resource%3D" + DASHBOARDS + ",spec.name%3Dx").code())
        .as("all namespaces").isEqualTo(400);
    Response unknownKind = admin.get(SYSTEM + "/namespaces/h3/revisions?fieldSelector=spec.resource%3Dwidgets.x.io,"
        + "spec.name%3Dx");
    assertThat(unknownKind.code()).isEqualTo(400);
    assertThat(unknownKind.json().path("message").asText()).contains("widgets.x.io").contains(DASHBOARDS);
    Response missing = admin.get(SYSTEM + "/namespaces/h3/revisions/x.999999@" + DASHBOARDS);
    assertThat(missing.code()).isEqualTo(404);
    assertThat(missing.json().path("message").asText()).isEqualTo("revisions.revisor.io \"x.999999@" + DASHBOARDS
        + "\" not found");
    assertThat(admin.get(SYSTEM + "/namespaces/h3/revisions/not-a-revision").code()).isEqualTo(404);
    assertThat(admin.post(SYSTEM + "/namespaces/h3/revisions", "{}").code()).isEqualTo(405);
    assertThat(admin.delete(SYSTEM + "/namespaces/h3/revisions/x.1@" + DASHBOARDS).code()).isEqualTo(405);
    assertThat(admin.post(SYSTEM + "/namespaces/h3/deletedobjects", "{}").code()).isEqualTo(405);
    Response table = admin.get(revisions("h3", "x", ""), "application/json;as=Table;v=v1;g=meta.k8s.io");
    assertThat(texts(table.json().path("columnDefinitions"), "name"))
        .containsExactly("Name", "Resource", "Object", "Version", "Action", "User", "Changed", "Time");
  }

  @Test
  void revisionWatchSendsTheHistoryThenEachChange() {
    long v1 = create(admin, "h4", "w", "1");
    long v2 = retitle("h4", "w", "2");
    try (ApiClient.Watch watch = admin.watch(revisions("h4", "w", "&watch=true"), "application/json")) {
      assertThat(watch.code()).isEqualTo(200);
      assertThat(event(watch).path("object").path("spec").path("resourceVersion").asText()).isEqualTo("" + v1);
      assertThat(event(watch).path("object").path("spec").path("resourceVersion").asText()).isEqualTo("" + v2);
      long v3 = retitle("h4", "w", "3");
      JsonNode third = event(watch);
      assertThat(third.path("type").asText()).isEqualTo("ADDED");
      assertThat(third.path("object").path("spec").path("action").asText()).isEqualTo("updated");
      assertThat(third.path("object").path("status").path("previousResourceVersion").asText()).isEqualTo("" + v2);
      long gone = delete("h4", "w");
      JsonNode deletion = event(watch);
      assertThat(deletion.path("object").path("spec").path("action").asText()).isEqualTo("deleted");
      assertThat(deletion.path("object").path("metadata").path("resourceVersion").asText()).isEqualTo("" + gone);
      assertThat(v3).isLessThan(gone);
    }
  }

  private static JsonNode event(ApiClient.Watch watch) {
    JsonNode event = watch.next(Duration.ofSeconds(10));
    assertThat(event).as("an event within 10 s").isNotNull();
    return event;
  }

  @Test
  void timeTravelReadsAnObjectAndAListAsTheyWere() {
    long v1 = create(admin, "h5", "t", "Then");
    retitle("h5", "t", "Now");
    long gone = delete("h5", "t");
    Response then = admin.get(DEMO + "/namespaces/h5/dashboards/t?resourceVersion=" + v1
        + "&resourceVersionMatch=Exact");
    assertThat(then.code()).as(then.text()).isEqualTo(200);
    assertThat(then.json().path("spec").path("title").asText()).isEqualTo("Then");
    assertThat(rv(then.json())).isEqualTo(v1);
    assertThat(admin.get(DEMO + "/namespaces/h5/dashboards/t?resourceVersion=" + gone + "&resourceVersionMatch=Exact")
        .code()).as("deleted at that revision").isEqualTo(404);
    assertThat(admin.get(DEMO + "/namespaces/h5/dashboards/t?resourceVersion=" + (v1 - 1)
        + "&resourceVersionMatch=Exact").code()).as("not created yet").isEqualTo(404);
    assertThat(admin.get(DEMO + "/namespaces/h5/dashboards/t?resourceVersionMatch=Exact").code()).isEqualTo(422);
    assertThat(admin.get(DEMO + "/namespaces/h5/dashboards/t?resourceVersion=1&resourceVersionMatch=Sometimes")
        .code()).isEqualTo(422);
    Response list = admin.get(DEMO + "/namespaces/h5/dashboards?resourceVersion=" + v1 + "&resourceVersionMatch=Exact");
    assertThat(texts(list.json().path("items"), "spec.title")).containsExactly("Then");
  }

  @Test
  void deletedObjectsListTheTrashAcrossKindsUntilRestored() {
    create(admin, "h6", "a", "A");
    create(admin, "h6", "b", "B");
    Response folder = admin.post(DEMO + "/namespaces/h6/folders", "{\"apiVersion\":\"demo.revisor.io/v1\","
        + "\"kind\":\"Folder\",\"metadata\":{\"name\":\"f\"},\"spec\":{\"displayName\":\"F\"}}");
    assertThat(folder.code()).as(folder.text()).isEqualTo(201);
    long goneA = delete("h6", "a");
    delete("h6", "b");
    assertThat(admin.delete(DEMO + "/namespaces/h6/folders/f").code()).isEqualTo(200);

    Response trash = admin.get(SYSTEM + "/namespaces/h6/deletedobjects");
    assertThat(trash.code()).as(trash.text()).isEqualTo(200);
    assertThat(texts(trash.json().path("items"), "metadata.name"))
        .containsExactly("a@" + DASHBOARDS, "b@" + DASHBOARDS, "f@folders.demo.revisor.io");
    JsonNode a = trash.json().path("items").get(0);
    assertThat(a.path("spec").path("resourceVersion").asText()).isEqualTo("" + goneA);
    assertThat(a.path("spec").path("user").asText()).isEqualTo("admin");
    assertThat(a.path("spec").path("object").path("spec").path("title").asText()).isEqualTo("A");

    List<String> paged = new ArrayList<>();
    String token = "";
    for (int i = 0; i < 10; i++) {
      Response page = admin.get(SYSTEM + "/namespaces/h6/deletedobjects?limit=1"
          + (token.isEmpty() ? "" : "&continue=" + token));
      assertThat(page.code()).as(page.text()).isEqualTo(200);
      paged.addAll(texts(page.json().path("items"), "metadata.name"));
      token = page.json().path("metadata").path("continue").asText("");
      if (token.isEmpty()) {
        break;
      }
    }
    assertThat(paged).containsExactlyElementsOf(texts(trash.json().path("items"), "metadata.name"));
    assertThat(texts(admin.get(SYSTEM + "/namespaces/h6/deletedobjects?fieldSelector=spec.resource%3Dfolders.demo"
        + ".revisor.io").json().path("items"), "spec.name")).containsExactly("f");
    assertThat(admin.get(SYSTEM + "/deletedobjects").json().path("items").size()).isGreaterThanOrEqualTo(3);
    assertThat(admin.get(SYSTEM + "/namespaces/h6/deletedobjects/a@" + DASHBOARDS).json()).isEqualTo(a);
    assertThat(admin.get(SYSTEM + "/namespaces/h6/deletedobjects?continue=%25%25").code()).isEqualTo(400);

    Response restored = admin.post(SYSTEM + "/namespaces/h6/restores", restore("r1", "a", null, null));
    assertThat(restored.code()).as(restored.text()).isEqualTo(201);
    assertThat(admin.get(SYSTEM + "/namespaces/h6/deletedobjects/a@" + DASHBOARDS).code()).isEqualTo(404);
  }

  static String restore(String name, String object, Long from, Long expected) {
    return "{\"apiVersion\":\"revisor.io/v1\",\"kind\":\"Restore\",\"metadata\":{\"name\":\"" + name + "\"},"
        + "\"spec\":{\"resource\":\"" + DASHBOARDS + "\",\"name\":\"" + object + "\""
        + (from == null ? "" : ",\"resourceVersion\":\"" + from + "\"")
        + (expected == null ? "" : ",\"expectedResourceVersion\":\"" + expected + "\"") + "}}";
  }

  @Test
  void restoresRecreateOrRollBackAndReportWhatTheyCouldNotDo() {
    long v1 = create(admin, "h7", "r", "First");
    retitle("h7", "r", "Second");
    JsonNode before = admin.get(DEMO + "/namespaces/h7/dashboards/r").json();
    delete("h7", "r");

    JsonNode back = admin.post(SYSTEM + "/namespaces/h7/restores", restore("back", "r", null, null)).json();
    assertThat(back.path("status").path("phase").asText()).as(back.toString()).isEqualTo("Succeeded");
    JsonNode object = admin.get(DEMO + "/namespaces/h7/dashboards/r").json();
    assertThat(object.path("spec").path("title").asText()).isEqualTo("Second");
    assertThat(object.path("metadata").path("uid")).isEqualTo(before.path("metadata").path("uid"));
    assertThat(back.path("status").path("restoredResourceVersion").asText()).isEqualTo("" + rv(object));
    assertThat(back.path("status").path("sourceResourceVersion").asText()).isEqualTo("" + rv(before));
    assertThat(admin.get(SYSTEM + "/namespaces/h7/restores/back").json().path("status")).isEqualTo(back.path("status"));

    JsonNode taken = admin.post(SYSTEM + "/namespaces/h7/restores", restore("taken", "r", null, null)).json();
    assertThat(taken.path("status").path("phase").asText()).isEqualTo("Failed");
    assertThat(taken.path("status").path("reason").asText()).isEqualTo("AlreadyExists");

    JsonNode rollback = admin.post(SYSTEM + "/namespaces/h7/restores", restore("rollback", "r", v1, rv(object)))
        .json();
    assertThat(rollback.path("status").path("phase").asText()).as(rollback.toString()).isEqualTo("Succeeded");
    JsonNode rolled = admin.get(DEMO + "/namespaces/h7/dashboards/r").json();
    assertThat(rolled.path("spec").path("title").asText()).isEqualTo("First");
    assertThat(rolled.path("metadata").path("uid")).isEqualTo(before.path("metadata").path("uid"));
    assertThat(rolled.path("metadata").path("generation").asLong())
        .isEqualTo(object.path("metadata").path("generation").asLong() + 1);
    JsonNode restoredRevision = admin.get(revisions("h7", "r", "&limit=1")).json().path("items").get(0);
    assertThat(restoredRevision.path("spec").path("action").asText()).isEqualTo("restored");

    JsonNode stale = admin.post(SYSTEM + "/namespaces/h7/restores", restore("stale", "r", v1, rv(object))).json();
    assertThat(stale.path("status").path("reason").asText()).as(stale.toString()).isEqualTo("Conflict");
    assertThat(admin.get(DEMO + "/namespaces/h7/dashboards/r").json().path("metadata").path("resourceVersion"))
        .as("nothing overwritten").isEqualTo(rolled.path("metadata").path("resourceVersion"));

    JsonNode never = admin.post(SYSTEM + "/namespaces/h7/restores", restore("never", "r", v1 - 1, null)).json();
    assertThat(never.path("status").path("reason").asText()).isEqualTo("NotFound");
    JsonNode notDeleted = admin.post(SYSTEM + "/namespaces/h7/restores", restore("nothing", "nope", null, null)).json();
    assertThat(notDeleted.path("status").path("reason").asText()).isEqualTo("NotFound");

    Response immutable = admin.patch(SYSTEM + "/namespaces/h7/restores/back", "application/merge-patch+json",
        "{\"spec\":{\"name\":\"other\"},\"metadata\":{\"labels\":{\"a\":\"b\"}}}");
    assertThat(immutable.code()).isEqualTo(422);
    Response labelled = admin.patch(SYSTEM + "/namespaces/h7/restores/back", "application/merge-patch+json",
        "{\"status\":{\"phase\":\"Failed\"},\"metadata\":{\"labels\":{\"a\":\"b\"}}}");
    assertThat(labelled.code()).as(labelled.text()).isEqualTo(200);
    assertThat(labelled.json().path("status")).as("the status is the server's").isEqualTo(back.path("status"));
    Response invalid = admin.post(SYSTEM + "/namespaces/h7/restores", "{\"apiVersion\":\"revisor.io/v1\","
        + "\"kind\":\"Restore\",\"metadata\":{\"name\":\"bad\"},\"spec\":{\"name\":\"r\"}}");
    assertThat(invalid.code()).isEqualTo(422);
    assertThat(admin.get(SYSTEM + "/namespaces/h7/restores/bad").code()).as("nothing stored").isEqualTo(404);
  }

  @Test
  void readingHistoryNeedsGetOnTheObjectToo(@TempDir Path dir) throws Exception {
    Path policy = dir.resolve("policy.jsonl");
    Files.writeString(policy, String.join("\n",
        line("\"user\":\"alice\",\"readonly\":true,\"apiGroup\":\"revisor.io\",\"resource\":\"*\",\"namespace\":\"team-a\""),
        line("\"user\":\"alice\",\"readonly\":true,\"apiGroup\":\"demo.revisor.io\",\"resource\":\"dashboards\","
            + "\"namespace\":\"team-a\""),
        line("\"user\":\"alice\",\"readonly\":true,\"apiGroup\":\"revisor.io\",\"resource\":\"*\",\"namespace\":\"team-c\""),
        line("\"user\":\"alice\",\"apiGroup\":\"revisor.io\",\"resource\":\"restores\",\"namespace\":\"team-a\""),
        ""));
    try (RevisorServer secured =
        RevisorServer.embedded("--authorization-mode=ABAC", "--authorization-policy-file=" + policy)) {
      ApiClient root = secured.admin();
      ApiClient alice = secured.client(RevisorServer.USER_TOKEN);
      for (String ns : List.of("team-a", "team-b", "team-c")) {
        assertThat(root.post(DEMO + "/namespaces/" + ns + "/dashboards", dashboard("d", "D")).code()).isEqualTo(201);
        assertThat(root.delete(DEMO + "/namespaces/" + ns + "/dashboards/d").code()).isEqualTo(200);
      }
      assertThat(alice.get(revisions("team-a", "d", "")).code()).isEqualTo(200);
      Response otherNamespace = alice.get(revisions("team-b", "d", ""));
      assertThat(otherNamespace.code()).isEqualTo(403);
      assertThat(otherNamespace.json().path("message").asText()).startsWith("revisions.revisor.io is forbidden");
      Response noTarget = alice.get(revisions("team-c", "d", ""));
      assertThat(noTarget.code()).as("revisions allowed, dashboards not").isEqualTo(403);
      assertThat(noTarget.json().path("message").asText()).isEqualTo("dashboards.demo.revisor.io \"d\" is forbidden: "
          + "User \"alice\" cannot get resource \"dashboards\" in API group \"demo.revisor.io\" in the namespace "
          + "\"team-c\": No policy matched.");
      assertThat(alice.get(SYSTEM + "/namespaces/team-c/deletedobjects").json().path("items").size())
          .as("kinds the user cannot get are left out").isZero();
      assertThat(alice.get(SYSTEM + "/namespaces/team-a/deletedobjects").json().path("items").size()).isEqualTo(1);
      Response restore = alice.post(SYSTEM + "/namespaces/team-a/restores", restore("r", "d", null, null));
      assertThat(restore.code()).as("creating the dashboard needs create on dashboards").isEqualTo(403);
      assertThat(restore.json().path("message").asText()).contains("cannot create resource \"dashboards\"");
      assertThat(root.get(SYSTEM + "/namespaces/team-a/restores/r").code()).as("nothing recorded").isEqualTo(404);
      assertThat(root.get(DEMO + "/namespaces/team-a/dashboards/d").code()).as("nothing restored").isEqualTo(404);
    }
  }

  private static String line(String spec) {
    return "{\"apiVersion\":\"abac.authorization.kubernetes.io/v1beta1\",\"kind\":\"Policy\",\"spec\":{" + spec + "}}";
  }
}
