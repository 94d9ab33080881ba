package io.revisor.bench.load;

/**
 * What one run measured.
 *
 * @param ops operations that succeeded
 * @param errors operations that failed
 * @param seconds from the first start to the last completion
 * @param p50Ms median latency of the successful operations, NaN if none
 * @param p99Ms 99th percentile latency, NaN if none
 * @param firstError the first failure's description, or null
 */
public record Measurement(long ops, long errors, double seconds, double p50Ms, double p99Ms, String firstError) {
  /** Successful operations per second (0 when nothing was timed). */
  public double opsPerSecond() {
    return seconds > 0 ? ops / seconds : 0;
  }
}
