package io.revisor.bench.scenario;

import io.revisor.bench.Plan;
import io.revisor.bench.client.RawEtcd;
import io.revisor.bench.client.RevisorClient;
import io.revisor.bench.env.EtcdServer;
import io.revisor.bench.env.RevisorServer;
import io.revisor.bench.load.ClosedLoop;
import io.revisor.bench.load.Measurement;
import io.revisor.bench.report.Report;
import io.revisor.bench.report.Row;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * What every scenario works with: the plan, the report, both servers and both clients.
 *
 * @param client the request client (a few HTTP/2 connections; lanes spread workers over them)
 * @param raw the raw etcd client, on the same etcd the server uses
 * @param log progress lines for people
 */
public record Context(Plan plan, Report report, Vertx vertx, EtcdServer etcd, RevisorServer server,
    RevisorClient client, RawEtcd raw, PrintStream log) {

  /** Waits for {@code stage}; a failure or timeout becomes an {@link IllegalStateException} naming {@code what}. */
  public static <T> T await(CompletionStage<T> stage, Duration timeout, String what) {
    try {
      return stage.toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new IllegalStateException(what + " failed: " + ClosedLoop.describe(e.getCause()), e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException(what + " did not complete within " + timeout.toSeconds() + " s", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted: " + what, e);
    }
  }

  /** Runs a measurement and counts what it cost (etcd requests, CPU of each process). */
  Run run(Supplier<Measurement> measurement) {
    Run.Counters before = Run.Counters.before(this);
    Measurement m = measurement.get();
    Run.Counters after = Run.Counters.after(this);
    Run run = Run.of(m, before, after);
    if (run.cpuUnknown()) {
      log.println("  a CPU counter was missing, repeated or went back: before " + before.cpuSamples() + "; after "
          + after.cpuSamples());
    }
    return run;
  }

  /**
   * Adds the rows of one comparison (the Revisor row carries the ratio) and records failed operations as failures.
   */
  void compare(String revisorId, String rawId, String scenario, Run revisor, Run raw) {
    Measurement r = revisor.measurement();
    Measurement e = raw.measurement();
    report.add(row(revisorId, scenario, Row.REVISOR, revisor, r.opsPerSecond() / e.opsPerSecond(), ""));
    report.add(row(rawId, scenario, Row.RAW, raw, null, ""));
    log.printf(Locale.ROOT, "  %-28s revisor %10.1f ops/s p50 %7.2f ms p99 %7.2f ms | raw %10.1f ops/s p50 %7.2f ms "
        + "p99 %7.2f ms | %s%n", scenario, r.opsPerSecond(), r.p50Ms(), r.p99Ms(), e.opsPerSecond(), e.p50Ms(),
        e.p99Ms(), revisor.describe());
  }

  /**
   * A row of one run: its summary and costs in the note (after {@code prefix}), the etcd requests and CPU per operation
   * as extra figures ({@code etcdRangePerOp}, {@code serverCpuMsPerOp}, ...). Failed operations also fail the run.
   */
  Row row(String id, String scenario, String side, Run run, Double ratio, String prefix) {
    Measurement m = run.measurement();
    if (m.errors() > 0) {
      report.fail(scenario + " (" + side + "): " + m.errors() + " operations failed, first: " + m.firstError());
    }
    String note = prefix + String.format(Locale.ROOT, "%,d ops in %.1f s", m.ops(), m.seconds())
        + (m.errors() == 0 ? "" : String.format(Locale.ROOT, ", %,d FAILED", m.errors()))
        + (run.describe().isEmpty() ? "" : "; " + run.describe());
    Row row = Row.of(id, scenario, side, m, ratio, note);
    for (Map.Entry<String, Double> e : run.etcdPerOp().entrySet()) {
      row = row.with("etcd" + e.getKey() + "PerOp", e.getValue());
    }
    for (Map.Entry<String, Double> e : run.cpuMsPerOp().entrySet()) {
      if (!e.getValue().isNaN()) {
        row = row.with(e.getKey() + "CpuMsPerOp", e.getValue());
      }
    }
    return row;
  }

  /** The server's {@code /metrics} page (Prometheus text); a failure or timeout is an {@link IllegalStateException}. */
  String serverMetrics(Duration timeout) {
    return await(request(0, HttpMethod.GET, "/metrics", null, 200), timeout, "the server's /metrics").body()
        .toString(StandardCharsets.UTF_8);
  }

  /**
   * A Revisor request that must answer {@code status}; another answer fails the stage with a
   * {@link RevisorClient.StatusException}.
   *
   * @param body a JSON body, or null
   */
  CompletionStage<RevisorClient.Response> request(int lane, HttpMethod method, String path, byte[] body, int status) {
    return client.send(lane, method, path, body).thenApply(response -> {
      if (response.status() != status) {
        throw new RevisorClient.StatusException(method + " " + path, response);
      }
      return response;
    });
  }
}
