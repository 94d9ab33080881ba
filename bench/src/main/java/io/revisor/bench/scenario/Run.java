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
  private static final String SERVER_CPU = "process_cpu_time_ns_total";
  private static final String ETCD_CPU = "process_cpu_seconds_total";

  /** Both maps keep their order: requests by method name, CPU as server, etcd, bench. */
  Run {
    etcdPerOp = Collections.unmodifiableMap(new TreeMap<>(etcdPerOp));
    cpuMsPerOp = Collections.unmodifiableMap(new LinkedHashMap<>(cpuMsPerOp));
  }

  /** Counters at one moment. */
  record Counters(Map<String, Long> etcdRequests, double serverCpuSeconds, double etcdCpuSeconds,
      double benchCpuSeconds, String cpuSamples) {
    /** The counters before a run: this JVM's CPU is read last, after it scraped the others' metrics. */
    static Counters before(Context ctx) {
      String etcd = ctx.etcd().metrics();
      String server = ctx.serverMetrics(Duration.ofSeconds(30));
      return of(etcd, server, processCpuSeconds());
    }

    /**
     * The counters after a run: this JVM's CPU is read first, so that scraping the others' metrics (an HTTPS request
     * and two parses) is not counted as the run's work, which matters for in-process runs of a few milliseconds.
     */
    static Counters after(Context ctx) {
      double bench = processCpuSeconds();
      String etcd = ctx.etcd().metrics();
      String server = ctx.serverMetrics(Duration.ofSeconds(30));
      return of(etcd, server, bench);
    }

    private static Counters of(String etcd, String server, double benchCpuSeconds) {
      return new Counters(Prometheus.etcdKvRequests(etcd), Prometheus.single(server, SERVER_CPU) / 1e9,
          Prometheus.single(etcd, ETCD_CPU), benchCpuSeconds,
          "server [" + Prometheus.sampleLines(server, SERVER_CPU) + "], etcd [" + Prometheus.sampleLines(etcd, ETCD_CPU)
              + "]");
    }

    private static double processCpuSeconds() {
      var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
      return os.getProcessCpuTime() / 1e9;
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
      cpu.put("server", msPerOp(after.serverCpuSeconds() - before.serverCpuSeconds(), m.ops()));
      cpu.put("etcd", msPerOp(after.etcdCpuSeconds() - before.etcdCpuSeconds(), m.ops()));
      cpu.put("bench", msPerOp(after.benchCpuSeconds() - before.benchCpuSeconds(), m.ops()));
    }
    return new Run(m, perOp, cpu);
  }

  /** CPU milliseconds per operation; NaN when a counter was unreadable or went back (a process's CPU never does). */
  private static double msPerOp(double seconds, long ops) {
    return Double.isFinite(seconds) && seconds >= 0 ? 1000 * seconds / ops : Double.NaN;
  }

  /** Whether a CPU figure could not be read (see {@link #msPerOp}). */
  boolean cpuUnknown() {
    return cpuMsPerOp.values().stream().anyMatch(v -> v.isNaN());
  }

  /** {@code etcd/op: Range 2.00, Txn 1.00; CPU ms/op: server 0.81, etcd 0.20, bench 0.12}; n/a for an unreadable one. */
  String describe() {
    String requests = etcdPerOp.isEmpty() ? "" : "etcd/op: " + etcdPerOp.entrySet().stream()
        .map(e -> String.format(Locale.ROOT, "%s %.2f", e.getKey(), e.getValue()))
        .collect(Collectors.joining(", "));
    String cpu = cpuMsPerOp.isEmpty() ? "" : "CPU ms/op: " + cpuMsPerOp.entrySet().stream()
        .map(e -> e.getValue().isNaN() ? e.getKey() + " n/a"
            : String.format(Locale.ROOT, Math.abs(e.getValue()) < 0.1 ? "%s %.3f" : "%s %.2f", e.getKey(),
                e.getValue()))
        .collect(Collectors.joining(", "));
    return requests + (requests.isEmpty() || cpu.isEmpty() ? "" : "; ") + cpu;
  }
}
