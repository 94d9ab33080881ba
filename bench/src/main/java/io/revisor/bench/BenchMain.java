package io.revisor.bench;

import io.revisor.bench.client.RawEtcd;
import io.revisor.bench.client.RevisorClient;
import io.revisor.bench.env.EtcdServer;
import io.revisor.bench.env.RevisorServer;
import io.revisor.bench.load.ClosedLoop;
import io.revisor.bench.report.Report;
import io.revisor.bench.report.Targets;
import io.revisor.bench.scenario.Context;
import io.revisor.bench.scenario.JmhScenario;
import io.revisor.bench.scenario.MemoryScenario;
import io.revisor.bench.scenario.ReadScenario;
import io.revisor.bench.scenario.WatchScenario;
import io.revisor.bench.scenario.WriteScenarios;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The benchmark suite: Revisor against raw etcd through jetcd, on the same etcd, in one run, plus JMH benchmarks of
 * in-process hot paths. It starts its own etcd and its own server JVM, and stops both (by PID) when done. Exit
 * status: 0 when everything ran (missed goals included), 1 when the run failed (a lost watch event, a failed
 * operation, a scenario that could not run), 2 on a usage error.
 */
public final class BenchMain {
  /** gRPC logs through java.util.logging; held here so that its level stays set (loggers are weakly referenced). */
  private static final Logger GRPC_LOG = Logger.getLogger("io.grpc");

  private BenchMain() {}

  public static void main(String[] args) {
    System.exit(run(args, System.out));
  }

  /** Runs the suite with {@code args}; returns the exit status. */
  public static int run(String[] args, PrintStream out) {
    GRPC_LOG.setLevel(Level.WARNING);
    if (Arrays.asList(args).contains("--help")) {
      out.println(BenchOptions.USAGE);
      return 0;
    }
    BenchOptions options;
    try {
      options = BenchOptions.parse(args);
    } catch (IllegalArgumentException e) {
      out.println("error: " + e.getMessage());
      out.println(BenchOptions.USAGE);
      return 2;
    }
    Plan plan = options.plan();
    Report report = new Report();
    describeMachine(report, options);
    if (options.runs(Scenario.JMH)) {
      step(out, report, "jmh", () -> JmhScenario.run(plan.jmh(), report, out));
    }
    if (options.scenarios().stream().anyMatch(Scenario::needsServer)) {
      againstServer(options, plan, report, out);
    }
    report.targets(Targets.evaluate(report.rows(),
        plan.writeConcurrency().stream().max(Integer::compare).orElse(0), plan.watchers()));
    out.println();
    out.print(report.table());
    out.println();
    out.print(report.targetsText());
    report.failures().forEach(f -> out.println("FAILED " + f));
    try {
      report.write(options.out());
      out.println("results: " + options.out().resolve("results.json") + ", " + options.out().resolve("results.svg"));
    } catch (IOException e) {
      out.println("FAILED cannot write the results to " + options.out() + ": " + e);
      return 1;
    }
    return report.failures().isEmpty() ? 0 : 1;
  }

