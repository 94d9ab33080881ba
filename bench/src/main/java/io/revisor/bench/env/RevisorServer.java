package io.revisor.bench.env;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The Revisor server as its own JVM ({@code java -jar revisor-apiserver.jar}) on etcd, serving the bundled demo
 * kinds on a free loopback port with a generated certificate and one {@code system:masters} token.
 */
public final class RevisorServer implements AutoCloseable {
  private static final int ATTEMPTS = 3;

  private final ChildProcess process;
  private final int port;
  private final Path caFile;
  private final SSLContext sslContext;
  private final String token;

  private RevisorServer(ChildProcess process, int port, Path caFile, SSLContext sslContext, String token) {
    this.process = process;
    this.port = port;
    this.caFile = caFile;
    this.sslContext = sslContext;
    this.token = token;
  }

  /**
   * Starts the server and waits for {@code /readyz}.
   *
   * @param jar the server's jar ({@code apiserver/target/revisor-apiserver.jar})
   * @param heap the {@code -Xmx} value
   * @param javaOptions more JVM options, before {@code -jar}
   * @param etcdUrl the etcd client URL
   * @param workDir where certificates, the token file and the log go
   * @throws IllegalStateException when the jar is missing or the server does not become ready in a minute
   */
  public static RevisorServer start(Path jar, String heap, List<String> javaOptions, String etcdUrl, Path workDir) {
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException("no server jar at " + jar.toAbsolutePath()
          + ": build it first (mvn -DskipTests package -pl apiserver -am, or run hack/bench.sh)");
    }
    Path dir = workDir.resolve("revisor");
    Path certs = dir.resolve("certs");
    String token = HexFormat.of().formatHex(new SecureRandom().generateSeed(24));
    Path tokens = dir.resolve("tokens.csv");
    try {
      Files.createDirectories(dir);
      Files.writeString(tokens, token + ",bench,bench,\"system:masters\"\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    IllegalStateException failure = null;
    for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
      int port = Ports.free(1)[0];
      List<String> command = new ArrayList<>(List.of(java.toString(), "-Xmx" + heap));
      command.addAll(javaOptions);
      command.addAll(List.of("-jar", jar.toString(),
          "--storage-backend=etcd", "--etcd-servers=" + etcdUrl,
          "--secure-port=" + port, "--bind-address=127.0.0.1",
          "--cert-dir=" + certs, "--data-dir=" + dir.resolve("data"), "--token-auth-file=" + tokens));
      ChildProcess p = ChildProcess.start("revisor", command, dir.resolve("revisor.log"));
      Path ca = certs.resolve("ca.crt");
      URI readyz = URI.create("https://127.0.0.1:" + port + "/readyz");
      HttpClient[] http = new HttpClient[1];
      try {
        p.awaitReady(Duration.ofSeconds(60), () -> {
          if (http[0] == null) {
            if (!Files.isRegularFile(ca)) {
              return "no " + ca + " yet";
            }
            http[0] = HttpClient.newBuilder().sslContext(trusting(ca)).connectTimeout(Duration.ofSeconds(1)).build();
          }
          return Probe.get(http[0], readyz, token, "ok");
        });
        return new RevisorServer(p, port, ca, http[0].sslContext(), token);
      } catch (IllegalStateException e) {
        p.close();
        failure = e;
      }
    }
    throw failure;
  }

  /** An SSL context that trusts only the certificates in {@code caFile} (PEM). */
  static SSLContext trusting(Path caFile) {
    try (InputStream in = Files.newInputStream(caFile)) {
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      int i = 0;
      for (var cert : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        store.setCertificateEntry("ca" + i++, cert);
      }
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(store);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, tmf.getTrustManagers(), null);
      return context;
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot read the CA " + caFile + ": " + e.getMessage(), e);
    }
  }

  public int port() {
    return port;
  }

  /** The CA that signed the serving certificate (PEM). */
  public Path caFile() {
    return caFile;
  }

  /** A TLS context that trusts only {@link #caFile()} (one context, built once). */
  public SSLContext sslContext() {
    return sslContext;
  }

  /** A bearer token of a {@code system:masters} user. */
  public String token() {
    return token;
  }

  public long pid() {
    return process.pid();
  }

  /**
   * The server JVM's live heap in bytes: the total of {@code jcmd <pid> GC.class_histogram}, which runs a full
   * collection first, so only reachable objects count.
   *
   * @throws IllegalStateException when jcmd fails or prints no total
   */
  public long liveHeapBytes() {
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    try {
      Process p = new ProcessBuilder(jcmd.toString(), Long.toString(pid()), "GC.class_histogram")
          .redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(2, TimeUnit.MINUTES) || p.exitValue() != 0) {
        throw new IllegalStateException("jcmd failed: " + out.lines().limit(5).toList());
      }
      return histogramTotal(out);
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + jcmd + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running jcmd", e);
    }
  }

  /** The bytes of a class histogram's {@code Total} line (package-private for tests). */
  static long histogramTotal(String histogram) {
    return histogram.lines().map(String::strip).filter(l -> l.startsWith("Total"))
        .map(l -> l.split("\\s+")).filter(parts -> parts.length >= 3)
        .mapToLong(parts -> Long.parseLong(parts[2])).findFirst()
        .orElseThrow(() -> new IllegalStateException("no Total line in the class histogram"));
  }

  /** The last lines of the server's log. */
  public String logTail(int lines) {
    return process.logTail(lines);
  }

  @Override
  public void close() {
    process.close();
  }
}
