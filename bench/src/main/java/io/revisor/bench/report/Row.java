package io.revisor.bench.report;

import io.revisor.bench.load.Measurement;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * One line of the results table.
 *
 * @param id a stable key ({@code create.c64.revisor}); targets look rows up by it
 * @param scenario what was measured, for people ({@code create c=64})
 * @param side {@code revisor}, {@code raw} or {@code in-process}
 * @param opsPerSec throughput (for lists, lists per second; for watches, deliveries per second), or null
 * @param p50Ms median latency, or null when it does not apply
 * @param p99Ms 99th percentile latency, or null
 * @param ratio on Revisor rows, Revisor's throughput divided by raw etcd's (higher is better for Revisor); on the
 *     memory row, heap per object divided by the object's size; else null
 * @param note free text for people
 * @param extra further figures by name (items/s, lost events, bytes), for machines
 */
public record Row(String id, String scenario, String side, Double opsPerSec, Double p50Ms, Double p99Ms, Double ratio,
    String note, Map<String, Double> extra) {
  public static final String REVISOR = "revisor";
  public static final String RAW = "raw";
  public static final String IN_PROCESS = "in-process";

  public Row {
    extra = Collections.unmodifiableMap(new TreeMap<>(extra));
  }

  /** A row of a measurement; NaN latencies (nothing succeeded) become null. */
  public static Row of(String id, String scenario, String side, Measurement m, Double ratio, String note) {
    return new Row(id, scenario, side, m.opsPerSecond(), finite(m.p50Ms()), finite(m.p99Ms()), finite(ratio), note,
        Map.of());
  }

  /** This row with one more extra figure. */
  public Row with(String name, double value) {
    Map<String, Double> more = new TreeMap<>(extra);
    more.put(name, value);
    return new Row(id, scenario, side, opsPerSec, p50Ms, p99Ms, ratio, note, more);
  }

  /** An extra figure, or NaN. */
  public double extra(String name) {
    Double v = extra.get(name);
    return v == null ? Double.NaN : v;
  }

  static Double finite(Double d) {
    return d == null || d.isNaN() || d.isInfinite() ? null : d;
  }
}
