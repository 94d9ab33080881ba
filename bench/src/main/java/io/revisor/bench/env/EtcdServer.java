package io.revisor.bench.env;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One etcd member for the benchmark, started from the {@code etcd} binary ({@code $REVISOR_ETCD_BINARY}, else
 * {@code etcd} on the {@code PATH}) on free loopback ports, with its data under a work directory.
 */
public final class EtcdServer implements AutoCloseable {
  private static final int ATTEMPTS = 3;
  /** Well above what a full run writes (the default 2 GiB quota could fill with history before compaction). */
  private static final long QUOTA_BYTES = 8L << 30;

  private final ChildProcess process;
  private final String clientUrl;
  private final URI metrics;
  private final Path binary;
  private final HttpClient http;

  private EtcdServer(ChildProcess process, String clientUrl, URI metrics, Path binary, HttpClient http) {
    this.process = process;
    this.clientUrl = clientUrl;
    this.metrics = metrics;
    this.binary = binary;
    this.http = http;
  }

  /**
   * Starts a member with its data and log under {@code workDir} and waits until it reports healthy. Every start
   * attempt appends to the one log {@code workDir/etcd.log}; each has its own data directory.
   *
   * @throws IllegalStateException when the binary is missing or the member does not become healthy
   */
  public static EtcdServer start(Path workDir) {
    Path binary = binary(System.getenv("REVISOR_ETCD_BINARY"), System.getenv("PATH"));
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    IllegalStateException failure = null;
    // A port picked here may be taken by someone else before etcd binds it: then try again with new ones.
    for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
      int[] ports = Ports.free(3);
      String client = "http://127.0.0.1:" + ports[0];
      String peer = "http://127.0.0.1:" + ports[1];
      String metrics = "http://127.0.0.1:" + ports[2];
      Path dir = workDir.resolve("etcd-" + attempt);
      ChildProcess p = ChildProcess.start("etcd", List.of(binary.toString(),
          "--name=bench", "--data-dir=" + dir.resolve("data"),
          "--listen-client-urls=" + client, "--advertise-client-urls=" + client,
          "--listen-peer-urls=" + peer, "--initial-advertise-peer-urls=" + peer,
          "--initial-cluster=bench=" + peer, "--listen-metrics-urls=" + metrics,
          "--quota-backend-bytes=" + QUOTA_BYTES, "--logger=zap", "--log-outputs=stderr", "--log-level=warn"),
          workDir.resolve("etcd.log"));
      try {
        p.awaitReady(Duration.ofSeconds(30),
            () -> Probe.get(http, URI.create(metrics + "/health"), null, "\"health\":\"true\""));
        return new EtcdServer(p, client, URI.create(metrics + "/metrics"), binary, http);
      } catch (IllegalStateException e) {
        p.close();
        failure = e;
      }
    }
    throw failure;
  }

  /**
   * Resolves the binary from {@code $REVISOR_ETCD_BINARY} and {@code $PATH} (package-private for tests): a configured
   * path (one with a slash) is taken as it is, a configured bare name is looked up on the {@code PATH} like the
   * default {@code etcd} (as {@code command -v} does).
   */
  static Path binary(String configured, String path) {
    if (configured != null && !configured.isBlank()) {
      if (configured.indexOf('/') < 0 && configured.indexOf(File.separatorChar) < 0) {
        Path found = onPath(configured, path);
        if (found != null) {
          return found;
        }
        throw new IllegalStateException("REVISOR_ETCD_BINARY=" + configured + " is not an executable file on the PATH");
      }
      Path p = Path.of(configured);
      if (executable(p)) {
        return p;
      }
      throw new IllegalStateException("REVISOR_ETCD_BINARY=" + configured + " is not an executable file");
    }
    Path found = onPath("etcd", path);
    if (found != null) {
      return found;
    }
    throw new IllegalStateException("no etcd binary: put etcd on the PATH or set REVISOR_ETCD_BINARY "
        + "(Debian: apt-get install -y etcd-server)");
  }

  /** The first executable file {@code name} in the directories of {@code path}, or null. */
  private static Path onPath(String name, String path) {
    for (String dir : (path == null ? "" : path).split(File.pathSeparator)) {
      Path candidate = dir.isEmpty() ? null : Path.of(dir, name);
      if (candidate != null && executable(candidate)) {
        return candidate;
      }
    }
    return null;
  }

  private static boolean executable(Path p) {
    return Files.isExecutable(p) && !Files.isDirectory(p);
  }

  /** {@code http://127.0.0.1:<port>}. */
  public String clientUrl() {
    return clientUrl;
  }

  /** The first line of {@code etcd --version}, e.g. {@code etcd Version: 3.4.23}. */
  public String version() {
    try {
      Process p = new ProcessBuilder(binary.toString(), "--version").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      p.waitFor(10, TimeUnit.SECONDS);
      return out.lines().findFirst().orElse("unknown").strip();
    } catch (IOException e) {
      return "unknown (" + e.getMessage() + ")";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "unknown";
    }
  }

  /**
   * etcd's metrics page (Prometheus text): request counters, process CPU.
   *
   * @throws IllegalStateException when it cannot be read
   */
  public String metrics() {
    try {
      return http.send(HttpRequest.newBuilder(metrics).timeout(Duration.ofSeconds(10)).build(),
          HttpResponse.BodyHandlers.ofString()).body();
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + metrics + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  @Override
  public void close() {
    process.close();
  }
}
