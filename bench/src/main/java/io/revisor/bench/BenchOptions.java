package io.revisor.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The suite's command line.
 *
 * @param quick small counts ({@link Plan#quick()})
 * @param scenarios what to run
 * @param out where results go (created when missing)
 * @param serverJar the server's jar, run as a separate JVM
 * @param serverHeap the server JVM's {@code -Xmx}
 * @param serverJavaOptions more options of the server JVM, in order (a profiler's, say)
 */
public record BenchOptions(
    boolean quick, Set<Scenario> scenarios, Path out, Path serverJar, String serverHeap,
    List<String> serverJavaOptions) {
  public static final String USAGE = String.join("\n",
      "Usage: hack/bench.sh [--quick] [--scenarios=" + Scenario.ids() + "] [--out=DIR]",
      "                     [--server-jar=PATH] [--server-heap=2g] [--server-java-option=OPTION]...",
      "  --quick        small counts, a smoke run",
      "  --scenarios    a comma-separated subset (default: all)",
      "  --out          results directory (default: bench/results)",
      "  --server-jar   the Revisor server jar (default: apiserver/target/revisor-apiserver.jar)",
      "  --server-heap  -Xmx of the server JVM (default: 2g)",
      "  --server-java-option  one more option of the server JVM (repeatable), e.g.",
      "                 --server-java-option=-XX:StartFlightRecording=filename=/tmp/revisor.jfr,settings=profile");

  public BenchOptions {
    scenarios = Set.copyOf(scenarios);
    serverJavaOptions = List.copyOf(serverJavaOptions);
  }

  /** The plan these options select. */
  public Plan plan() {
    return quick ? Plan.quick() : Plan.full();
  }

  /** Whether {@code s} is to run. */
  public boolean runs(Scenario s) {
    return scenarios.contains(s);
  }

  /**
   * Parses the arguments.
   *
   * @throws IllegalArgumentException with a message for the user on an unknown flag or value
   */
  public static BenchOptions parse(String... args) {
    boolean quick = false;
    Set<Scenario> scenarios = EnumSet.allOf(Scenario.class);
    Path out = Path.of("bench", "results");
    Path serverJar = Path.of("apiserver", "target", "revisor-apiserver.jar");
    String serverHeap = "2g";
    List<String> serverJavaOptions = new ArrayList<>();
    for (String arg : args) {
      String value = arg.contains("=") ? arg.substring(arg.indexOf('=') + 1) : "";
      String flag = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
      switch (flag) {
        case "--quick" -> quick = true;
        case "--scenarios" -> scenarios = scenarios(value);
        case "--out" -> out = Path.of(nonEmpty(flag, value));
        case "--server-jar" -> serverJar = Path.of(nonEmpty(flag, value));
        case "--server-heap" -> serverHeap = nonEmpty(flag, value);
        case "--server-java-option" -> serverJavaOptions.add(nonEmpty(flag, value));
        default -> throw new IllegalArgumentException("unknown argument \"" + arg + "\"");
      }
    }
    return new BenchOptions(quick, scenarios, out, serverJar, serverHeap, serverJavaOptions);
  }

  private static Set<Scenario> scenarios(String value) {
    List<String> ids = Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    if (ids.isEmpty()) {
      throw new IllegalArgumentException("--scenarios needs at least one of " + Scenario.ids());
    }
    Set<Scenario> result = EnumSet.noneOf(Scenario.class);
    ids.forEach(id -> result.add(Scenario.of(id)));
    return result;
  }

  private static String nonEmpty(String flag, String value) {
    if (value.isBlank()) {
      throw new IllegalArgumentException(flag + " needs a value (" + flag + "=...)");
    }
    return value;
  }
}
