package io.revisor.apiserver.testing;

import io.revisor.apiserver.Revisor;
import io.revisor.apiserver.config.ServerOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import picocli.CommandLine;

/**
 * A Revisor server for tests: on the embedded store in a temporary directory, or on the etcd at {@code
 * etcdEndpoints}, listening on a free loopback port, with a token file that has user {@code admin}
 * ({@link #ADMIN_TOKEN}) and user {@code alice} ({@link #USER_TOKEN}).
 */
public final class RevisorServer implements AutoCloseable {
  public static final String ADMIN_TOKEN = "admin-token-0123456789";
  public static final String USER_TOKEN = "alice-token-0123456789";

  private final Path directory;
  private final Revisor revisor;

  private RevisorServer(Path directory, Revisor revisor) {
    this.directory = directory;
    this.revisor = revisor;
  }

  /** Starts on the embedded store, with extra flags. */
  public static RevisorServer embedded(String... flags) {
    return start(List.of("--storage-backend=embedded"), flags);
  }

  /** Starts on etcd at {@code endpoints} with a unique key prefix, with extra flags. */
  public static RevisorServer etcd(List<String> endpoints, String... flags) {
    return start(List.of("--storage-backend=etcd", "--etcd-servers=" + String.join(",", endpoints),
        "--etcd-prefix=/test-" + Long.toHexString(System.nanoTime())), flags);
  }

  private static RevisorServer start(List<String> backend, String... flags) {
    try {
      Path directory = Files.createTempDirectory("revisor-server");
      Path tokens = directory.resolve("tokens.csv");
      Files.writeString(tokens, ADMIN_TOKEN + ",admin,admin-uid,\"system:masters\"\n"
          + USER_TOKEN + ",alice,alice-uid,\"developers\"\n");
      List<String> args = new ArrayList<>(List.of(
          "--bind-address=127.0.0.1", "--secure-port=0",
          "--cert-dir=" + directory.resolve("certs"),
          "--data-dir=" + directory.resolve("data"),
          "--token-auth-file=" + tokens,
          "--write-kubeconfig=" + directory.resolve("kubeconfig")));
      args.addAll(backend);
      args.addAll(List.of(flags));
      ServerOptions options = new ServerOptions();
      new CommandLine(options).parseArgs(args.toArray(String[]::new));
      List<String> problems = options.validate();
      if (!problems.isEmpty()) {
        throw new IllegalArgumentException(String.join("; ", problems));
      }
      return new RevisorServer(directory, Revisor.start(options));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public Revisor revisor() {
    return revisor;
  }

  public int port() {
    return revisor.port();
  }

  /** The base URL, {@code https://127.0.0.1:<port>}. */
  public String url() {
    return revisor.url();
  }

  /** The kubeconfig written for user admin. */
  public Path kubeconfig() {
    return directory.resolve("kubeconfig");
  }

  /** The PEM CA file clients trust. */
  public Path caFile() {
    return revisor.caFile();
  }

  /** A client authenticated as admin. */
  public ApiClient admin() {
    return new ApiClient(url(), caFile(), ADMIN_TOKEN);
  }

  /** A client authenticated with {@code token} (null: none). */
  public ApiClient client(String token) {
    return new ApiClient(url(), caFile(), token);
  }

  @Override
  public void close() {
    revisor.close();
    try (Stream<Path> files = Files.walk(directory)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // Best effort: the directory is temporary.
    }
  }
}