  private static void againstServer(BenchOptions options, Plan plan, Report report, PrintStream out) {
    Path work;
    try {
      work = Files.createTempDirectory("revisor-bench-");
    } catch (IOException e) {
      report.fail("no temporary directory: " + e);
      return;
    }
    boolean keep = false;
    out.println("== starting etcd and Revisor (work directory " + work + ")");
    Vertx vertx = Vertx.vertx();
    try (EtcdServer etcd = EtcdServer.start(work);
         RevisorServer server = RevisorServer.start(options.serverJar(), options.serverHeap(),
             options.serverJavaOptions(), etcd.clientUrl(), work);
         RevisorClient client = RevisorClient.connect(vertx, server, 2);
         RawEtcd raw = RawEtcd.connect(etcd.clientUrl())) {
      report.environment("etcd", etcd.version());
      report.environment("serverHeap", options.serverHeap());
      out.println("   etcd " + etcd.clientUrl() + ", Revisor https://127.0.0.1:" + server.port() + " (pid "
          + server.pid() + ")");
      Context ctx = new Context(plan, report, vertx, etcd, server, client, raw, out);
      Map<Scenario, Consumer<Context>> scenarios = Map.of(
          Scenario.CREATE, WriteScenarios::creates,
          Scenario.UPDATE, WriteScenarios::updates,
          Scenario.READ, ReadScenario::run,
          Scenario.WATCH, WatchScenario::run,
          Scenario.MEMORY, MemoryScenario::run);
      for (Scenario s : Scenario.values()) {
        if (s.needsServer() && options.runs(s)) {
          boolean ok = step(out, report, s.id(), () -> scenarios.get(s).accept(ctx));
          if (!ok) {
            keep = true;
            out.println("   the server's log ends with:\n" + server.logTail(20));
          }
        }
      }
    } catch (RuntimeException e) {
      keep = true;
      report.fail("environment: " + ClosedLoop.describe(e));
      out.println("FAILED " + e.getMessage());
    } finally {
      Context.await(vertx.close().toCompletionStage(), Duration.ofSeconds(30), "closing Vert.x");
    }
    keepLogs(work, options.out().resolve("logs"), out);
    if (keep) {
      out.println("   kept " + work + " for a look");
    } else {
      delete(work);
    }
  }

  /** Copies the server's and etcd's logs next to the results and says how many warnings and errors they hold. */
  private static void keepLogs(Path work, Path logs, PrintStream out) {
    try (Stream<Path> files = Files.walk(work)) {
      Files.createDirectories(logs);
      for (Path log : files.filter(p -> p.getFileName().toString().endsWith(".log")).toList()) {
        Path copy = Files.copy(log, logs.resolve(log.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        try (Stream<String> lines = Files.lines(copy)) {
          Map<String, Long> levels = lines.map(BenchMain::level).filter(l -> !l.isEmpty())
              .collect(Collectors.groupingBy(l -> l, TreeMap::new, Collectors.counting()));
          out.println("   " + copy + ": " + (levels.isEmpty() ? "no warnings or errors" : levels));
        }
      }
    } catch (IOException | UncheckedIOException e) {
      out.println("   cannot keep the logs in " + logs + ": " + e);
    }
  }

  /** WARN or ERROR when a log line (the server's or etcd's) is one, else empty. */
  private static String level(String line) {
    if (line.contains(" WARN ") || line.contains("\"level\":\"warn\"")) {
      return "WARN";
    }
    if (line.contains(" ERROR ") || line.contains("\"level\":\"error\"")) {
      return "ERROR";
    }
    return "";
  }

  /** Runs one scenario; a failure is recorded and the suite goes on. Returns whether it completed. */
  private static boolean step(PrintStream out, Report report, String name, Runnable scenario) {
    out.println("== " + name);
    long start = System.nanoTime();
    try {
      scenario.run();
      out.printf("   %s done in %.0f s%n", name, (System.nanoTime() - start) / 1e9);
      return true;
    } catch (RuntimeException e) {
      report.fail(name + ": " + ClosedLoop.describe(e));
      out.println("FAILED " + name + ": " + ClosedLoop.describe(e));
      e.printStackTrace(out);
      return false;
    }
  }

  private static void describeMachine(Report report, BenchOptions options) {
    report.environment("time", Instant.now().toString());
    report.environment("commit", System.getenv().getOrDefault("REVISOR_BENCH_COMMIT", "unknown"));
    report.environment("processors", Runtime.getRuntime().availableProcessors());
    report.environment("memory", memTotal());
    report.environment("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
    report.environment("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
    report.environment("quick", options.quick());
    report.environment("scenarios", options.scenarios().stream().sorted().map(Scenario::id).toList());
  }

  private static String memTotal() {
    try (Stream<String> lines = Files.lines(Path.of("/proc/meminfo"))) {
      return lines.filter(l -> l.startsWith("MemTotal:")).map(l -> l.substring(9).strip()).findFirst().orElse("?");
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }

  private static void delete(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      System.err.println("cannot delete " + dir + ": " + e);
    }
  }
}
