package io.revisor.apiserver.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** When a watch stream of a multiplexed connection counts as stalled, and when it does not. */
class StreamProgressTest {
  private static final long S = 1_000_000_000L;
  private static final long STALL = 10 * S;

  private final Object connection = new Object();
  private StreamProgress stream;
  private StreamProgress other;

  @AfterEach
  void close() {
    if (stream != null) {
      stream.close();
    }
    if (other != null) {
      other.close();
    }
  }

  private void open(long now) {
    stream = StreamProgress.open(connection, STALL, now);
    other = StreamProgress.open(connection, STALL, now);
  }

  /** {@code progress} writes at {@code now} and the write goes out at once. */
  private static void writes(StreamProgress progress, long now) {
    progress.sent(now);
    progress.done(true, now);
  }

  @Test
  void aStreamWhoseWriteWaitsForTheStallTimeWhileAnotherOfItsConnectionWritesHasStalled() {
    open(0);
    writes(stream, 1 * S);
    stream.sent(2 * S);
    assertThat(stream.waiting()).isTrue();
    writes(other, 5 * S);
    assertThat(stream.stalled(11 * S)).as("waiting for 9 s").isFalse();
    assertThat(stream.quietFor(11 * S)).isEqualTo(9 * S);
    writes(other, 11 * S);
    assertThat(stream.stalled(12 * S)).as("waiting for 10 s").isTrue();
  }

  @Test
  void aStreamWhoseConnectionDoesNotMoveHasNotStalled() {
    open(0);
    stream.sent(1 * S);
    other.sent(1 * S);
    assertThat(stream.stalled(30 * S)).as("nobody on the connection wrote: a client that does not read").isFalse();
  }

  @Test
  void anotherStreamsOldWriteDoesNotCount() {
    open(0);
    stream.sent(1 * S);
    writes(other, 3 * S);
    assertThat(stream.stalled(14 * S)).as("the other stream wrote 11 s ago").isFalse();
    writes(other, 14 * S);
    assertThat(stream.stalled(15 * S)).isTrue();
  }

  @Test
  void aSlowStreamThatGetsWritesOutHasNotStalled() {
    open(0);
    stream.sent(0);
    for (long t = 1; t <= 60; t++) {
      writes(other, t * S);
      if (t % 9 == 0) {
        stream.done(true, t * S); // one write out every 9 s, another always waiting
        stream.sent(t * S);
      }
      assertThat(stream.stalled(t * S)).as("at %d s", t).isFalse();
    }
  }

  @Test
  void aStreamWithNothingWaitingHasNotStalled() {
    open(0);
    writes(stream, 1 * S);
    writes(other, 20 * S);
    assertThat(stream.waiting()).isFalse();
    assertThat(stream.quietFor(20 * S)).isZero();
    assertThat(stream.stalled(20 * S)).isFalse();
  }

  @Test
  void aFailedWriteStopsWaitingWithoutCountingAsWritten() {
    open(0);
    stream.sent(1 * S);
    stream.sent(2 * S);
    stream.done(false, 3 * S);
    assertThat(stream.waiting()).isTrue();
    writes(other, 12 * S);
    assertThat(stream.stalled(12 * S)).as("the first write waits since 1 s").isTrue();
    stream.done(false, 12 * S);
    assertThat(stream.waiting()).isFalse();
  }

  @Test
  void theConnectionIsForgottenWithItsLastStream() {
    int before = StreamProgress.connections();
    open(0);
    assertThat(StreamProgress.connections()).isEqualTo(before + 1);
    stream.close();
    stream.close();
    assertThat(StreamProgress.connections()).isEqualTo(before + 1);
    other.close();
    assertThat(StreamProgress.connections()).isEqualTo(before);
  }
}
