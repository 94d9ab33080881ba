package io.revisor.apiserver.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.revisor.apiserver.testing.RevisorServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The real kubectl binary against a running server, through the kubeconfig the server writes: discovery, explain,
 * apply (client-side and server-side), get in every output form, watch, patch, replace, status edits, delete with and
 * without finalizers, wait, and chunked lists.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AbstractKubectlTest {
  private RevisorServer server;
  private Kubectl kubectl;
  private String ns;
  private Path work;

  protected abstract RevisorServer startServer();

  protected void afterServerStopped() {}

  @BeforeAll
  void start() {
    server = startServer();
    kubectl = new Kubectl(server.kubeconfig());
  }

  @AfterAll
  void stop() {
    if (server != null) {
      server.close();
    }
    afterServerStopped();
  }

  @BeforeEach
  void namespace() throws Exception {
    ns = "k-" + UUID.randomUUID().toString().substring(0, 8);
    work = Files.createTempDirectory("kubectl-work");
  }

  private Path file(String name, String yaml) throws Exception {
    Path file = work.resolve(name);
    Files.writeString(file, yaml);
    return file;
  }

  private static String dashboardYaml(String name, String title, String extraMetadata) {
    return "apiVersion: demo.revisor.io/v1\nkind: Dashboard\nmetadata:\n  name: " + name + "\n" + extraMetadata
        + "spec:\n  title: " + title + "\n  panels:\n  - name: p1\n    type: graph\n";
  }

  @Test
  void apiResourcesListsTheDemoKinds() {
    String out = kubectl.run("api-resources", "--api-group=demo.revisor.io").ok().out();
    assertThat(out).contains("dashboards", "dash", "demo.revisor.io/v1", "Dashboard", "folders", "organizations");
    assertThat(out.lines().filter(l -> l.startsWith("organizations")).findFirst().orElseThrow()).contains("false");
  }

  @Test
  void explainWalksTheSchema() {
    assertThat(kubectl.run("explain", "dashboards.spec").ok().out()).contains("title", "panels", "refreshInterval");
    assertThat(kubectl.run("explain", "dashboards.spec.panels.width").ok().out()).contains("integer", "Width in grid columns");
  }

  @Test
  void applyClientSideThenServerSide() throws Exception {
    Path f = file("d.yaml", dashboardYaml("home", "Home", ""));
    assertThat(kubectl.run("apply", "-n", ns, "-f", f.toString()).ok().out()).contains("dashboard.demo.revisor.io/home created");
    Path changed = file("d2.yaml", dashboardYaml("home", "Home2", ""));
    assertThat(kubectl.run("apply", "-n", ns, "-f", changed.toString()).ok().out()).contains("configured");
    assertThat(kubectl.run("get", "dashboard", "home", "-n", ns, "-o", "jsonpath={.spec.title}").ok().out()).isEqualTo("Home2");
    Path server = file("d3.yaml", dashboardYaml("ssa", "Server", ""));
    assertThat(kubectl.run("apply", "--server-side", "-n", ns, "-f", server.toString()).ok().out()).contains("serverside-applied");
    String yaml = kubectl.run("get", "dashboard", "ssa", "-n", ns, "-o", "yaml", "--show-managed-fields").ok().out();
    assertThat(yaml).contains("manager: kubectl", "operation: Apply", "f:title");
    // kubectl takes over the fields of its own client-side apply without a conflict (kube's upgrade path)...
    Path upgraded = file("d5.yaml", dashboardYaml("home", "Home3", ""));
    kubectl.run("apply", "--server-side", "-n", ns, "-f", upgraded.toString()).ok();
    // ...but a field another manager set since is a conflict unless forced.
    kubectl.run("patch", "dashboard", "home", "-n", ns, "--type=merge", "-p", "{\"spec\":{\"title\":\"Theirs\"}}").ok();
    Path conflicting = file("d4.yaml", dashboardYaml("home", "Mine", ""));
    Kubectl.Result conflict = kubectl.run("apply", "--server-side", "-n", ns, "-f", conflicting.toString());
    assertThat(conflict.exit()).isNotZero();
    assertThat(conflict.err()).contains("conflict", "kubectl-patch", ".spec.title");
    kubectl.run("apply", "--server-side", "--force-conflicts", "-n", ns, "-f", conflicting.toString()).ok();
    assertThat(kubectl.run("get", "dashboard", "home", "-n", ns, "-o", "jsonpath={.spec.title}").ok().out()).isEqualTo("Mine");
  }

  @Test
  void getInEveryForm() throws Exception {
    kubectl.run("apply", "-n", ns, "-f", file("a.yaml", dashboardYaml("a", "Alpha", "  labels:\n    team: ops\n")).toString()).ok();
    kubectl.run("apply", "-n", ns, "-f", file("b.yaml", dashboardYaml("b", "Beta", "  labels:\n    team: dev\n")).toString()).ok();
    String table = kubectl.run("get", "dashboards", "-n", ns).ok().out();
    assertThat(table.lines().findFirst().orElseThrow()).contains("NAME", "TITLE", "FOLDER", "PANELS", "PHASE", "AGE")
        .doesNotContain("REFRESH");
    assertThat(table).contains("Alpha", "Beta");
    assertThat(kubectl.run("get", "dashboards", "-n", ns, "-o", "wide").ok().out()).contains("REFRESH", "5m");
    assertThat(kubectl.run("get", "dashboard", "a", "-n", ns, "-o", "yaml").ok().out())
        .contains("kind: Dashboard", "title: Alpha", "refreshInterval: 5m", "resourceVersion:");
    assertThat(kubectl.run("get", "dashboards", "-A").ok().out()).contains(ns, "NAMESPACE");
    String selected = kubectl.run("get", "dashboards", "-n", ns, "-l", "team=ops", "-o", "name").ok().out();
    assertThat(selected.strip()).isEqualTo("dashboard.demo.revisor.io/a");
    assertThat(kubectl.run("get", "dash", "-n", ns, "-l", "team in (dev)", "-o", "name").ok().out().strip())
        .isEqualTo("dashboard.demo.revisor.io/b");
  }

  @Test
  void watchSeesAConcurrentChange() throws Exception {
    kubectl.run("apply", "-n", ns, "-f", file("a.yaml", dashboardYaml("a", "Alpha", "")).toString()).ok();
    Path out = work.resolve("watch.out");
    Process watch = kubectl.start(out, "get", "dashboards", "-n", ns, "-w", "--request-timeout=60s");
    try {
      await().atMost(Duration.ofSeconds(20)).until(() -> Files.readString(out).contains("Alpha"));
      kubectl.run("apply", "-n", ns, "-f", file("b.yaml", dashboardYaml("b", "Beta", "")).toString()).ok();
      await().atMost(Duration.ofSeconds(20)).until(() -> Files.readString(out).contains("Beta"));
    } finally {
      watch.destroy();
      watch.waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void patchReplaceAndStatus() throws Exception {
    kubectl.run("apply", "-n", ns, "-f", file("a.yaml", dashboardYaml("a", "Alpha", "")).toString()).ok();
    kubectl.run("patch", "dashboard", "a", "-n", ns, "--type=merge", "-p", "{\"spec\":{\"folder\":\"ops\"}}").ok();
    kubectl.run("patch", "dashboard", "a", "-n", ns, "--type=json",
        "-p", "[{\"op\":\"replace\",\"path\":\"/spec/title\",\"value\":\"Patched\"}]").ok();
    assertThat(kubectl.run("get", "dashboard", "a", "-n", ns, "-o", "jsonpath={.spec.folder}/{.spec.title}").ok().out())
        .isEqualTo("ops/Patched");
    Kubectl.Result failedTest = kubectl.run("patch", "dashboard", "a", "-n", ns, "--type=json",
        "-p", "[{\"op\":\"test\",\"path\":\"/spec/title\",\"value\":\"nope\"}]");
    assertThat(failedTest.exit()).isNotZero();

    String current = kubectl.run("get", "dashboard", "a", "-n", ns, "-o", "yaml").ok().out();
    kubectl.run("patch", "dashboard", "a", "-n", ns, "--type=merge", "-p", "{\"spec\":{\"title\":\"Newer\"}}").ok();
    Kubectl.Result stale = kubectl.run(Map.of(), current.replace("Patched", "Stale"), "replace", "-f", "-");
    assertThat(stale.exit()).isNotZero();
    assertThat(stale.err()).contains("the object has been modified");

    kubectl.run("patch", "dashboard", "a", "-n", ns, "--subresource=status", "--type=merge",
        "-p", "{\"status\":{\"phase\":\"Pending\",\"panelCount\":1}}").ok();
    Path editor = file("editor.sh", "#!/bin/sh\nsed -i 's/phase: Pending/phase: Ready/' \"$1\"\n");
    editor.toFile().setExecutable(true);
    kubectl.run(Map.of("KUBE_EDITOR", editor.toString()), null,
        "edit", "dashboard", "a", "-n", ns, "--subresource=status").ok();
    assertThat(kubectl.run("get", "dashboard", "a", "-n", ns, "-o", "jsonpath={.status.phase}").ok().out()).isEqualTo("Ready");
    assertThat(kubectl.run("get", "dashboards", "-n", ns).ok().out()).contains("Ready");
  }

  @Test
  void deleteWithAndWithoutFinalizers() throws Exception {
    kubectl.run("apply", "-n", ns, "-f", file("a.yaml", dashboardYaml("a", "Alpha", "")).toString()).ok();
    kubectl.run("apply", "-n", ns, "-f", file("b.yaml",
        dashboardYaml("b", "Beta", "  finalizers:\n  - demo.revisor.io/hold\n")).toString()).ok();
    assertThat(kubectl.run("delete", "dashboard", "a", "-n", ns).ok().out()).contains("deleted");
    assertThat(kubectl.run("get", "dashboard", "a", "-n", ns).exit()).isNotZero();
    kubectl.run("delete", "dashboard", "b", "-n", ns, "--wait=false").ok();
    assertThat(kubectl.run("get", "dashboard", "b", "-n", ns, "-o", "jsonpath={.metadata.deletionTimestamp}").ok().out())
        .isNotEmpty();
    Path waitOut = work.resolve("wait.out");
    Process waiting = kubectl.start(waitOut, "wait", "--for=delete", "dashboard/b", "-n", ns, "--timeout=30s");
    try {
      kubectl.run("patch", "dashboard", "b", "-n", ns, "--type=merge", "-p", "{\"metadata\":{\"finalizers\":null}}").ok();
      assertThat(waiting.waitFor(40, TimeUnit.SECONDS)).isTrue();
      assertThat(waiting.exitValue()).as(Files.readString(waitOut)).isZero();
    } finally {
      waiting.destroy();
    }
    assertThat(kubectl.run("get", "dashboard", "b", "-n", ns).exit()).isNotZero();
  }

  @Test
  void chunkedListOverSeveralPages() throws Exception {
    StringBuilder many = new StringBuilder();
    for (int i = 0; i < 7; i++) {
      many.append(dashboardYaml("d" + i, "T" + i, "")).append("---\n");
    }
    kubectl.run("apply", "-n", ns, "-f", file("many.yaml", many.toString()).toString()).ok();
    String out = kubectl.run("get", "dashboards", "-n", ns, "--chunk-size=2", "-o", "name", "-v=6").ok().out();
    assertThat(out.lines().filter(l -> l.startsWith("dashboard")).count()).isEqualTo(7);
    Kubectl.Result verbose = kubectl.run("get", "dashboards", "-n", ns, "--chunk-size=2", "-v=6");
    assertThat(verbose.err().lines().filter(l -> l.contains("continue=")).count()).isGreaterThanOrEqualTo(3);
  }

  @Test
  void storageQuotaRefusesAndResourceStatsCount() throws Exception {
    kubectl.run("apply", "-n", ns, "-f", file("quota.yaml", "apiVersion: revisor.io/v1\nkind: StorageQuota\n"
        + "metadata:\n  name: one\nspec:\n  hard:\n    count/dashboards.demo.revisor.io: 1\n").toString()).ok();
    kubectl.run("apply", "-n", ns, "-f", file("a.yaml", dashboardYaml("a", "Alpha", "")).toString()).ok();
    Kubectl.Result refused = kubectl.run("apply", "-n", ns, "-f", file("b.yaml", dashboardYaml("b", "Beta", ""))
        .toString());
    assertThat(refused.exit()).isNotZero();
    assertThat(refused.err()).contains("Error from server (Forbidden)", "dashboards.demo.revisor.io \"b\" is "
        + "forbidden: exceeded quota: one, requested: count/dashboards.demo.revisor.io=1, used: "
        + "count/dashboards.demo.revisor.io=1, limited: count/dashboards.demo.revisor.io=1");

    List<String> stats = kubectl.run("get", "resourcestats", "-n", ns).ok().out().lines().toList();
    assertThat(stats.get(0).split("\\s{2,}")).containsExactly("NAME", "COUNT", "BYTES", "LATEST VERSION");
    assertThat(stats.get(1).split("\\s+")).startsWith("dashboards.demo.revisor.io", "1");
    assertThat(stats.get(2).split("\\s+")).containsExactly("folders.demo.revisor.io", "0", "0");
    assertThat(kubectl.run("get", "squota", "one", "-n", ns, "-o", "jsonpath={.status.used}").ok().out())
        .isEqualTo("{\"count/dashboards.demo.revisor.io\":\"1\"}");
  }

  @Test
  void bundledDemoObjectsApply() {
    Path demo = Path.of(System.getProperty("user.dir")).getParent().resolve("examples/demo.yaml");
    assertThat(demo).exists();
    kubectl.run("apply", "-f", demo.toString()).ok();
    assertThat(kubectl.run("get", "organizations").ok().out()).contains("acme", "ACME Corporation");
    assertThat(kubectl.run("get", "dashboards", "-n", "default").ok().out()).contains("home", "latency");
  }
}
