package io.revisor.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;

class BenchOptionsTest {
  @Test
  void defaultsRunEverythingWithTheFullPlan() {
    BenchOptions options = BenchOptions.parse();
    assertThat(options.scenarios()).isEqualTo(EnumSet.allOf(Scenario.class));
    assertThat(options.quick()).isFalse();
    assertThat(options.plan()).isEqualTo(Plan.full());
    assertThat(options.out()).isEqualTo(Path.of("bench", "results"));
    assertThat(options.serverJar()).isEqualTo(Path.of("apiserver", "target", "revisor-apiserver.jar"));
  }

  @Test
  void flags() {
    BenchOptions options = BenchOptions.parse("--quick", "--scenarios=create, read", "--out=/tmp/x",
        "--server-jar=s.jar", "--server-heap=1g", "--server-java-option=-XX:+UseSerialGC",
        "--server-java-option=-XX:StartFlightRecording=filename=r.jfr,settings=profile");
    assertThat(options.plan()).isEqualTo(Plan.quick());
    assertThat(options.scenarios()).containsExactlyInAnyOrder(Scenario.CREATE, Scenario.READ);
    assertThat(options.runs(Scenario.WATCH)).isFalse();
    assertThat(options.out()).isEqualTo(Path.of("/tmp/x"));
    assertThat(options.serverJar()).isEqualTo(Path.of("s.jar"));
    assertThat(options.serverHeap()).isEqualTo("1g");
    assertThat(options.serverJavaOptions())
        .containsExactly("-XX:+UseSerialGC", "-XX:StartFlightRecording=filename=r.jfr,settings=profile");
  }

  @Test
  void refusesUnknownFlagsAndScenarios() {
    assertThatThrownBy(() -> BenchOptions.parse("--fast")).hasMessageContaining("unknown argument \"--fast\"");
    assertThatThrownBy(() -> BenchOptions.parse("--scenarios=create,lists"))
        .hasMessageContaining("unknown scenario \"lists\"").hasMessageContaining("jmh,create,update,read,watch,memory");
    assertThatThrownBy(() -> BenchOptions.parse("--scenarios=")).hasMessageContaining("at least one");
    assertThatThrownBy(() -> BenchOptions.parse("--out=")).hasMessageContaining("--out needs a value");
  }

  @Test
  void usageErrorsExitWithTwoAndPrintTheUsage() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int status = BenchMain.run(new String[] {"--nope"}, new PrintStream(out, true, StandardCharsets.UTF_8));
    assertThat(status).isEqualTo(2);
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("error: unknown argument").contains("Usage:");
  }

  @Test
  void everyWriteConcurrencyDividesTheUpdatePool() {
    for (Plan plan : new Plan[] {Plan.full(), Plan.quick()}) {
      assertThat(plan.writeConcurrency()).allSatisfy(c -> assertThat(plan.updatePool() % c).isZero());
    }
    assertThatThrownBy(() -> new Plan(Plan.quick().warmup(), java.util.List.of(3), 1, Plan.quick().writeTime(), 10,
        1, 1, 1, 1, Plan.quick().listTime(), 1, Plan.quick().inProcessWarmup(), 1, java.util.List.of(1), 1, 1, 1, Plan.quick().jmh()))
        .hasMessageContaining("not a multiple");
  }
}
