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

  @Test
  void aStreamFullForTheStallTimeWhileAnotherOfItsConnectionWritesHasStalled() {
    open(0);
    stream.written(1 * S);
    assertThat(stream.stalled(true, 2 * S)).as("just full").isFalse();
    other.written(5 * S);
    assertThat(stream.stalled(true, 11 * S)).as("full for 9 s").isFalse();
    other.written(11 * S);
    assertThat(stream.stalled(true, 12 * S)).as("full for 10 s, nothing of its own written for 11 s").isTrue();
    assertThat(stream.fullFor(12 * S)).isEqualTo(10 * S);
  }

  @Test
  void aStreamWhoseConnectionDoesNotMoveHasNotStalled() {
    open(0);
    stream.written(1 * S);
    other.written(1 * S);
    assertThat(stream.stalled(true, 2 * S)).isFalse();
    assertThat(stream.stalled(true, 30 * S)).as("nobody on the connection wrote: a client that does not read")
        .isFalse();
  }

  @Test
  void anotherStreamsOldWriteDoesNotCount() {
    open(0);
    stream.written(1 * S);
    assertThat(stream.stalled(true, 2 * S)).isFalse();
    other.written(3 * S);
    assertThat(stream.stalled(true, 14 * S)).as("the other stream wrote 11 s ago").isFalse();
    other.written(14 * S);
    assertThat(stream.stalled(true, 15 * S)).isTrue();
  }

  @Test
  void aSlowStreamThatGetsWritesOutHasNotStalled() {
    open(0);
    for (long t = 1; t <= 60; t++) {
      other.written(t * S);
      if (t % 9 == 0) {
        stream.written(t * S); // one write out every 9 s, its queue full all the time
      }
      assertThat(stream.stalled(true, t * S)).as("at %d s", t).isFalse();
    }
  }

  @Test
  void aQueueThatIsNotFullStartsTheStallTimeAgain() {
    open(0);
    stream.written(1 * S);
    assertThat(stream.stalled(true, 2 * S)).isFalse();
    assertThat(stream.stalled(false, 8 * S)).isFalse();
    assertThat(stream.fullFor(8 * S)).isZero();
    assertThat(stream.stalled(true, 9 * S)).isFalse();
    other.written(18 * S);
    assertThat(stream.stalled(true, 18 * S)).as("full again for 9 s only").isFalse();
    assertThat(stream.stalled(true, 19 * S)).isTrue();
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
