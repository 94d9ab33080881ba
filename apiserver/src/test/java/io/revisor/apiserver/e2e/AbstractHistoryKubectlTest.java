package io.revisor.apiserver.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.revisor.apiserver.json.Json;
import io.revisor.apiserver.testing.RevisorServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The walk-through of README.md, section "History, trash and restore", with the real kubectl binary against a running
 * server: every {@code sh} command of the section runs as written (through bash, in the repository's root, with the
 * server's kubeconfig; the convention is {@link ReadmeCommands}'s), and the test keeps, per subsection, the same
 * commands in the same order, each with what its output must show. A change to either fails the test until both
 * agree, so the README and the test cannot drift apart.
 *
 * <p>Each test starts its own server (so each runs the walk-through from the start, in namespace {@code default}).
 * Subclasses choose the backend; {@link #afterChanges} runs after the first subsection (the etcd test compacts etcd
 * there, so everything after it reads history that etcd no longer has).
 *
 * <p>The steps of "Counts and sizes" and "Quotas" ({@link #resourceStatsAreExactAfterEveryStep} and
 * {@link #storageQuotaRefusesAtTheLimitAndAllowsAfterADelete}) need ResourceStats and StorageQuota served by their
 * views; every other test runs without them.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AbstractHistoryKubectlTest {
  static final String SECTION = "History, trash and restore";
  static final String MAKE_HISTORY = "Make some history";
  static final String LIST_HISTORY = "List the history";
  static final String READ_THE_PAST = "Read the past";
  static final String TRASH = "Trash";
  static final String RESTORE = "Restore a deleted object";
  static final String ROLL_BACK = "Roll back";
  static final String STATS = "Counts and sizes";
  static final String QUOTAS = "Quotas";
  /** The subsections of the walk-through that run without ResourceStats and StorageQuota, in README order. */
  static final List<String> WALK_THROUGH =
      List.of(MAKE_HISTORY, LIST_HISTORY, READ_THE_PAST, TRASH, RESTORE, ROLL_BACK);

  private static final String DASHBOARDS = "dashboards.demo.revisor.io";
  private static final String SALES_HISTORY = "--field-selector spec.resource=" + DASHBOARDS + ",spec.name=sales";

  /** One README command and what its outcome must show. */
  private record Step(String command, Consumer<Kubectl.Result> check) {}

  private RevisorServer server;
  private Kubectl kubectl;
  private Path work;
  /** The shell variables the README's commands set so far. */
  private Map<String, String> variables;
  /** What earlier steps saw and later checks compare with. */
  private Map<String, String> seen;

  /** Starts a server on this class's backend, with extra flags. */
  protected abstract RevisorServer startServer(String... flags);

  /**
   * Runs once the first subsection made its changes; {@code v2} is the resourceVersion the README keeps in {@code
   * $v2}. Nothing by default.
   */
  protected void afterChanges(long v2) {}

  @BeforeEach
  void prepare() throws IOException {
    work = Files.createTempDirectory("history-kubectl");
    variables = new HashMap<>();
    seen = new HashMap<>();
  }

  @AfterEach
  void stopServer() {
    if (server != null) {
      server.close();
      server = null;
    }
  }

  private void start(String... flags) {
    server = startServer(flags);
    kubectl = new Kubectl(server.kubeconfig());
  }

  // ------------------------------------------------------------------------------------------------ the README

  @Test
  void readmeAndTestHaveTheSameCommands() {
    ReadmeCommands readme = readme();
    List<String> subsections = new ArrayList<>(WALK_THROUGH);
    subsections.addAll(List.of(STATS, QUOTAS));
    assertThat(readme.subsections()).as("the subsections of \"## %s\" with sh blocks", SECTION)
        .containsExactlyElementsOf(subsections);
    for (String subsection : subsections) {
      assertThat(readme.commands(subsection)).as("the commands of \"### %s\"", subsection)
          .containsExactlyElementsOf(steps(subsection).stream().map(Step::command).toList());
    }
    for (String example : List.of("dashboards.yaml", "restore.yaml", "quota.yaml", "errors.yaml")) {
      assertThat(ReadmeCommands.repositoryRoot().resolve("examples/history/" + example)).exists();
    }
  }

  @Test
  void historyTimeTravelTrashRestoreAndRollback() {
    start();
    walk(WALK_THROUGH, () -> {});

    // Beyond the README: the outcomes a Restore records when it must not write.
    String stale = restoreYaml("traffic-stale", "traffic", variables.get("first"), variables.get("now"));
    Kubectl.Result conflict = kubectl.run(Map.of(), stale, "create", "-f", "-", "-o", "json").ok();
    JsonNode conflictStatus = json(conflict.out()).path("status");
    assertThat(conflictStatus.path("phase").asText()).isEqualTo("Failed");
    assertThat(conflictStatus.path("reason").asText()).isEqualTo("Conflict");
    assertThat(conflictStatus.path("message").asText())
        .startsWith(DASHBOARDS + " \"traffic\" has been modified since resourceVersion " + variables.get("now"));
    Kubectl.Result again = kubectl.run(Map.of(), restoreYaml("sales-again", "sales", null, null),
        "create", "-f", "-", "-o", "json").ok();
    assertThat(json(again.out()).path("status").path("reason").asText()).isEqualTo("AlreadyExists");
    assertThat(kubectl.run("get", "dashboard", "traffic", "-o", "jsonpath={.spec.panels[*].name}").ok().out())
        .as("failed Restores write nothing").isEqualTo("requests errors");
    Kubectl.Result immutable = kubectl.run("patch", "restore", "traffic-rollback", "--type=merge",
        "-p", "{\"spec\":{\"resourceVersion\":\"1\"}}");
    assertThat(immutable.exit()).isNotZero();
    assertThat(immutable.err()).contains("the spec of a Restore is immutable");
  }

  @Test
  void watchingRevisionsSendsTheHistoryThenOneRevisionPerChange() throws Exception {
    start();
    walk(List.of(MAKE_HISTORY), () -> {});
    Path out = work.resolve("watch.out");
    Process watch = kubectl.start(out, "get", "revisions", "--field-selector",
        "spec.resource=" + DASHBOARDS + ",spec.name=traffic", "--watch", "--output-watch-events",
        "--request-timeout=60s");
    try {
      await().atMost(Duration.ofSeconds(20)).until(() -> Files.readString(out).contains("created"));
      kubectl.run("patch", "dashboard", "traffic", "--type=merge", "-p", "{\"spec\":{\"title\":\"Watched\"}}").ok();
      String patched =
          kubectl.run("get", "dashboard", "traffic", "-o", "jsonpath={.metadata.resourceVersion}").ok().out();
      await().atMost(Duration.ofSeconds(20))
          .until(() -> Files.readString(out).contains("traffic." + patched + "@" + DASHBOARDS));
      List<String> events = Files.readString(out).lines().skip(1).toList();
      assertThat(events).hasSize(3);
      assertThat(events).allSatisfy(line -> assertThat(line).startsWith("ADDED"));
      assertThat(events.get(2)).contains("traffic." + patched + "@" + DASHBOARDS, "updated", "admin");
    } finally {
      watch.destroy();
      watch.waitFor(10, TimeUnit.SECONDS);
    }
  }

  /** Needs ResourceStats served by its view (the quota branch). */
  @Test
  void resourceStatsAreExactAfterEveryStep() {
    start();
    checkStats();
    walk(WALK_THROUGH, this::checkStats);
    kubectl.run("apply", "-n", "stats-other", "-f", example("errors.yaml")).ok();
    walk(List.of(STATS), () -> {});
  }

  /** Needs StorageQuota enforced by its view (the quota branch). */
  @Test
  void storageQuotaRefusesAtTheLimitAndAllowsAfterADelete() {
    start();
    walk(WALK_THROUGH, () -> {});
    walk(List.of(QUOTAS), () -> {});
    JsonNode quota = json(kubectl.run("get", "storagequota", "storage", "-o", "json").ok().out());
    assertThat(quota.path("status").path("used").path("count/" + DASHBOARDS).asText()).isEqualTo("2");
    assertThat(quota.path("status").path("used").path("bytes/" + DASHBOARDS).asLong()).isPositive();
    Kubectl.Result byRestore = kubectl.run(Map.of(), restoreYaml("traffic-back", "traffic", null, null),
        "create", "-f", "-", "-o", "json").ok();
    assertThat(json(byRestore.out()).path("status").path("phase").asText())
        .as("a restore counts against the quota too").isEqualTo("Failed");
  }

  /**
   * Authorization with an ABAC policy: alice reads everything in team-a; in team-b she may read revisor.io kinds but
   * not dashboards; in team-c nothing; in team-d she may create Restores and read dashboards, but not create them.
   */
  @Test
  void historyIsReadableOnlyByWhoMayGetTheObject() throws IOException {
    Path policy = work.resolve("policy.jsonl");
    Files.writeString(policy, String.join("\n",
        abac("\"user\":\"alice\",\"readonly\":true,\"apiGroup\":\"*\",\"resource\":\"*\",\"namespace\":\"team-a\""),
        abac("\"user\":\"alice\",\"readonly\":true,\"apiGroup\":\"revisor.io\",\"resource\":\"*\","
            + "\"namespace\":\"team-b\""),
        abac("\"user\":\"alice\",\"apiGroup\":\"revisor.io\",\"resource\":\"restores\",\"namespace\":\"team-d\""),
        abac("\"user\":\"alice\",\"readonly\":true,\"apiGroup\":\"demo.revisor.io\",\"resource\":\"dashboards\","
            + "\"namespace\":\"team-d\""),
        abac("\"user\":\"*\",\"readonly\":true,\"nonResourcePath\":\"*\""),
        ""));
    start("--authorization-mode=ABAC", "--authorization-policy-file=" + policy);
    Map<String, String> created = new HashMap<>();
    for (String ns : List.of("team-a", "team-b", "team-c", "team-d")) {
      kubectl.run("apply", "-n", ns, "-f", example("dashboards.yaml")).ok();
      kubectl.run("patch", "dashboard", "sales", "-n", ns, "--type=merge",
          "-p", "{\"spec\":{\"title\":\"Sales v2\"}}").ok();
      created.put(ns, kubectl.run("get", "revisions", "-n", ns, "--field-selector",
          "spec.resource=" + DASHBOARDS + ",spec.name=sales", "-o", "jsonpath={.items[-1].metadata.name}").ok().out());
      kubectl.run("delete", "dashboard", "traffic", "-n", ns).ok();
    }
    Path aliceConfig = work.resolve("alice.kubeconfig");
    Files.writeString(aliceConfig,
        Files.readString(server.kubeconfig()).replace(RevisorServer.ADMIN_TOKEN, RevisorServer.USER_TOKEN));
    Kubectl alice = new Kubectl(aliceConfig);
    String fields = "spec.resource=" + DASHBOARDS + ",spec.name=sales";

    // team-a: the history, one Revision, the trash and the past.
    assertThat(rows(alice.run("get", "revisions", "-n", "team-a", "--field-selector", fields).ok().out()))
        .extracting(row -> row[4]).containsExactly("updated", "created");
    alice.run("get", "revision", created.get("team-a"), "-n", "team-a").ok();
    assertThat(alice.run("get", "deletedobjects", "-n", "team-a", "-o", "name").ok().out().strip())
        .isEqualTo("deletedobject.revisor.io/traffic@" + DASHBOARDS);
    String firstVersion = created.get("team-a").substring("sales.".length(), created.get("team-a").indexOf('@'));
    JsonNode past = json(alice.run("get", "--raw", "/apis/demo.revisor.io/v1/namespaces/team-a/dashboards/sales"
        + "?resourceVersion=" + firstVersion + "&resourceVersionMatch=Exact").ok().out());
    assertThat(past.path("spec").path("title").asText()).isEqualTo("Sales");

    // team-b: revisions may be read, dashboards not: 403 about the dashboard.
    String noDashboard = "Error from server (Forbidden): dashboards.demo.revisor.io \"sales\" is forbidden: "
        + "User \"alice\" cannot get resource \"dashboards\" in API group \"demo.revisor.io\" in the namespace "
        + "\"team-b\": No policy matched.";
    assertForbidden(alice.run("get", "revisions", "-n", "team-b", "--field-selector", fields), noDashboard);
    assertForbidden(alice.run("get", "revision", created.get("team-b"), "-n", "team-b"), noDashboard);
    assertForbidden(alice.run("get", "revisions", "-n", "team-b", "--field-selector", fields, "--watch",
        "--request-timeout=10s"), noDashboard);
    assertForbidden(alice.run("get", "deletedobject", "traffic@" + DASHBOARDS, "-n", "team-b"),
        noDashboard.replace("\"sales\"", "\"traffic\""));
    assertForbidden(
        alice.run("get", "deletedobjects", "-n", "team-b", "--field-selector", "spec.resource=" + DASHBOARDS),
        noDashboard.replace(" \"sales\"", ""));
    Kubectl.Result trashB = alice.run("get", "deletedobjects", "-n", "team-b").ok();
    assertThat(trashB.out() + trashB.err()).as("only kinds she may get are listed")
        .contains("No resources found in team-b namespace.").doesNotContain("traffic");

    // team-c: nothing at all, and no cluster-wide lists.
    assertForbidden(alice.run("get", "revisions", "-n", "team-c", "--field-selector", fields),
        "Error from server (Forbidden): revisions.revisor.io is forbidden: User \"alice\" cannot list resource "
            + "\"revisions\" in API group \"revisor.io\" in the namespace \"team-c\": No policy matched.");
    assertForbidden(alice.run("get", "deletedobjects", "-A"),
        "Error from server (Forbidden): deletedobjects.revisor.io is forbidden: User \"alice\" cannot list resource "
            + "\"deletedobjects\" in API group \"revisor.io\" at the cluster scope: No policy matched.");

    // Restores: read-only team-a refuses the Restore itself; team-d refuses re-creating the dashboard.
    assertForbidden(alice.run("create", "-n", "team-a", "-f", example("restore.yaml")),
        "restores.revisor.io is forbidden: User \"alice\" cannot create resource \"restores\" in API group "
            + "\"revisor.io\" in the namespace \"team-a\": No policy matched.");
    Kubectl.Result undelete = alice.run(Map.of(), restoreYaml("traffic-undelete", "traffic", null, null),
        "create", "-n", "team-d", "-f", "-");
    assertForbidden(undelete, "dashboards.demo.revisor.io \"traffic\" is forbidden: User \"alice\" cannot create "
        + "resource \"dashboards\" in API group \"demo.revisor.io\" in the namespace \"team-d\": No policy matched.");
    assertThat(kubectl.run("get", "restores", "-n", "team-d", "-o", "name").ok().out()).as("nothing stored").isEmpty();
    assertThat(kubectl.run("get", "deletedobjects", "-n", "team-d", "-o", "name").ok().out())
        .as("still in the trash").contains("traffic@" + DASHBOARDS);
    assertThat(kubectl.run("get", "deletedobjects", "-A", "-o", "name").ok().out().lines().count())
        .as("the admin sees every namespace's trash").isEqualTo(4);
  }

  // ------------------------------------------------------------------------------------------------ the steps

  /** The commands of {@code subsection}, as the README has them, with their checks. */
  private List<Step> steps(String subsection) {
    return switch (subsection) {
      case MAKE_HISTORY -> List.of(
          step("kubectl apply -f examples/history/dashboards.yaml",
              r -> assertThat(r.ok().out()).contains("dashboard.demo.revisor.io/sales created",
                  "dashboard.demo.revisor.io/traffic created")),
          step("kubectl patch dashboard sales --type=merge -p '{\"spec\":{\"title\":\"Sales v2\"}}'",
              r -> assertThat(r.ok().out()).contains("dashboard.demo.revisor.io/sales patched")),
          step("v2=$(kubectl get dashboard sales -o jsonpath='{.metadata.resourceVersion}')",
              r -> assertThat(r.ok().out()).matches("[1-9][0-9]*")),
          step("kubectl patch dashboard sales --type=merge -p '{\"spec\":{\"refreshInterval\":\"30s\"}}'",
              r -> assertThat(r.ok().out()).contains("dashboard.demo.revisor.io/sales patched")),
          step("kubectl label dashboard sales team=ops",
              r -> assertThat(r.ok().out()).contains("dashboard.demo.revisor.io/sales labeled")),
          step("kubectl patch dashboard traffic --type=merge -p '{\"spec\":{\"panels\":[]}}'",
              r -> assertThat(r.ok().out()).contains("dashboard.demo.revisor.io/traffic patched")),
          step("kubectl delete dashboard sales",
              r -> assertThat(r.ok().out()).contains("dashboard.demo.revisor.io \"sales\" deleted")));
      case LIST_HISTORY -> List.of(
          step("kubectl get revisions " + SALES_HISTORY, r -> {
            List<String[]> rows = rows(r.ok().out());
            assertThat(rows).extracting(row -> row[4])
                .containsExactly("deleted", "updated", "updated", "updated", "created");
            assertThat(rows).allSatisfy(row -> {
              assertThat(row[0]).isEqualTo("sales." + row[3] + "@" + DASHBOARDS);
              assertThat(row[1]).isEqualTo(DASHBOARDS);
              assertThat(row[2]).isEqualTo("sales");
              assertThat(row[5]).isEqualTo("admin");
            });
            List<Long> versions = rows.stream().map(row -> Long.parseLong(row[3])).toList();
            assertThat(versions).as("newest first").isSortedAccordingTo((a, b) -> Long.compare(b, a));
            assertThat(versions.get(3)).isEqualTo(v2());
            seen.put("created", rows.get(4)[3]);
            seen.put("lastVersion", rows.get(1)[3]);
            seen.put("deleted", rows.get(0)[3]);
          }),
          step("kubectl get revision sales.$v2@dashboards.demo.revisor.io -o yaml", r -> {
            JsonNode revision = yaml(r.ok().out());
            assertThat(revision.path("kind").asText()).isEqualTo("Revision");
            assertThat(revision.path("metadata").path("name").asText()).isEqualTo("sales." + v2() + "@" + DASHBOARDS);
            assertThat(revision.path("metadata").path("namespace").asText()).isEqualTo("default");
            JsonNode spec = revision.path("spec");
            assertThat(spec.path("resource").asText()).isEqualTo(DASHBOARDS);
            assertThat(spec.path("name").asText()).isEqualTo("sales");
            assertThat(spec.path("resourceVersion").asText()).isEqualTo(Long.toString(v2()));
            assertThat(spec.path("action").asText()).isEqualTo("updated");
            assertThat(spec.path("user").asText()).isEqualTo("admin");
            assertThat(spec.path("time").asText()).isNotEmpty();
            assertThat(spec.path("object").path("spec").path("title").asText()).isEqualTo("Sales v2");
            assertThat(spec.path("object").path("metadata").path("resourceVersion").asText())
                .isEqualTo(Long.toString(v2()));
            seen.put("uid", spec.path("object").path("metadata").path("uid").asText());
            JsonNode status = revision.path("status");
            assertThat(status.path("previousResourceVersion").asText()).isEqualTo(seen.get("created"));
            assertThat(status.path("patch").toString()).isEqualTo("[{\"op\":\"replace\","
                + "\"path\":\"/metadata/generation\",\"value\":2},"
                + "{\"op\":\"replace\",\"path\":\"/spec/title\",\"value\":\"Sales v2\"}]");
          }),
          step("kubectl get revision sales.$v2@dashboards.demo.revisor.io -o jsonpath='{.status.changedFields}'",
              r -> assertThat(r.ok().out()).isEqualTo("[\"/metadata/generation\",\"/spec/title\"]")));
      case READ_THE_PAST -> List.of(
          step("kubectl get --raw \"/apis/demo.revisor.io/v1/namespaces/default/dashboards/sales?resourceVersion=$v2"
              + "&resourceVersionMatch=Exact\"", r -> {
                JsonNode sales = json(r.ok().out());
                assertThat(sales.path("metadata").path("resourceVersion").asText()).isEqualTo(Long.toString(v2()));
                assertThat(sales.path("spec").path("title").asText()).isEqualTo("Sales v2");
                assertThat(sales.path("spec").path("refreshInterval").asText()).isEqualTo("5m");
                assertThat(sales.path("metadata").has("labels")).isFalse();
              }),
          step("kubectl get --raw \"/apis/demo.revisor.io/v1/namespaces/default/dashboards?resourceVersion=$v2"
              + "&resourceVersionMatch=Exact\"", r -> {
                JsonNode list = json(r.ok().out());
                assertThat(list.path("metadata").path("resourceVersion").asText()).isEqualTo(Long.toString(v2()));
                assertThat(names(list)).containsExactly("sales", "traffic");
                assertThat(list.path("items").get(0).path("spec").path("title").asText()).isEqualTo("Sales v2");
                assertThat(list.path("items").get(1).path("spec").path("panels").size()).isEqualTo(2);
              }));
      case TRASH -> List.of(
          step("kubectl get deletedobjects -A", r -> {
            List<String[]> rows = rows(r.ok().out());
            assertThat(rows).hasSize(1);
            assertThat(rows.get(0)).containsExactly("default", "sales@" + DASHBOARDS, DASHBOARDS, "sales",
                seen.get("lastVersion"), "admin", rows.get(0)[6]);
          }));
      case RESTORE -> List.of(
          step("kubectl create -f examples/history/restore.yaml",
              r -> assertThat(r.ok().out().strip()).isEqualTo("restore.revisor.io/sales-undelete created")),
          step("kubectl get restore sales-undelete -o wide", r -> seen.put("restored", succeeded(r,
              "sales-undelete", "sales", seen.get("lastVersion"), " (its last state before the deletion)"))),
          step("kubectl get dashboard sales", r -> {
            assertThat(rows(r.ok().out())).extracting(row -> row[0] + " " + row[1] + " " + row[2])
                .containsExactly("sales Sales v2");
            JsonNode sales = json(kubectl.run("get", "dashboard", "sales", "-o", "json").ok().out());
            assertThat(sales.path("metadata").path("uid").asText()).as("the same object").isEqualTo(seen.get("uid"));
            assertThat(sales.path("metadata").path("resourceVersion").asText()).isEqualTo(seen.get("restored"));
            assertThat(sales.path("metadata").path("labels").path("team").asText()).isEqualTo("ops");
            assertThat(sales.path("spec").path("refreshInterval").asText()).isEqualTo("30s");
            assertThat(kubectl.run("get", "deletedobjects", "-o", "name").ok().out()).as("out of the trash").isEmpty();
          }));
      case ROLL_BACK -> List.of(
          step("first=$(kubectl get revisions --field-selector"
              + " spec.resource=dashboards.demo.revisor.io,spec.name=traffic"
              + " -o jsonpath='{.items[-1].spec.resourceVersion}')",
              r -> assertThat(r.ok().out()).matches("[1-9][0-9]*")),
          step("now=$(kubectl get dashboard traffic -o jsonpath='{.metadata.resourceVersion}')",
              r -> assertThat(Long.parseLong(r.ok().out())).isGreaterThan(Long.parseLong(variables.get("first")))),
          step("kubectl create -f - <<EOF\n" + restoreYaml("traffic-rollback", "traffic", "$first", "$now") + "EOF",
              r -> assertThat(r.ok().out().strip()).isEqualTo("restore.revisor.io/traffic-rollback created")),
          step("kubectl get restore traffic-rollback -o wide",
              r -> succeeded(r, "traffic-rollback", "traffic", variables.get("first"), " ")),
          step("kubectl get dashboard traffic -o jsonpath='{.spec.panels[*].name}'", r -> {
            assertThat(r.ok().out()).isEqualTo("requests errors");
            List<String[]> history = rows(kubectl.run("get", "revisions", "--field-selector",
                "spec.resource=" + DASHBOARDS + ",spec.name=traffic").ok().out());
            assertThat(history).extracting(row -> row[4]).containsExactly("restored", "updated", "created");
            assertThat(history.get(1)[3]).isEqualTo(variables.get("now"));
          }));
      case STATS -> List.of(
          step("kubectl get resourcestats -n default", r -> {
            Map<String, String[]> byName = byFirstColumn(rows(r.ok().out()));
            assertThat(byName).containsOnlyKeys(DASHBOARDS, "folders.demo.revisor.io");
            assertThat(byName.get(DASHBOARDS)[1]).isEqualTo("2");
            assertThat(byName.get(DASHBOARDS)[3]).isEqualTo(Long.toString(latestDashboardWrite("default")));
            assertThat(byName.get("folders.demo.revisor.io")[1]).isEqualTo("0");
            assertThat(byName.get("folders.demo.revisor.io")[2]).isEqualTo("0");
          }),
          step("kubectl get resourcestats -A", r -> {
            List<String> dashboards = rows(r.ok().out()).stream().filter(row -> row[1].equals(DASHBOARDS))
                .map(row -> row[0] + " " + row[2]).toList();
            assertThat(dashboards).containsExactlyInAnyOrder("default 2", "stats-other 1");
          }));
      case QUOTAS -> List.of(
          step("kubectl apply -f examples/history/quota.yaml",
              r -> assertThat(r.ok().out().strip()).isEqualTo("storagequota.revisor.io/storage created")),
          step("kubectl apply -f examples/history/errors.yaml", r -> {
            assertThat(r.exit()).as(r.out()).isNotZero();
            assertThat(r.err().strip()).isEqualTo("Error from server (Forbidden): error when creating "
                + "\"examples/history/errors.yaml\": dashboards.demo.revisor.io \"errors\" is forbidden: exceeded quota: "
                + "storage, requested: count/dashboards.demo.revisor.io=1, used: count/dashboards.demo.revisor.io=2, "
                + "limited: count/dashboards.demo.revisor.io=2");
            assertThat(kubectl.run("get", "dashboard", "errors").exit()).as("nothing created").isNotZero();
          }),
          step("kubectl delete dashboard traffic",
              r -> assertThat(r.ok().out().strip()).isEqualTo("dashboard.demo.revisor.io \"traffic\" deleted")),
          step("kubectl apply -f examples/history/errors.yaml",
              r -> assertThat(r.ok().out().strip()).isEqualTo("dashboard.demo.revisor.io/errors created")));
      default -> throw new AssertionError("no steps for " + subsection);
    };
  }

  /**
   * Checks the wide table of one Restore that succeeded: its columns and message ({@code afterVersion} follows the
   * version in it); the restored resourceVersion.
   */
  private static String succeeded(Kubectl.Result result, String name, String target, String from, String afterVersion) {
    String row = result.ok().out().lines().skip(1).findFirst().orElseThrow();
    String[] columns = row.split("\\s+");
    assertThat(columns).startsWith(name, DASHBOARDS, target, from, "Succeeded");
    assertThat(row).contains("restored " + DASHBOARDS + " \"" + target + "\" to the version of resourceVersion " + from
        + afterVersion);
    return columns[5];
  }

  private static Step step(String command, Consumer<Kubectl.Result> check) {
    return new Step(command, check);
  }

  /**
   * Runs the README's commands of {@code subsections} in order, after checking that they are the test's; {@code
   * afterEachStep} runs after every command.
   */
  private void walk(List<String> subsections, Runnable afterEachStep) {
    ReadmeCommands readme = readme();
    for (String subsection : subsections) {
      List<Step> steps = steps(subsection);
      assertThat(readme.commands(subsection)).as("the commands of \"### %s\" in README.md", subsection)
          .containsExactlyElementsOf(steps.stream().map(Step::command).toList());
      for (Step step : steps) {
        Kubectl.Result result = execute(step.command());
        try {
          step.check().accept(result);
        } catch (AssertionError e) {
          throw new AssertionError("README, \"### " + subsection + "\": " + step.command() + "\nexit " + result.exit()
              + "\nstdout:\n" + result.out() + "\nstderr:\n" + result.err() + "\n" + e.getMessage(), e);
        }
        afterEachStep.run();
      }
      if (subsection.equals(MAKE_HISTORY)) {
        afterChanges(v2());
      }
    }
  }

  /** Runs one README command through bash; a {@code name=$(...)} command also keeps the variable's value. */
  private Kubectl.Result execute(String command) {
    String variable = ReadmeCommands.assignedVariable(command);
    String script = variable == null ? command : command + " && printf '%s' \"$" + variable + "\"";
    Kubectl.Result result = kubectl.shell(ReadmeCommands.repositoryRoot(), variables, script);
    if (variable != null && result.exit() == 0) {
      variables.put(variable, result.out());
    }
    return result;
  }

  // ------------------------------------------------------------------------------------------------ stats

  /**
   * The ResourceStats of dashboards in {@code default} against what kubectl lists: as many as there are dashboards,
   * bytes exactly when there are some, and the resourceVersion of the latest write.
   */
  private void checkStats() {
    JsonNode stats = json(kubectl.run("get", "resourcestats", DASHBOARDS, "-o", "json").ok().out());
    JsonNode status = stats.path("status");
    long count = json(kubectl.run("get", "dashboards", "-o", "json").ok().out()).path("items").size();
    assertThat(stats.path("metadata").path("name").asText()).isEqualTo(DASHBOARDS);
    assertThat(status.path("count").asLong(-1)).as("count").isEqualTo(count);
    assertThat(status.path("bytes").asLong(-1) > 0).as("bytes: " + status).isEqualTo(count > 0);
    long latest = latestDashboardWrite("default");
    assertThat(status.path("latestResourceVersion").asText())
        .as("latestResourceVersion").isEqualTo(latest == 0 ? "" : Long.toString(latest));
  }

  /**
   * The resourceVersion of the latest create, update, delete or restore of a dashboard in {@code namespace}: the
   * newest of the live dashboards' versions and their deletions in the trash (0: none).
   */
  private long latestDashboardWrite(String namespace) {
    String live = kubectl.run("get", "dashboards", "-n", namespace, "-o",
        "jsonpath={.items[*].metadata.resourceVersion}").ok().out();
    String deleted = kubectl.run("get", "deletedobjects", "-n", namespace, "--field-selector",
        "spec.resource=" + DASHBOARDS, "-o", "jsonpath={.items[*].spec.resourceVersion}").ok().out();
    return Arrays.stream((live + " " + deleted).trim().split("\\s+")).filter(s -> !s.isEmpty())
        .mapToLong(Long::parseLong).max().orElse(0);
  }

  // ------------------------------------------------------------------------------------------------ helpers

  private static ReadmeCommands readme() {
    return ReadmeCommands.of(ReadmeCommands.repositoryReadme(), SECTION);
  }

  private long v2() {
    return Long.parseLong(variables.get("v2"));
  }

  private static String example(String name) {
    return ReadmeCommands.repositoryRoot().resolve("examples/history/" + name).toString();
  }

  /** A Restore manifest; {@code resourceVersion} and {@code expected} may be null. */
  private static String restoreYaml(String name, String target, String resourceVersion, String expected) {
    return "apiVersion: revisor.io/v1\nkind: Restore\nmetadata:\n  name: " + name + "\nspec:\n"
        + "  resource: dashboards.demo.revisor.io\n  name: " + target + "\n"
        + (resourceVersion == null ? "" : "  resourceVersion: \"" + resourceVersion + "\"\n")
        + (expected == null ? "" : "  expectedResourceVersion: \"" + expected + "\"\n");
  }

  private static String abac(String spec) {
    return "{\"apiVersion\":\"abac.authorization.kubernetes.io/v1beta1\",\"kind\":\"Policy\",\"spec\":{" + spec + "}}";
  }

  private static void assertForbidden(Kubectl.Result result, String message) {
    assertThat(result.exit()).as(result.out()).isNotZero();
    assertThat(result.err()).contains(message);
  }

  /** The rows of a kubectl table, split at whitespace, without the header. */
  private static List<String[]> rows(String table) {
    return table.lines().skip(1).filter(line -> !line.isBlank()).map(line -> line.trim().split("\\s+")).toList();
  }

  private static Map<String, String[]> byFirstColumn(List<String[]> rows) {
    Map<String, String[]> byName = new LinkedHashMap<>();
    rows.forEach(row -> byName.put(row[0], row));
    return byName;
  }

  private static List<String> names(JsonNode list) {
    return StreamSupport.stream(list.path("items").spliterator(), false)
        .map(item -> item.path("metadata").path("name").asText()).toList();
  }

  private static JsonNode json(String text) {
    try {
      return Json.MAPPER.readTree(text);
    } catch (IOException e) {
      throw new UncheckedIOException("not JSON: " + text, e);
    }
  }

  private static JsonNode yaml(String text) {
    try {
      return Json.YAML.readTree(text);
    } catch (IOException e) {
      throw new UncheckedIOException("not YAML: " + text, e);
    }
  }
}
