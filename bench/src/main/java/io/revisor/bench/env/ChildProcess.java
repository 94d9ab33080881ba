package io.revisor.bench.env;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * A process this JVM started, with its output in a log file. It is stopped through its own handle (its PID), never
 * by name, on {@link #close()} or, if this JVM exits first, by a shutdown hook. Not thread-safe.
 */
final class ChildProcess implements AutoCloseable {
  private static final Duration STOP_GRACE = Duration.ofSeconds(10);
  private static final Duration POLL = Duration.ofMillis(100);

  private final String name;
  private final Process process;
  private final Path log;
  private final Thread killer;

  private ChildProcess(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
    this.killer = new Thread(process::destroyForcibly, "stop-" + name);
    Runtime.getRuntime().addShutdownHook(killer);
  }

  /**
   * Starts {@code command} with standard output and error appended to {@code log}.
   *
   * @throws IllegalStateException when the process cannot be started
   */
  static ChildProcess start(String name, List<String> command, Path log) {
    try {
      Files.createDirectories(log.getParent());
      Process p = new ProcessBuilder(command)
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
          .start();
      return new ChildProcess(name, p, log);
    } catch (IOException e) {
      throw new IllegalStateException("cannot start " + name + " (" + command.get(0) + "): " + e.getMessage(), e);
    }
  }

  long pid() {
    return process.pid();
  }

  /**
   * Polls {@code ready} until it answers null (ready) or the deadline passes. Between polls it checks that the
   * process still runs.
   *
   * @param ready answers null when ready, else why not (for the failure message)
   * @throws IllegalStateException when the process exits or is not ready in time; the message has the log's tail
   */
  void awaitReady(Duration timeout, Supplier<String> ready) {
    long deadline = System.nanoTime() + timeout.toNanos();
    String why = "not asked yet";
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(name + " exited with status " + process.exitValue() + "; log " + log
            + " ends with:\n" + logTail(30));
      }
      why = ready.get();
      if (why == null) {
        return;
      }
      // Readiness is only observable by asking again.
      LockSupport.parkNanos(POLL.toNanos());
    }
    throw new IllegalStateException(name + " not ready within " + timeout.toSeconds() + " s (" + why + "); log "
        + log + " ends with:\n" + logTail(30));
  }

  /** The last {@code lines} lines of the log. */
  String logTail(int lines) {
    try {
      List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException | UncheckedIOException e) {
      return "(log unreadable: " + e.getMessage() + ")";
    }
  }

  /** Stops the process: SIGTERM, then SIGKILL after a grace period. Idempotent. */
  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroy();
      try {
        if (!process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
          process.destroyForcibly();
          process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS);
        }
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
    try {
      Runtime.getRuntime().removeShutdownHook(killer);
    } catch (IllegalStateException e) {
      // the JVM is exiting: the hook runs anyway and finds nothing alive
    }
  }
}
