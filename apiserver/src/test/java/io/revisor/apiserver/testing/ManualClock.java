package io.revisor.apiserver.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/** A clock tests move by hand, in UTC. Thread-safe: a test may move it while the code under test reads it. */
public final class ManualClock extends Clock {
  private final AtomicReference<Instant> now;

  public ManualClock(Instant start) {
    this.now = new AtomicReference<>(start);
  }

  /** A clock at {@code instant}, an ISO-8601 instant such as {@code 2024-05-06T07:08:09Z}. */
  public ManualClock(String instant) {
    this(Instant.parse(instant));
  }

  /** Moves the clock to {@code instant}. */
  public void set(Instant instant) {
    now.set(instant);
  }

  /** Moves the clock on by {@code by}. */
  public void advance(Duration by) {
    now.updateAndGet(t -> t.plus(by));
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }

  @Override
  public Instant instant() {
    return now.get();
  }
}
