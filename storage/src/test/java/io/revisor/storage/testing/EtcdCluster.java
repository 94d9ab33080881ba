package io.revisor.storage.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * One etcd member or a static n-member etcd cluster, run as child processes of the test JVM on loopback ports,
 * with data in a temporary directory deleted on {@link #close()}.
 *
 * <p>The binary is {@code $REVISOR_ETCD_BINARY}, else {@code etcd} on the {@code PATH}, else {@code /usr/bin/etcd};
 * when none exists, {@link #start(int)} throws with an installation hint (tests fail, they never skip). Each
 * member's output goes to {@code etcd.log} next to its data directory; its tail is part of every start failure.
 *
 * <p>Members are stopped through the {@link Process} handles this class started, never by name. Not thread-safe:
 * one test thread drives it.
 */
public final class EtcdCluster implements AutoCloseable {
  /** How often the members send heartbeats; short so that elections in tests take well under a second. */
  private static final int HEARTBEAT_MS = 50;

  private static final int ELECTION_TIMEOUT_MS = 500;
  private static final Duration START_DEADLINE = Duration.ofSeconds(30);
  private static final Duration STOP_GRACE = Duration.ofSeconds(10);
  private static final int START_ATTEMPTS = 3;
  private static final int LOG_TAIL_LINES = 40;

  private final Path binary;
  private final Path baseDir;
  private final String token;
  private final List<Member> members;
  private final ClientTls tls;
  private final HttpClient http;
  /** Stops the members if the test JVM exits without closing the cluster, so no etcd outlives it. */
  private final Thread shutdownHook;

  private EtcdCluster(Path binary, Path baseDir, List<Member> members, ClientTls tls) {
    this.binary = binary;
    this.tls = tls;
    this.baseDir = baseDir;
    this.token = "revisor-test-" + UUID.randomUUID();
    this.members = members;
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    this.shutdownHook = new Thread(() -> members.forEach(m -> {
      Process p = m.process;
      if (p != null) {
        p.destroyForcibly();
      }
    }), "etcd-cluster-shutdown");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  /**
   * Starts {@code size} members forming one new cluster and waits until every member reports healthy.
   *
   * @throws IllegalStateException when the binary is missing or the cluster does not become healthy in time
   */
  public static EtcdCluster start(int size) {
    return start(size, null);
  }

  /**
   * Server-side TLS for client connections: members serve {@code https} client URLs with this certificate and
   * require client certificates signed by {@code caFile}. PEM files.
   */
  public record ClientTls(Path caFile, Path certFile, Path keyFile) {}

  /** Like {@link #start(int)}, with client connections over TLS and client-certificate authentication. */
  public static EtcdCluster start(int size, ClientTls tls) {
    if (size < 1) {
      throw new IllegalArgumentException("a cluster has at least one member");
    }
    Path binary = findBinary();
    IllegalStateException last = null;
    // Ports are picked by binding and releasing them, so another process may grab one before etcd binds it:
    // retrying with fresh ports makes that race harmless.
    for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
      Path baseDir = createBaseDir();
      List<Member> members = new ArrayList<>();
      List<Integer> ports = freePorts(3 * size);
      for (int i = 0; i < size; i++) {
        members.add(new Member("m" + i, ports.get(3 * i), ports.get(3 * i + 1), ports.get(3 * i + 2),
            baseDir.resolve("m" + i), tls != null));
      }
      EtcdCluster cluster = new EtcdCluster(binary, baseDir, members, tls);
      try {
        for (int i = 0; i < size; i++) {
          cluster.launch(i);
        }
        for (int i = 0; i < size; i++) {
          cluster.awaitHealthy(i);
        }
        return cluster;
      } catch (IllegalStateException e) {
        last = e;
        cluster.close();
      }
    }
    throw last;
  }

  /** The client URLs of all members, {@code http://127.0.0.1:port}, in member order. */
  public List<String> clientEndpoints() {
    return members.stream().map(Member::clientUrl).collect(Collectors.toUnmodifiableList());
  }

  /** The client URL of member {@code i}. */
  public String clientEndpoint(int i) {
    return members.get(i).clientUrl();
  }

  public int size() {
    return members.size();
  }

  /** Whether member {@code i}'s process is running. */
  public boolean isRunning(int i) {
    Process p = members.get(i).process;
    return p != null && p.isAlive();
  }

  /** Stops member {@code i} (SIGTERM, then SIGKILL after a grace period) and waits for its exit. Idempotent. */
  public void stopMember(int i) {
    Member m = members.get(i);
    Process p = m.process;
    m.process = null;
    if (p == null || !p.isAlive()) {
      return;
    }
    p.destroy();
    try {
      if (!p.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        p.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Starts member {@code i} again with its data directory and ports, and waits until it is healthy (which, in a
   * cluster, needs a quorum of members running).
   */
  public void startMember(int i) {
    if (isRunning(i)) {
      return;
    }
    launch(i);
    awaitHealthy(i);
  }

  /** Stops every member, then starts them all again on the same data and ports. */
  public void restart() {
    for (int i = 0; i < members.size(); i++) {
      stopMember(i);
    }
    for (int i = 0; i < members.size(); i++) {
      launch(i);
    }
    for (int i = 0; i < members.size(); i++) {
      awaitHealthy(i);
    }
  }

  /** Stops every member and deletes the data directories. */
  @Override
  public void close() {
    for (int i = 0; i < members.size(); i++) {
      stopMember(i);
    }
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException e) {
      // the JVM is already exiting; the hook stops nothing that is still running
    }
    deleteRecursively(baseDir);
  }

  @Override
  public String toString() {
    return "EtcdCluster" + clientEndpoints();
  }

  private void launch(int i) {
    Member m = members.get(i);
    String initialCluster = members.stream()
        .map(x -> x.name + "=" + x.peerUrl())
        .collect(Collectors.joining(","));
    List<String> command = new ArrayList<>(List.of(
        binary.toString(),
        "--name=" + m.name,
        "--data-dir=" + m.dataDir(),
        "--listen-client-urls=" + m.clientUrl(),
        "--advertise-client-urls=" + m.clientUrl(),
        "--listen-peer-urls=" + m.peerUrl(),
        "--initial-advertise-peer-urls=" + m.peerUrl(),
        "--initial-cluster=" + initialCluster,
        "--initial-cluster-state=new",
        "--initial-cluster-token=" + token,
        "--heartbeat-interval=" + HEARTBEAT_MS,
        "--election-timeout=" + ELECTION_TIMEOUT_MS,
        // Idle watches that asked for progress notifications get one every second instead of every ten minutes.
        "--experimental-watch-progress-notify-interval=1s",
        "--logger=zap",
        "--log-outputs=stderr",
        "--log-level=warn",
        // Health is polled here, over plain HTTP, whether or not client URLs use TLS.
        "--listen-metrics-urls=" + m.metricsUrl()));
    if (tls != null) {
      command.addAll(List.of(
          "--cert-file=" + tls.certFile(),
          "--key-file=" + tls.keyFile(),
          "--trusted-ca-file=" + tls.caFile(),
          "--client-cert-auth=true"));
    }
    try {
      Files.createDirectories(m.dir);
      ProcessBuilder pb = new ProcessBuilder(command)
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(m.logFile().toFile()));
      m.process = pb.start();
    } catch (IOException e) {
      throw new IllegalStateException("cannot start etcd member " + m.name + " from " + binary + ": " + e, e);
    }
  }

  private void awaitHealthy(int i) {
    Member m = members.get(i);
    Instant deadline = Instant.now().plus(START_DEADLINE);
    HttpRequest request = HttpRequest.newBuilder(URI.create(m.metricsUrl() + "/health"))
        .timeout(Duration.ofSeconds(1))
        .build();
    String lastAnswer = "no answer";
    while (Instant.now().isBefore(deadline)) {
      Process p = m.process;
      if (p == null || !p.isAlive()) {
        throw new IllegalStateException("etcd member " + m.name + " exited"
            + (p == null ? "" : " with status " + p.exitValue()) + "; log tail:\n" + m.logTail());
      }
      try {
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        lastAnswer = response.statusCode() + " " + response.body();
        if (response.statusCode() == 200 && response.body().contains("\"health\":\"true\"")) {
          return;
        }
      } catch (IOException e) {
        lastAnswer = e.toString();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for etcd member " + m.name, e);
      }
      // A poll interval, not a synchronisation: the member's health is only observable by asking again.
      LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
    }
    throw new IllegalStateException("etcd member " + m.name + " not healthy within " + START_DEADLINE
        + " (last answer: " + lastAnswer + "); log tail:\n" + m.logTail());
  }

  static Path findBinary() {
    return findBinary(System.getenv("REVISOR_ETCD_BINARY"), System.getenv("PATH"), Paths.get("/usr/bin/etcd"));
  }

  /** Resolves the etcd binary from the given environment values (package-private for tests). */
  static Path findBinary(String configured, String pathVariable, Path fallback) {
    if (configured != null && !configured.isBlank()) {
      Path p = Paths.get(configured);
      if (!p.isAbsolute()) {
        p = onPath(configured, pathVariable);
      }
      if (p == null || !Files.isExecutable(p)) {
        throw new IllegalStateException("REVISOR_ETCD_BINARY=" + configured + " is not an executable file");
      }
      return p;
    }
    Path onPath = onPath("etcd", pathVariable);
    if (onPath != null) {
      return onPath;
    }
    if (Files.isExecutable(fallback)) {
      return fallback;
    }
    throw new IllegalStateException("the etcd binary was not found (REVISOR_ETCD_BINARY unset, no etcd on PATH, no "
        + "/usr/bin/etcd). Install it: apt-get install -y etcd-server (or run hack/test.sh, which does).");
  }

  private static Path onPath(String name, String path) {
    if (path == null) {
      return null;
    }
    for (String dir : path.split(java.io.File.pathSeparator)) {
      if (dir.isEmpty()) {
        continue;
      }
      Path candidate = Paths.get(dir, name);
      if (Files.isExecutable(candidate) && !Files.isDirectory(candidate)) {
        return candidate;
      }
    }
    return null;
  }

  private static List<Integer> freePorts(int count) {
    List<ServerSocket> sockets = new ArrayList<>();
    try {
      InetAddress loopback = InetAddress.getByName("127.0.0.1");
      for (int i = 0; i < count; i++) {
        ServerSocket s = new ServerSocket(0, 1, loopback);
        s.setReuseAddress(true);
        sockets.add(s);
      }
      // Held together until all are chosen, so the same port is never handed out twice.
      return sockets.stream().map(ServerSocket::getLocalPort).collect(Collectors.toList());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot find free loopback ports", e);
    } finally {
      for (ServerSocket s : sockets) {
        try {
          s.close();
        } catch (IOException ignored) {
          // nothing to release
        }
      }
    }
  }

  private static Path createBaseDir() {
    try {
      return Files.createTempDirectory("revisor-etcd-");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a temporary directory for etcd", e);
    }
  }

  private static void deleteRecursively(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).collect(Collectors.toList())) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + dir, e);
    }
  }

  private static final class Member {
    final String name;
    final int clientPort;
    final int peerPort;
    final int metricsPort;
    final Path dir;
    final boolean tls;
    volatile Process process;

    Member(String name, int clientPort, int peerPort, int metricsPort, Path dir, boolean tls) {
      this.name = name;
      this.clientPort = clientPort;
      this.peerPort = peerPort;
      this.metricsPort = metricsPort;
      this.dir = dir;
      this.tls = tls;
    }

    String clientUrl() {
      return (tls ? "https" : "http") + "://127.0.0.1:" + clientPort;
    }

    String metricsUrl() {
      return "http://127.0.0.1:" + metricsPort;
    }

    String peerUrl() {
      return "http://127.0.0.1:" + peerPort;
    }

    Path dataDir() {
      return dir.resolve("data");
    }

    Path logFile() {
      return dir.resolve("etcd.log");
    }

    String logTail() {
      try {
        List<String> lines = Files.readAllLines(logFile(), StandardCharsets.UTF_8);
        return IntStream.range(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size())
            .mapToObj(lines::get)
            .collect(Collectors.joining("\n"));
      } catch (IOException e) {
        return "(no log: " + e + ")";
      }
    }
  }
}
