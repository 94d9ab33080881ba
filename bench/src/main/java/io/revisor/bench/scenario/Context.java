package io.revisor.bench.scenario;

import io.revisor.bench.Plan;
import io.revisor.bench.client.RawEtcd;
import io.revisor.bench.client.RevisorClient;
import io.revisor.bench.env.RevisorServer;
import io.revisor.bench.load.ClosedLoop;
import io.revisor.bench.load.Measurement;
import io.revisor.bench.report.Report;
import io.revisor.bench.report.Row;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * What every scenario works with: the plan, the report, the server and both clients.
 *
 * @param client the request client (a few HTTP/2 connections; lanes spread workers over them)
 * @param raw the raw etcd client, on the same etcd the server uses
 * @param log progress lines for people
 */
public record Context(Plan plan, Report report, Vertx vertx, RevisorServer server, RevisorClient client, RawEtcd raw,
    PrintStream log) {

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

  /**
   * Adds the rows of one comparison (the Revisor row carries the ratio) and records failed operations as failures.
   */
  void compare(String revisorId, String rawId, String scenario, Measurement revisor, Measurement raw) {
    checkErrors(scenario + " (revisor)", revisor);
    checkErrors(scenario + " (raw)", raw);
    report.add(Row.of(revisorId, scenario, Row.REVISOR, revisor, revisor.opsPerSecond() / raw.opsPerSecond(),
        summary(revisor)));
    report.add(Row.of(rawId, scenario, Row.RAW, raw, null, summary(raw)));
    log.printf(Locale.ROOT, "  %-28s revisor %10.1f ops/s p50 %7.2f ms p99 %7.2f ms | raw %10.1f ops/s p50 %7.2f ms "
        + "p99 %7.2f ms%n", scenario, revisor.opsPerSecond(), revisor.p50Ms(), revisor.p99Ms(), raw.opsPerSecond(),
        raw.p50Ms(), raw.p99Ms());
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

  /** {@code 12,345 ops in 20.0 s}, plus failures when there were any (which also fail the run). */
  String summary(Measurement m) {
    return String.format(Locale.ROOT, "%,d ops in %.1f s", m.ops(), m.seconds()) + errors(m);
  }

  private String errors(Measurement m) {
    return m.errors() == 0 ? "" : String.format(Locale.ROOT, "; %,d FAILED (%s)", m.errors(), m.firstError());
  }

  /** Records failed operations of a measurement as a failure of the run. */
  void checkErrors(String what, Measurement m) {
    if (m.errors() > 0) {
      report.fail(what + ": " + m.errors() + " operations failed, first: " + m.firstError());
    }
  }
}
