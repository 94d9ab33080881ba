package io.revisor.bench.scenario;

import io.revisor.bench.Plan;
import io.revisor.bench.report.Report;
import io.revisor.bench.report.Row;
import java.io.PrintStream;
import java.util.Collection;
import java.util.Comparator;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * The JMH benchmarks of in-process hot paths ({@code io.revisor.bench.jmh} and the package-private storage ones in
 * {@code io.revisor.storage.resource}), throughput in operations per second.
 */
public final class JmhScenario {
  static final String[] INCLUDES = {"io\\.revisor\\.bench\\.jmh\\..*", "io\\.revisor\\.storage\\.resource\\..*Benchmark\\..*"};

  private JmhScenario() {}

  public static void run(Plan.JmhSettings settings, Report report, PrintStream log) {
    OptionsBuilder builder = new OptionsBuilder();
    for (String include : INCLUDES) {
      builder.include(include);
    }
    Options options = builder
        .forks(settings.forks())
        .warmupIterations(settings.warmupIterations())
        .warmupTime(TimeValue.milliseconds(settings.warmupTime().toMillis()))
        .measurementIterations(settings.iterations())
        .measurementTime(TimeValue.milliseconds(settings.time().toMillis()))
        .mode(Mode.Throughput)
        .timeUnit(TimeUnit.SECONDS)
        .shouldFailOnError(true)
        .verbosity(VerboseMode.SILENT)
        .build();
    Collection<RunResult> results;
    try {
      results = new Runner(options).run();
    } catch (RunnerException e) {
      throw new IllegalStateException("JMH failed: " + e.getMessage(), e);
    }
    results.stream().sorted(Comparator.comparing(r -> r.getParams().getBenchmark())).forEach(r -> {
      String benchmark = r.getParams().getBenchmark();
      String shortName = benchmark.substring(benchmark.lastIndexOf('.', benchmark.lastIndexOf('.') - 1) + 1);
      Result<?> primary = r.getPrimaryResult();
      double error = primary.getScoreError();
      String note = Double.isNaN(error) ? "" : String.format(Locale.ROOT, "+- %,.0f (99.9%%)", error);
      report.add(new Row("jmh." + shortName, "jmh " + shortName, Row.IN_PROCESS, primary.getScore(), null, null, null,
          note, Map.of()));
      log.printf(Locale.ROOT, "  %-40s %,16.0f ops/s%n", shortName, primary.getScore());
    });
  }
}
