package io.revisor.apiserver.tls;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the serving certificate in step with its files: watches the certificate and key files
 * ({@link CertificateFileWatcher}), and when they changed and hold a matching pair, hands the pair to the server.
 *
 * <p>A change that does not parse, or whose key is not the certificate's (one file replaced before the other in a
 * rotation), is logged once as WARN and otherwise ignored: the server keeps the pair it has, and the files are tried
 * again at their next change. A pair the server refuses is treated the same way.
 *
 * <p>Changes are handled one at a time on the watcher's polling thread, which waits (bounded) for the server to
 * apply each pair. Thread-safe; {@link #close()} stops watching.
 */
public final class ServingCertificateReloader implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ServingCertificateReloader.class);
  /** How long the server may take to apply a pair before the change counts as failed. */
  static final Duration APPLY_TIMEOUT = Duration.ofSeconds(30);

  private final Path certificateFile;
  private final Path keyFile;
  private final Function<KeyCertPair, CompletionStage<?>> apply;
  private volatile KeyCertPair current;
  private volatile CertificateFileWatcher watcher;

  ServingCertificateReloader(Path certificateFile, Path keyFile, KeyCertPair serving,
      Function<KeyCertPair, CompletionStage<?>> apply) {
    this.certificateFile = Objects.requireNonNull(certificateFile, "certificateFile");
    this.keyFile = Objects.requireNonNull(keyFile, "keyFile");
    this.current = Objects.requireNonNull(serving, "serving");
    this.apply = Objects.requireNonNull(apply, "apply");
  }

  /**
   * Starts watching.
   *
   * @param serving the pair the server uses now (read with {@link KeyCertPair#read}); changes are relative to it
   * @param interval how often the files are polled (about a second is usual)
   * @param apply gives a new pair to the server; the pair counts as applied when the stage completes normally
   */
  public static ServingCertificateReloader start(Path certificateFile, Path keyFile, KeyCertPair serving,
      Duration interval, ScheduledExecutorService scheduler, Function<KeyCertPair, CompletionStage<?>> apply) {
    ServingCertificateReloader reloader = new ServingCertificateReloader(certificateFile, keyFile, serving, apply);
    reloader.watcher = CertificateFileWatcher.start(List.of(certificateFile, keyFile),
        List.of(serving.certificatePem(), serving.keyPem()), interval, scheduler, reloader::changed);
    return reloader;
  }

  /** The pair the server was last given successfully. */
  public KeyCertPair current() {
    return current;
  }

  /** Handles new contents of the certificate and key files (in that order). */
  void changed(List<byte[]> contents) {
    KeyCertPair next;
    try {
      next = KeyCertPair.parse(contents.get(0), contents.get(1));
    } catch (IOException e) {
      LOG.warn("{} and {} changed but are not a usable pair ({}); still serving {}; trying again when they change",
          certificateFile, keyFile, e.getMessage(), current.describe());
      return;
    }
    if (next.sameAs(current)) {
      return;
    }
    try {
      apply.apply(next).toCompletableFuture().get(APPLY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
      LOG.warn("the server did not take the new certificate {} from {} ({}); still serving {}; trying again when the "
          + "files change", next.describe(), certificateFile, cause, current.describe());
      return;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    LOG.info("serving certificate reloaded from {}: {}", certificateFile, next.describe());
    current = next;
  }

  @Override
  public void close() {
    CertificateFileWatcher running = watcher;
    if (running != null) {
      running.close();
    }
  }
}
