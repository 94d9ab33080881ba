package io.revisor.bench.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import io.revisor.bench.load.Measurement;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

class DeliveriesTest {
  @Test
  void countsEveryWatchersEventsOnceAndTheProbeApart() {
    Deliveries d = new Deliveries(2, 3, "ADDED");
    d.deliver(0, "ADDED", Deliveries.PROBE, 0);
    assertThat(d.allProbed()).isFalse();
    d.deliver(1, "ADDED", Deliveries.PROBE, 0);
    d.deliver(1, "ADDED", Deliveries.PROBE, 0);
    assertThat(d.allProbed()).isTrue();
    for (int i = 0; i < 3; i++) {
      d.sent(i);
      d.deliver(0, "ADDED", Deliveries.eventName(i), 0);
      d.deliver(1, "ADDED", Deliveries.eventName(i), 0);
    }
    assertThat(d.complete()).isTrue();
    Measurement m = d.measurement();
    assertThat(m.ops()).isEqualTo(6);
    assertThat(m.errors()).isZero();
    assertThat(m.firstError()).isNull();
  }

  @Test
  void reportsWhereEventsAreMissing() {
    Deliveries d = new Deliveries(4, 4, "ADDED");
    for (int i = 0; i < 4; i++) {
      d.sent(i);
    }
    for (int i = 0; i < 4; i++) {
      d.deliver(0, "ADDED", Deliveries.eventName(i), 0);
    }
    d.deliver(1, "ADDED", Deliveries.eventName(0), 0);
    d.deliver(1, "ADDED", Deliveries.eventName(2), 0);
    d.deliver(3, "ADDED", Deliveries.eventName(0), 0);
    d.chunk(1, Buffer.buffer("{\"a\":1}\n{\"b\":2}\n"));
    assertThat(d.lost()).isEqualTo(16 - 4 - 2 - 1);
    String report = d.lossReport(2, w -> w == 1 ? "stream 3, window open" : "");
    assertThat(report)
        .startsWith("3 of 4 watchers miss events (per connection: [1, 2]); 2 of them stopped receiving at some event "
            + "and got nothing after it, 1 have holes; the fewest received 0 of 4")
        .contains("watcher 1: 2 received (2 lines in 16 bytes arrived), first missing e-000001")
        .contains("(later events arrived); stream 3, window open")
        .contains("watcher 2: 0 received (0 lines in 0 bytes arrived), first missing e-000000, nothing received");
  }

  @Test
  void eventsOutOfRevisionOrderAreProblems() {
    Deliveries d = new Deliveries(2, 3, "ADDED");
    d.deliver(0, "ADDED", Deliveries.PROBE, 10);
    d.deliver(0, "ADDED", Deliveries.eventName(0), 11);
    d.deliver(0, "ADDED", Deliveries.eventName(2), 13);
    d.deliver(0, "ADDED", Deliveries.eventName(1), 12);
    d.deliver(1, "ADDED", Deliveries.eventName(1), 12);
    d.deliver(1, "ADDED", Deliveries.eventName(0), 0);
    assertThat(d.outOfOrder()).isEqualTo(1);
    assertThat(d.problems()).containsExactly("watcher 0 got e-000001 at revision 12 after revision 13");
  }

  @Test
  void wrongTypesDuplicatesAndEarlyEndsAreProblems() {
    Deliveries d = new Deliveries(1, 2, "PUT");
    d.sent(0);
    d.deliver(0, "PUT", Deliveries.eventName(0), 0);
    d.deliver(0, "PUT", Deliveries.eventName(0), 0);
    d.deliver(0, "ERROR", null, 0);
    d.deliver(0, "PUT", "other", 0);
    d.ended(0, null);
    d.closing();
    d.ended(0, new IllegalStateException("closed by us"));
    assertThat(d.duplicates()).isEqualTo(1);
    assertThat(d.problems()).containsExactly("watcher 0 got e-000000 twice", "watcher 0 got a ERROR event",
        "watcher 0 got an event for an unexpected object other", "watcher 0 ended early");
  }
}
