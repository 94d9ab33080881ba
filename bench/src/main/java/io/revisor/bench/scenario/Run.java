package io.revisor.bench.scenario;

import io.revisor.bench.load.Measurement;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * A measurement with what it cost etcd: the KV requests etcd answered during the run (by method: Range, Txn, ...)
 * per successful operation. Background work of the server during the run (metrics refresh, compaction) counts too;
 * it is a few requests per run.
 */
record Run(Measurement measurement, Map<String, Double> etcdPerOp) {
  Run {
    etcdPerOp = Map.copyOf(etcdPerOp);
  }

  /** The requests per operation between two counts taken before and after {@code m}. */
  static Run of(Measurement m, Map<String, Long> before, Map<String, Long> after) {
    Map<String, Double> perOp = new TreeMap<>();
    after.forEach((method, count) -> {
      long delta = count - before.getOrDefault(method, 0L);
      if (delta > 0 && m.ops() > 0) {
        perOp.put(method, (double) delta / m.ops());
      }
    });
    return new Run(m, perOp);
  }

  /** {@code etcd/op: Range 2.00, Txn 1.00}; empty when nothing was counted. */
  String describeEtcd() {
    return etcdPerOp.isEmpty() ? "" : "etcd/op: " + new TreeMap<>(etcdPerOp).entrySet().stream()
        .map(e -> String.format(Locale.ROOT, "%s %.2f", e.getKey(), e.getValue()))
        .collect(Collectors.joining(", "));
  }
}
