package io.revisor.bench;

import java.time.Duration;
import java.util.List;

/**
 * How much each scenario does: the full run (about ten minutes on two cores) or the quick smoke run.
 *
 * @param warmup how long each side warms up (concurrency 16) before a write scenario's measured runs
 * @param writeConcurrency the concurrency levels of creates and updates
 * @param writeOps each create or update run stops after this many operations...
 * @param writeTime ...or after this long, whichever comes first
 * @param updatePool how many objects the update runs cycle through (a multiple of every write concurrency)
 * @param readObjects how many objects the read scenario lists
 * @param getConcurrency concurrent gets by name
 * @param getOps a get run stops after this many gets or {@link #writeTime}
 * @param listRepeats each list variant is measured this many times (after one untimed, checked list)...
 * @param listTime ...or for this long, whichever comes first
 * @param inProcessLists each in-process list variant (milliseconds each) is measured this many times, within
 *     {@link #listTime}...
 * @param inProcessWarmup ...after warming up for this long (at most {@code 10 x inProcessLists} lists): the benchmark
 *     JVM runs the cache's and the writer's code for the first time, and a server's would long be compiled
 * @param pageSize {@code limit} of paged lists (and keys per raw paged range)
 * @param watchers the numbers of concurrent watchers, smallest first
 * @param watchEvents the writes each watch run makes
 * @param watchRate writes per second during a watch run
 * @param memoryObjects objects created for the memory measurement
 * @param jmh JMH's settings
 */
public record Plan(
    Duration warmup,
    List<Integer> writeConcurrency,
    int writeOps,
    Duration writeTime,
    int updatePool,
    int readObjects,
    int getConcurrency,
    int getOps,
    int listRepeats,
    Duration listTime,
    int inProcessLists,
    Duration inProcessWarmup,
    int pageSize,
    List<Integer> watchers,
    int watchEvents,
    int watchRate,
    int memoryObjects,
    JmhSettings jmh) {

  /**
   * JMH's iteration settings.
   *
   * @param forks 0 runs in this JVM (quick), 1 in a fresh one
   */
  public record JmhSettings(int forks, int warmupIterations, Duration warmupTime, int iterations, Duration time) {}

  public Plan {
    writeConcurrency = List.copyOf(writeConcurrency);
    watchers = List.copyOf(watchers);
    for (int c : writeConcurrency) {
      if (updatePool % c != 0) {
        throw new IllegalArgumentException("updatePool " + updatePool + " is not a multiple of concurrency " + c);
      }
    }
  }

  /** The full suite. */
  public static Plan full() {
    return new Plan(Duration.ofSeconds(10), List.of(1, 16, 64), 20_000, Duration.ofSeconds(20), 1024,
        10_000, 16, 20_000, 20, Duration.ofSeconds(30), 200, Duration.ofSeconds(5), 500,
        List.of(1, 100, 1000), 500, 50,
        100_000,
        new JmhSettings(1, 3, Duration.ofSeconds(1), 5, Duration.ofSeconds(1)));
  }

  /** Small counts for a smoke run (well under a minute of measuring). */
  public static Plan quick() {
    return new Plan(Duration.ofMillis(500), List.of(1, 16, 64), 300, Duration.ofSeconds(2), 128,
        1_000, 16, 500, 3, Duration.ofSeconds(5), 20, Duration.ofMillis(500), 500,
        List.of(1, 10, 100), 40, 40,
        2_000,
        new JmhSettings(0, 1, Duration.ofMillis(200), 2, Duration.ofMillis(200)));
  }
}
