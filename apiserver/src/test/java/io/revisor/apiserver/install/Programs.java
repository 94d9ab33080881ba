package io.revisor.apiserver.install;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Finds and runs the programs the install tests drive (kubectl, bash, openssl). A missing program fails the test
 * (it never skips), and every run is bounded in time.
 */
final class Programs {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  /** The outcome of one run. */
  record Result(List<String> command, int exit, String out, String err) {
    /** Fails unless the program exited 0. */
    Result ok() {
      assertThat(exit).as("%s exited %d: %s%s", String.join(" ", command), exit, err, out).isZero();
      return this;
    }

    /** Fails unless the program exited 0 and wrote nothing to stderr (kustomize's warnings go there). */
    Result clean() {
      ok();
      assertThat(err).as("%s wrote to stderr", String.join(" ", command)).isEmpty();
      return this;
    }
  }

  private Programs() {}

  /** {@code $override} when set, else {@code name} on the PATH; fails when there is none. */
  static Path find(String name, String override) {
    String configured = override == null ? null : System.getenv(override);
    if (configured != null && !configured.isEmpty()) {
      Path path = Path.of(configured);
      assertThat(Files.isExecutable(path)).as("$%s=%s is not an executable", override, configured).isTrue();
      return path;
    }
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      Path candidate = Path.of(dir.isEmpty() ? "." : dir, name);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    throw new AssertionError(name + " is not on the PATH; the install tests need it (hack/test.sh installs it)");
  }

  /** Runs {@code command} in {@code workDir} with HOME set to it, plus {@code env}; at most 60 s. */
  static Result run(Path workDir, Map<String, String> env, List<String> command) {
    try {
      Path out = Files.createTempFile(workDir, "program", ".out");
      Path err = Files.createTempFile(workDir, "program", ".err");
      ProcessBuilder builder = new ProcessBuilder(new ArrayList<>(command))
          .directory(workDir.toFile())
          .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
          .redirectOutput(out.toFile())
          .redirectError(err.toFile());
      builder.environment().put("HOME", workDir.toString());
      builder.environment().putAll(env);
      Process process = builder.start();
      if (!process.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        throw new AssertionError(String.join(" ", command) + " did not finish in " + TIMEOUT.toSeconds() + " s");
      }
      Result result = new Result(List.copyOf(command), process.exitValue(), Files.readString(out),
          Files.readString(err));
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
      return result;
    } catch (IOException e) {
      throw new AssertionError("cannot run " + String.join(" ", command) + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
