package io.revisor.bench.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.revisor.bench.load.Measurement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TargetsTest {
  private static Row row(String id, double opsPerSec, double p99) {
    String side = id.endsWith(".raw") ? Row.RAW : id.endsWith(".in-process") ? Row.IN_PROCESS : Row.REVISOR;
    return Row.of(id, id, side, new Measurement((long) opsPerSec, 0, 1.0, p99 / 2, p99, null), null, "");
  }

  private static Target named(List<Target> targets, String prefix) {
    return targets.stream().filter(t -> t.name().startsWith(prefix)).findFirst().orElseThrow();
  }

  @Test
  void writeShareOfRaw() {
    List<Target> targets = Targets.evaluate(List.of(
        row("create.c64.revisor", 500, 1), row("create.c64.raw", 1000, 1),
        row("update.c64.revisor", 499, 1), row("update.c64.raw", 1000, 1)), 64, List.of());
    assertThat(named(targets, "creates").status()).isEqualTo(Target.Status.PASS);
    assertThat(named(targets, "updates").status()).isEqualTo(Target.Status.MISS);
    assertThat(named(targets, "updates").detail()).isEqualTo("499 vs 1000 ops/s = 50%");
  }

  @Test
  void theCachedListGoalJudgesTheInProcessListsAndShowsTheHttpsOnes() {
    List<Row> rows = List.of(
        row("read.list.raw", 10, 100),
        row("read.list.rv0.in-process", 200, 1),
        row("read.list.consistent.in-process", 199, 1),
        row("read.list.rv0.revisor", 11, 90),
        row("read.list.consistent.revisor", 300, 1));
    List<Target> targets = Targets.evaluate(rows, 64, List.of());

    assertThat(named(targets, "read.list.rv0.in-process").status()).isEqualTo(Target.Status.PASS);
    assertThat(named(targets, "read.list.rv0.in-process").detail()).isEqualTo("p50 0.50 ms vs 50.0 ms raw = 20.00x");
    assertThat(named(targets, "read.list.consistent.in-process").status()).isEqualTo(Target.Status.MISS);
    // The HTTPS lists are information, whatever their figures: neither a pass nor a miss.
    assertThat(named(targets, "read.list.rv0.revisor").status()).isEqualTo(Target.Status.INFO);
    assertThat(named(targets, "read.list.consistent.revisor").status()).isEqualTo(Target.Status.INFO);
    assertThat(named(targets, "read.list.rv0.revisor").detail()).endsWith("= 1.10x");
    assertThat(targets).filteredOn(t -> t.status() != Target.Status.INFO).hasSize(2);
  }

  @Test
  void withoutTheInProcessRowsThereIsNoCachedListGoal() {
    List<Target> targets = Targets.evaluate(List.of(row("read.list.raw", 10, 100),
        row("read.list.rv0.revisor", 300, 1)), 64, List.of());

    assertThat(targets).singleElement().extracting(Target::status).isEqualTo(Target.Status.INFO);
  }

  @Test
  void pagedAgainstUnpagedOverHttps() {
    List<Row> rows = List.of(
        row("read.list.consistent.revisor", 100, 1).with(Ids.ITEMS_PER_SEC, 1_000_000),
        row("read.list.paged.revisor", 90, 1).with(Ids.ITEMS_PER_SEC, 900_000),
        row("read.list.paged.in-process", 900, 1).with(Ids.ITEMS_PER_SEC, 9_000_000));
    assertThat(named(Targets.evaluate(rows, 64, List.of()), "paged").status()).isEqualTo(Target.Status.MISS);
  }

  @Test
  void watchFanOut() {
    List<Row> rows = List.of(
        row("watch.w1.revisor", 50, 10),
        row("watch.w1000.revisor", 50_000, 100).with(Ids.LOST_EVENTS, 0));
    List<Target> targets = Targets.evaluate(rows, 64, List.of(1, 100, 1000));
    assertThat(named(targets, "1000 watchers: no lost").status()).isEqualTo(Target.Status.PASS);
    assertThat(named(targets, "1000 watchers: p99").status()).isEqualTo(Target.Status.PASS);

    List<Target> lossy = Targets.evaluate(List.of(rows.get(0),
        row("watch.w1000.revisor", 50_000, 101).with(Ids.LOST_EVENTS, 2)), 64, List.of(1, 1000));
    assertThat(named(lossy, "1000 watchers: no lost").status()).isEqualTo(Target.Status.MISS);
    assertThat(named(lossy, "1000 watchers: p99").status()).isEqualTo(Target.Status.MISS);
  }

  @Test
  void heapPerObjectNeedsACache() {
    Row memory = row("memory.revisor", 100, 1).with(Ids.HEAP_PER_OBJECT, 2000);
    assertThat(Targets.evaluate(List.of(memory.with(Ids.WATCH_CACHE_PRESENT, 1)), 64, List.of()).get(0).status())
        .isEqualTo(Target.Status.PASS);
    assertThat(Targets.evaluate(List.of(memory.with(Ids.WATCH_CACHE_PRESENT, 0)), 64, List.of()).get(0).status())
        .isEqualTo(Target.Status.NA);
    assertThat(Targets.evaluate(List.of(memory.with(Ids.HEAP_PER_OBJECT, 3073).with(Ids.WATCH_CACHE_PRESENT, 1)), 64,
        List.of()).get(0).status()).isEqualTo(Target.Status.MISS);
  }

  @Test
  void goalsOfScenariosThatDidNotRunAreLeftOut() {
    assertThat(Targets.evaluate(List.of(row("create.c64.revisor", 1, 1)), 64, List.of(1, 1000))).isEmpty();
  }
}
