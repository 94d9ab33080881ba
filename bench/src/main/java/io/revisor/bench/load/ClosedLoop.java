package io.revisor.bench.load;

import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A closed-loop load: {@code concurrency} workers, each starting its next operation when its previous one completes,
 * until {@code maxOps} operations have started or {@code maxTime} has passed, whichever comes first. Operations are
 * asynchronous; no thread waits on one.
 */
public final class ClosedLoop {
  /** How long the last operations may take to finish after the run stops starting new ones. */
  private static final Duration DRAIN = Duration.ofMinutes(2);

  private ClosedLoop() {}

  /** One operation. */
  @FunctionalInterface
  public interface Operation {
    /**
     * Starts operation number {@code index} (0, 1, ... across all workers) on behalf of {@code worker}
     * (0 to concurrency - 1; one worker never has two operations in flight).
     */
    CompletionStage<?> start(int worker, long index);
  }

  /**
   * Runs the load and waits for it.
   *
   * @throws IllegalStateException when operations are still in flight {@link #DRAIN} after the run stopped
   */
  public static Measurement run(int concurrency, long maxOps, Duration maxTime, Operation operation) {
    Latencies latencies = new Latencies();
    AtomicLong next = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    AtomicLong lastEnd = new AtomicLong();
    AtomicReference<String> firstError = new AtomicReference<>();
    CountDownLatch idle = new CountDownLatch(concurrency);
    long start = System.nanoTime();
    long deadline = start + maxTime.toNanos();
    class Worker {
      final int id;

      Worker(int id) {
        this.id = id;
      }

      void next() {
        long index = next.getAndIncrement();
        if (index >= maxOps || System.nanoTime() - deadline >= 0) {
          idle.countDown();
          return;
        }
        long t0 = System.nanoTime();
        CompletionStage<?> op;
        try {
          op = operation.start(id, index);
        } catch (RuntimeException e) {
          // An operation that cannot even start would fail again at once: this worker stops (no deep recursion).
          errors.incrementAndGet();
          firstError.compareAndSet(null, describe(e));
          idle.countDown();
          return;
        }
        op.whenComplete((result, failure) -> {
          long t1 = System.nanoTime();
          lastEnd.accumulateAndGet(t1, Math::max);
          if (failure == null) {
            latencies.record(t1 - t0);
          } else {
            errors.incrementAndGet();
            firstError.compareAndSet(null, describe(failure));
          }
          next();
        });
      }
    }
    for (int w = 0; w < concurrency; w++) {
      new Worker(w).next();
    }
    try {
      if (!idle.await(maxTime.plus(DRAIN).toMillis(), TimeUnit.MILLISECONDS)) {
        throw new IllegalStateException("operations still in flight " + DRAIN.toSeconds() + " s after the run ended");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
    double seconds = Math.max(0, lastEnd.get() - start) / 1e9;
    return latencies.measurement(errors.get(), seconds, firstError.get());
  }

  /** The failure's message, without the wrapping of futures. */
  public static String describe(Throwable failure) {
    Throwable t = failure;
    while (t instanceof CompletionException && t.getCause() != null) {
      t = t.getCause();
    }
    return t.getClass().getSimpleName() + ": " + t.getMessage();
  }
}
