package io.revisor.apiserver.cluster;

import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the APIServices registered in the background: registers at start, retries after a failure every
 * {@code retryInterval} until it succeeds, and registers again whenever the CA bundle changes
 * ({@link #caBundleChanged}). The server keeps serving meanwhile; a cluster that is unreachable at start only delays
 * the registration.
 *
 * <p>Attempts run on the given scheduler, one at a time (a lock serialises them even on a pool), each with the latest
 * CA bundle, so the last write is always the latest bundle. Thread-safe; {@link #close()} cancels what is pending; an
 * attempt under way finishes (bounded by the client's request timeout) without scheduling another.
 */
public final class ApiServiceRegistration implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ApiServiceRegistration.class);

  private final ApiServiceRegistrar registrar;
  private final Duration retryInterval;
  private final ScheduledExecutorService scheduler;
  private final Object attempting = new Object();
  private final Object lock = new Object();
  // Guarded by lock.
  private byte[] caBundle;
  private ScheduledFuture<?> next;
  private long generation;
  private boolean closed;
  private volatile ApiServiceRegistrar.Outcome lastOutcome;
  private volatile byte[] registeredBundle;

  private ApiServiceRegistration(ApiServiceRegistrar registrar, byte[] caBundle, Duration retryInterval,
      ScheduledExecutorService scheduler) {
    this.registrar = Objects.requireNonNull(registrar, "registrar");
    this.caBundle = caBundle.clone();
    this.retryInterval = Objects.requireNonNull(retryInterval, "retryInterval");
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
  }

  /** Starts registering now, with {@code caBundle} (PEM). */
  public static ApiServiceRegistration start(ApiServiceRegistrar registrar, byte[] caBundle, Duration retryInterval,
      ScheduledExecutorService scheduler) {
    ApiServiceRegistration registration = new ApiServiceRegistration(registrar, caBundle, retryInterval, scheduler);
    registration.schedule(Duration.ZERO);
    return registration;
  }

  /** Registers again, now, with a new CA bundle (PEM); replaces a pending retry. */
  public void caBundleChanged(byte[] caBundle) {
    synchronized (lock) {
      this.caBundle = caBundle.clone();
    }
    schedule(Duration.ZERO);
  }

  /** What the last successful attempt did, or null before one succeeded. */
  public ApiServiceRegistrar.Outcome lastOutcome() {
    return lastOutcome;
  }

  /** Whether the latest CA bundle is registered (the last attempt with it succeeded). */
  public boolean registered() {
    byte[] done = registeredBundle;
    synchronized (lock) {
      return done != null && Arrays.equals(done, caBundle);
    }
  }

  private void schedule(Duration delay) {
    synchronized (lock) {
      if (closed) {
        return;
      }
      if (next != null) {
        next.cancel(false);
      }
      generation++;
      next = scheduler.schedule(this::attempt, delay.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  private void retryUnlessRescheduled(long since) {
    synchronized (lock) {
      if (generation == since) {
        schedule(retryInterval);
      }
    }
  }

  private void attempt() {
    synchronized (attempting) {
      byte[] bundle;
      long scheduled;
      synchronized (lock) {
        if (closed) {
          return;
        }
        bundle = caBundle;
        scheduled = generation;
      }
      try {
        ApiServiceRegistrar.Outcome outcome = registrar.register(bundle);
        lastOutcome = outcome;
        registeredBundle = bundle;
        // Attempts succeed once at start and once per CA change: rare enough to log each.
        LOG.info("APIServices registered: {}", outcome);
      } catch (RuntimeException e) {
        LOG.warn("cannot register the APIServices ({}); trying again in {} s", e.getMessage(),
            retryInterval.toSeconds());
        // A newer CA bundle may have scheduled an attempt meanwhile; that one comes first.
        retryUnlessRescheduled(scheduled);
      }
    }
  }

  @Override
  public void close() {
    synchronized (lock) {
      closed = true;
      if (next != null) {
        next.cancel(false);
      }
    }
  }
}
