package io.revisor.bench.load;

import java.util.concurrent.TimeUnit;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * A latency histogram in microseconds (three significant digits, up to ten minutes). Recording is thread-safe and
 * wait-free.
 */
public final class Latencies {
  private static final long MAX_MICROS = TimeUnit.MINUTES.toMicros(10);

  private final Histogram histogram = new ConcurrentHistogram(MAX_MICROS, 3);

  /** Records one latency; values beyond ten minutes count as ten minutes. */
  public void record(long nanos) {
    histogram.recordValue(Math.min(MAX_MICROS, Math.max(0, TimeUnit.NANOSECONDS.toMicros(nanos))));
  }

  public long count() {
    return histogram.getTotalCount();
  }

  /** The latency at {@code percentile} (0 to 100) in milliseconds; NaN when nothing was recorded. */
  public double percentileMillis(double percentile) {
    return count() == 0 ? Double.NaN : histogram.getValueAtPercentile(percentile) / 1000.0;
  }

  /** A measurement of the {@link #count()} operations recorded here, in {@code seconds}, with these latencies. */
  public Measurement measurement(long errors, double seconds, String firstError) {
    return new Measurement(count(), errors, seconds, percentileMillis(50), percentileMillis(99), firstError);
  }
}
