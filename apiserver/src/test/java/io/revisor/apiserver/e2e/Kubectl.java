package io.revisor.apiserver.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the real kubectl binary ({@code $REVISOR_KUBECTL} or {@code kubectl} on the PATH) against a kubeconfig. A
 * missing binary fails the test. Every run is bounded in time.
 */
final class Kubectl {
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
    try {
      Path out = Files.createTempFile("kubectl", ".out");
      Path err = Files.createTempFile("kubectl", ".err");
      ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
      builder.environment().put("HOME", kubeconfig.getParent().toString());
      builder.environment().putAll(env);
      Process process = builder.start();
      if (stdin != null) {
        process.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
      }
      process.getOutputStream().close();
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError("kubectl " + String.join(" ", args) + " did not finish in 60 s");
      }
      Result result = new Result(process.exitValue(), Files.readString(out), Files.readString(err));
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
      return result;
    } catch (IOException e) {
      throw new AssertionError("cannot run " + binary + " (install kubectl, or set REVISOR_KUBECTL): " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
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
}
