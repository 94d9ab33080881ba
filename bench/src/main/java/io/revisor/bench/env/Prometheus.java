package io.revisor.bench.env;

import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Figures read from Prometheus text pages (etcd's and Revisor's {@code /metrics}). */
public final class Prometheus {
  /** A line of etcd's gRPC counters: {@code grpc_server_handled_total{...,grpc_method="Range",...} 12}. */
  private static final Pattern KV_HANDLED = Pattern.compile(
      "^grpc_server_handled_total\\{[^}]*grpc_method=\"(\\w+)\"[^}]*grpc_service=\"etcdserverpb\\.KV\"[^}]*}"
          + " ([0-9.e+E]+)$");

  private Prometheus() {}

  /**
   * The value of {@code metric} when the page has exactly one sample of it (a counter without labels, such as a
   * process's CPU time); NaN when it has none or several, which a difference must not read as 0 or as their sum.
   */
  public static double single(String page, String metric) {
    double[] values = samples(page, metric).mapToDouble(Prometheus::value).toArray();
    return values.length == 1 ? values[0] : Double.NaN;
  }

  /** Every sample line of {@code metric}, for messages. */
  public static String sampleLines(String page, String metric) {
    return String.join(" | ", samples(page, metric).toList());
  }

  private static java.util.stream.Stream<String> samples(String page, String metric) {
    return page.lines().filter(l -> l.startsWith(metric + " ") || l.startsWith(metric + "{"));
  }

  private static double value(String line) {
    return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
  }

  /** The sum of every sample of {@code metric} (all label sets); 0 when there is none. */
  public static double sum(String page, String metric) {
    return samples(page, metric).mapToDouble(Prometheus::value).sum();
  }

  /**
   * How many KV requests etcd has answered, by method ({@code Range}, {@code Txn}, {@code Put},
   * {@code DeleteRange}, {@code Compact}), whatever their outcome: from its {@code grpc_server_handled_total}.
   */
  public static Map<String, Long> etcdKvRequests(String page) {
    Map<String, Long> counts = new TreeMap<>();
    page.lines().map(KV_HANDLED::matcher).filter(Matcher::matches)
        .forEach(m -> counts.merge(m.group(1), (long) Double.parseDouble(m.group(2)), Long::sum));
    return counts;
  }
}
