package io.revisor.bench.env;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class PrometheusTest {
  @Test
  void countsKvRequestsByMethodOverOutcomes() {
    String page = String.join("\n",
        "# HELP grpc_server_handled_total Total number of RPCs completed on the server, regardless of success.",
        "grpc_server_handled_total{grpc_code=\"OK\",grpc_method=\"Range\",grpc_service=\"etcdserverpb.KV\","
            + "grpc_type=\"unary\"} 120",
        "grpc_server_handled_total{grpc_code=\"Unavailable\",grpc_method=\"Range\",grpc_service=\"etcdserverpb.KV\","
            + "grpc_type=\"unary\"} 3",
        "grpc_server_handled_total{grpc_code=\"OK\",grpc_method=\"Txn\",grpc_service=\"etcdserverpb.KV\","
            + "grpc_type=\"unary\"} 1.5e+06",
        "grpc_server_handled_total{grpc_code=\"OK\",grpc_method=\"Watch\",grpc_service=\"etcdserverpb.Watch\","
            + "grpc_type=\"bidi_stream\"} 9",
        "grpc_server_started_total{grpc_method=\"Range\",grpc_service=\"etcdserverpb.KV\",grpc_type=\"unary\"} 999");
    assertThat(Prometheus.etcdKvRequests(page)).isEqualTo(Map.of("Range", 123L, "Txn", 1_500_000L));
  }

  @Test
  void sumsEverySampleOfAMetric() {
    String page = String.join("\n",
        "# TYPE process_cpu_time_ns_total counter",
        "process_cpu_time_ns_total 4.35E9",
        "process_cpu_time_ns_total_other 1",
        "jvm_gc_pause_seconds_count{action=\"end of minor GC\",cause=\"G1 Evacuation Pause\"} 3.0",
        "jvm_gc_pause_seconds_count{action=\"end of major GC\",cause=\"System.gc()\"} 2.0");
    assertThat(Prometheus.sum(page, "process_cpu_time_ns_total")).isEqualTo(4.35e9);
    assertThat(Prometheus.sum(page, "jvm_gc_pause_seconds_count")).isEqualTo(5.0);
    assertThat(Prometheus.sum(page, "absent")).isZero();
  }

  @Test
  void aSingleSampleOrNothing() {
    String page = String.join("\n",
        "process_cpu_time_ns_total 4.35E9",
        "process_cpu_time_ns_total_other 1",
        "twice 1",
        "twice 2");
    assertThat(Prometheus.single(page, "process_cpu_time_ns_total")).isEqualTo(4.35e9);
    assertThat(Prometheus.single(page, "twice")).isNaN();
    assertThat(Prometheus.single(page, "absent")).isNaN();
    assertThat(Prometheus.sampleLines(page, "twice")).isEqualTo("twice 1 | twice 2");
  }
}
