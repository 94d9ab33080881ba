package io.revisor.bench.scenario;

import io.revisor.bench.env.Prometheus;
import io.revisor.bench.load.Measurement;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * A measurement with what it cost: the KV requests etcd answered during the run, by method (Range, Txn, ...), and
 * the CPU time of the server, etcd and this benchmark JVM, each per successful operation. On two shared cores, CPU per
 * operation says where the time goes. Background work during the run (the server's metrics refresh, compaction)
 * counts too; request counts below 0.01 per operation are left out as such noise.
 */
record Run(Measurement measurement, Map<String, Double> etcdPerOp, Map<String, Double> cpuMsPerOp) {
  private static final double NOISE = 0.01;

  /** Both maps keep their order: requests by method name, CPU as server, etcd, bench. */
  Run {
    etcdPerOp = Collections.unmodifiableMap(new TreeMap<>(etcdPerOp));
    cpuMsPerOp = Collections.unmodifiableMap(new LinkedHashMap<>(cpuMsPerOp));
  }

  /** Counters at one moment. */
  record Counters(Map<String, Long> etcdRequests, double serverCpuSeconds, double etcdCpuSeconds,
      double benchCpuSeconds) {
    static Counters take(Context ctx) {
      String etcd = ctx.etcd().metrics();
      String server = ctx.serverMetrics(Duration.ofSeconds(30));
      var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
      return new Counters(Prometheus.etcdKvRequests(etcd), Prometheus.sum(server, "process_cpu_time_ns_total") / 1e9,
          Prometheus.sum(etcd, "process_cpu_seconds_total"), os.getProcessCpuTime() / 1e9);
    }
  }

  /** The costs per operation of {@code m} between two counts. */
  static Run of(Measurement m, Counters before, Counters after) {
    Map<String, Double> perOp = new TreeMap<>();
    Map<String, Double> cpu = new LinkedHashMap<>();
    if (m.ops() > 0) {
      after.etcdRequests().forEach((method, count) -> {
        double delta = (double) (count - before.etcdRequests().getOrDefault(method, 0L)) / m.ops();
        if (delta >= NOISE) {
          perOp.put(method, delta);
        }
      });
      cpu.put("server", 1000 * (after.serverCpuSeconds() - before.serverCpuSeconds()) / m.ops());
      cpu.put("etcd", 1000 * (after.etcdCpuSeconds() - before.etcdCpuSeconds()) / m.ops());
      cpu.put("bench", 1000 * (after.benchCpuSeconds() - before.benchCpuSeconds()) / m.ops());
    }
    return new Run(m, perOp, cpu);
  }

  /** {@code etcd/op: Range 2.00, Txn 1.00; CPU ms/op: server 0.81, etcd 0.20, bench 0.12}. */
  String describe() {
    String requests = etcdPerOp.isEmpty() ? "" : "etcd/op: " + etcdPerOp.entrySet().stream()
        .map(e -> String.format(Locale.ROOT, "%s %.2f", e.getKey(), e.getValue()))
        .collect(Collectors.joining(", "));
    String cpu = cpuMsPerOp.isEmpty() ? "" : "CPU ms/op: " + cpuMsPerOp.entrySet().stream()
        .map(e -> String.format(Locale.ROOT, Math.abs(e.getValue()) < 0.1 ? "%s %.3f" : "%s %.2f", e.getKey(),
            e.getValue()))
        .collect(Collectors.joining(", "));
    return requests + (requests.isEmpty() || cpu.isEmpty() ? "" : "; ") + cpu;
  }
}
