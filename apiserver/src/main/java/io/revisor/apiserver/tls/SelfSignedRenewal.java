package io.revisor.apiserver.tls;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Renews the generated certificates of {@code --cert-dir} while the server runs: calls
 * {@link SelfSignedCertificates#ensure} periodically (daily in the server), which re-issues the serving certificate
 * {@value SelfSignedCertificates#RENEW_BEFORE_DAYS} days before it expires, and the CA likewise.
 *
 * <p>This class only rewrites the files; a {@link ServingCertificateReloader} watching them gives the new pair to the
 * server, and whoever watches {@code ca.crt} (APIService registration) sees a new CA.
 *
 * <p>Runs on the given scheduler; a failed renewal is logged as WARN and tried again at the next period. Thread-safe;
 * {@link #close()} stops it.
 */
public final class SelfSignedRenewal implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SelfSignedRenewal.class);

  private final Path certDir;
  private final List<String> names;
  private final Clock clock;
  private volatile ScheduledFuture<?> task;

  SelfSignedRenewal(Path certDir, List<String> names, Clock clock) {
    this.certDir = Objects.requireNonNull(certDir, "certDir");
    this.names = List.copyOf(names);
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * Starts renewing every {@code interval}, the first time one interval from now.
   *
   * @param names the extra names given to {@link SelfSignedCertificates#ensure} at start
   */
  public static SelfSignedRenewal start(Path certDir, List<String> names, Clock clock, Duration interval,
      ScheduledExecutorService scheduler) {
    SelfSignedRenewal renewal = new SelfSignedRenewal(certDir, names, clock);
    long millis = Math.max(1, interval.toMillis());
    renewal.task = scheduler.scheduleWithFixedDelay(renewal::renewSafely, millis, millis, TimeUnit.MILLISECONDS);
    return renewal;
  }

  private void renewSafely() {
    try {
      renew();
    } catch (IOException | RuntimeException e) {
      LOG.warn("cannot renew the certificates in {}: {}; trying again later", certDir, e.toString());
    }
  }

  /** One renewal check: what {@link SelfSignedCertificates#ensure} did. */
  ServingCertificates renew() throws IOException {
    ServingCertificates outcome = SelfSignedCertificates.ensure(certDir, names, clock);
    if (outcome.caIssued()) {
      LOG.warn("replaced the CA in {} (valid until {}): clients and APIService caBundles that trust the old CA must "
          + "be given {}", certDir, outcome.caCertificate().getNotAfter().toInstant(), outcome.caCertificateFile());
    }
    if (outcome.certificateIssued()) {
      LOG.info("renewed the serving certificate in {} (valid until {})", certDir,
          outcome.certificate().getNotAfter().toInstant());
    }
    return outcome;
  }

  @Override
  public void close() {
    ScheduledFuture<?> running = task;
    if (running != null) {
      running.cancel(false);
    }
  }
}
