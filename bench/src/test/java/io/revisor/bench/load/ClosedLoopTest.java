package io.revisor.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ClosedLoopTest {
  private static final Executor LATER = CompletableFuture.delayedExecutor(1, TimeUnit.MILLISECONDS);

  @Test
  void stopsAfterMaxOpsWithNoMoreThanConcurrencyInFlight() {
    AtomicInteger inFlight = new AtomicInteger();
    AtomicInteger most = new AtomicInteger();
    boolean[] workerBusy = new boolean[4];
    AtomicInteger overlaps = new AtomicInteger();
    Measurement m = ClosedLoop.run(4, 200, Duration.ofMinutes(1), (w, i) -> {
      synchronized (workerBusy) {
        if (workerBusy[w]) {
          overlaps.incrementAndGet();
        }
        workerBusy[w] = true;
      }
      most.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
      return CompletableFuture.runAsync(() -> {
        inFlight.decrementAndGet();
        synchronized (workerBusy) {
          workerBusy[w] = false;
        }
      }, LATER);
    });
    assertThat(m.ops()).isEqualTo(200);
    assertThat(m.errors()).isZero();
    assertThat(most.get()).isBetween(1, 4);
    assertThat(overlaps.get()).isZero();
    assertThat(m.p50Ms()).isGreaterThanOrEqualTo(0.9);
    assertThat(m.opsPerSecond()).isPositive();
  }

  @Test
  void stopsAtTheTimeLimit() {
    Measurement m = ClosedLoop.run(2, Long.MAX_VALUE, Duration.ofMillis(200),
        (w, i) -> CompletableFuture.runAsync(() -> { }, LATER));
    assertThat(m.ops()).isPositive();
    assertThat(m.seconds()).isBetween(0.15, 5.0);
  }

  @Test
  void countsFailuresAndKeepsTheFirst() {
    Measurement m = ClosedLoop.run(1, 10, Duration.ofMinutes(1), (w, i) -> i % 2 == 0
        ? CompletableFuture.supplyAsync(() -> {
          throw new IllegalStateException("op " + i);
        }, LATER)
        : CompletableFuture.runAsync(() -> { }, LATER));
    assertThat(m.ops()).isEqualTo(5);
    assertThat(m.errors()).isEqualTo(5);
    assertThat(m.firstError()).isEqualTo("IllegalStateException: op 0");
  }

  @Test
  void anOperationThatCannotStartStopsItsWorker() {
    Measurement m = ClosedLoop.run(3, 1000, Duration.ofMinutes(1), (w, i) -> {
      throw new IllegalArgumentException("bad");
    });
    assertThat(m.ops()).isZero();
    assertThat(m.errors()).isEqualTo(3);
    assertThat(m.firstError()).isEqualTo("IllegalArgumentException: bad");
  }

  @Test
  void percentiles() {
    Latencies latencies = new Latencies();
    assertThat(latencies.percentileMillis(50)).isNaN();
    for (int i = 1; i <= 100; i++) {
      latencies.record(TimeUnit.MILLISECONDS.toNanos(i));
    }
    assertThat(latencies.percentileMillis(50)).isBetween(49.9, 50.1);
    assertThat(latencies.percentileMillis(99)).isBetween(98.9, 99.1);
    latencies.record(TimeUnit.HOURS.toNanos(1));
    assertThat(latencies.percentileMillis(100)).isBetween(599_000.0, 601_000.0);
  }
}
