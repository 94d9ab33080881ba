package io.revisor.apiserver.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the real kubectl binary ({@code $REVISOR_KUBECTL} or {@code kubectl} on the PATH) against a kubeconfig. A
 * missing binary fails the test. Every run is bounded in time.
 */
final class Kubectl {
  private static final long RUN_SECONDS = 60;

  /** The outcome of one run. */
  record Result(int exit, String out, String err) {
    Result ok() {
      assertThat(exit).as("kubectl failed: " + err + out).isZero();
      return this;
    }
  }

  private final Path kubeconfig;
  private final String binary;

  Kubectl(Path kubeconfig) {
    this.kubeconfig = kubeconfig;
    this.binary = System.getenv().getOrDefault("REVISOR_KUBECTL", "kubectl");
  }

  Result run(String... args) {
    return run(Map.of(), null, args);
  }

  /** Runs with extra environment variables and {@code stdin} (may be null). */
  Result run(Map<String, String> env, String stdin, String... args) {
    List<String> command = new ArrayList<>();
    command.add(binary);
    command.add("--kubeconfig=" + kubeconfig);
    command.add("--request-timeout=30s");
    command.addAll(List.of(args));
    return execute(command, null, env, stdin, "kubectl " + String.join(" ", args));
  }

  /**
   * Runs {@code script} with {@code bash} in {@code directory}, as a user would type it in a shell: {@code kubectl}
   * on the PATH is this binary, {@code KUBECONFIG} is this kubeconfig, and {@code variables} are set (exported).
   */
  Result shell(Path directory, Map<String, String> variables, String script) {
    Map<String, String> env = new HashMap<>(variables);
    env.put("KUBECONFIG", kubeconfig.toString());
    env.put("PATH", binaryDirectory() + File.pathSeparator + System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
    return execute(List.of("bash", "-c", script), directory, env, null, "bash -c " + script);
  }

  /** Starts kubectl in the background (for {@code get -w}); output goes to {@code out}. */
  Process start(Path out, String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(binary);
    command.add("--kubeconfig=" + kubeconfig);
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile())
        .redirectError(ProcessBuilder.Redirect.appendTo(out.resolveSibling(out.getFileName() + ".err").toFile()));
    builder.environment().put("HOME", kubeconfig.getParent().toString());
    return builder.start();
  }

  private Result execute(List<String> command, Path directory, Map<String, String> env, String stdin, String what) {
    try {
      Path out = Files.createTempFile("kubectl", ".out");
      Path err = Files.createTempFile("kubectl", ".err");
      ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
      if (directory != null) {
        builder.directory(directory.toFile());
      }
      builder.environment().put("HOME", kubeconfig.getParent().toString());
      builder.environment().putAll(env);
      Process process = builder.start();
      if (stdin != null) {
        process.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
      }
      process.getOutputStream().close();
      if (!process.waitFor(RUN_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError(what + " did not finish in " + RUN_SECONDS + " s");
      }
      Result result = new Result(process.exitValue(), Files.readString(out), Files.readString(err));
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
      return result;
    } catch (IOException e) {
      throw new AssertionError("cannot run " + command.get(0) + " (install kubectl, or set REVISOR_KUBECTL): " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /**
   * A directory whose {@code kubectl} is this binary, to put first on a shell's PATH; next to the kubeconfig. Fails
   * when the binary cannot be found.
   */
  private Path binaryDirectory() {
    Path found = binary.contains("/") ? Path.of(binary) : onPath(binary);
    if (found == null || !Files.isExecutable(found)) {
      throw new AssertionError("no kubectl binary: " + binary + " (install kubectl, or set REVISOR_KUBECTL)");
    }
    Path directory = kubeconfig.toAbsolutePath().getParent().resolve("kubectl-bin");
    Path link = directory.resolve("kubectl");
    try {
      Files.createDirectories(directory);
      if (!Files.isSymbolicLink(link)) {
        Files.createSymbolicLink(link, found.toAbsolutePath());
      }
    } catch (IOException e) {
      throw new AssertionError("cannot link " + found + " into " + directory + ": " + e, e);
    }
    return directory;
  }

  private static Path onPath(String name) {
    for (String entry : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      Path candidate = Path.of(entry.isEmpty() ? "." : entry, name);
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    return null;
  }
}
