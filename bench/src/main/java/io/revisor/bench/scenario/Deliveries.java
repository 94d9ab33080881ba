package io.revisor.bench.scenario;

import io.revisor.bench.load.Latencies;
import io.revisor.bench.load.Measurement;
import io.vertx.core.buffer.Buffer;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.IntFunction;

/**
 * The bookkeeping of one watch run: when each write was sent, which watcher saw which event, and the lag from the
 * send to the delivery. Events are objects named {@code e-000000} ...; an object named {@value #PROBE}, written before
 * them, shows that a watcher is streaming. Thread-safe: watchers deliver on their own threads.
 */
final class Deliveries {
  static final String PROBE = "probe";
  private static final int MAX_PROBLEMS = 20;

  private final int watchers;
  private final int events;
  private final String expectedType;
  private final AtomicLongArray sentAt;
  private final BitSet[] seen;
  private final AtomicIntegerArray probed;
  /** The revision of each watcher's last event, 0 before the first: a watch delivers in revision order. */
  private final AtomicLongArray lastRevision;
  /** When each watcher last received a measured event (nanoTime), 0 before the first. */
  private final AtomicLongArray lastAt;
  /** Per watcher, the bytes and line ends that reached the client's HTTP layer (only counted when asked). */
  private final AtomicLongArray chunkBytes;
  private final AtomicLongArray chunkLines;
  private final AtomicLong probedCount = new AtomicLong();
  private final AtomicLong delivered = new AtomicLong();
  private final AtomicLong duplicates = new AtomicLong();
  private final AtomicLong outOfOrder = new AtomicLong();
  private final AtomicLong firstSent = new AtomicLong();
  private final AtomicLong lastDelivery = new AtomicLong();
  private final Latencies lag = new Latencies();
  private final ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
  private volatile boolean closing;

  /**
   * @param expectedType the type every event must have ({@code ADDED}, or {@code PUT} for raw etcd)
   */
  Deliveries(int watchers, int events, String expectedType) {
    this.watchers = watchers;
    this.events = events;
    this.expectedType = expectedType;
    this.sentAt = new AtomicLongArray(events);
    this.seen = new BitSet[watchers];
    for (int i = 0; i < watchers; i++) {
      seen[i] = new BitSet(events);
    }
    this.probed = new AtomicIntegerArray(watchers);
    this.lastRevision = new AtomicLongArray(watchers);
    this.lastAt = new AtomicLongArray(watchers);
    this.chunkBytes = new AtomicLongArray(watchers);
    this.chunkLines = new AtomicLongArray(watchers);
  }

  static String eventName(int i) {
    return String.format(Locale.ROOT, "e-%06d", i);
  }

  /** Stamps event {@code i} as sent now; call just before sending its write. */
  void sent(int i) {
    long now = System.nanoTime();
    firstSent.compareAndSet(0, now);
    sentAt.set(i, now);
  }

  /**
   * Watcher {@code watcher} received an event of {@code type} for the object {@code name}, at {@code revision} (0:
   * unknown). Events of one watcher come one at a time.
   */
  void deliver(int watcher, String type, String name, long revision) {
    long now = System.nanoTime();
    if (!expectedType.equals(type)) {
      problem("watcher " + watcher + " got a " + type + " event" + (name == null ? "" : " for " + name));
      return;
    }
    if (revision > 0) {
      long before = lastRevision.getAndAccumulate(watcher, revision, Math::max);
      if (revision <= before) {
        outOfOrder.incrementAndGet();
        problem("watcher " + watcher + " got " + name + " at revision " + revision + " after revision " + before);
      }
    }
    if (PROBE.equals(name)) {
      if (probed.compareAndSet(watcher, 0, 1)) {
        probedCount.incrementAndGet();
      }
      return;
    }
    int i = index(name);
    if (i < 0 || i >= events) {
      problem("watcher " + watcher + " got an event for an unexpected object " + name);
      return;
    }
    boolean fresh;
    synchronized (seen[watcher]) {
      fresh = !seen[watcher].get(i);
      seen[watcher].set(i);
    }
    if (!fresh) {
      duplicates.incrementAndGet();
      problem("watcher " + watcher + " got " + name + " twice");
      return;
    }
    lag.record(now - sentAt.get(i));
    delivered.incrementAndGet();
    lastDelivery.accumulateAndGet(now, Math::max);
    lastAt.set(watcher, now);
  }

  /** Counts a chunk of watcher {@code watcher}'s body as it arrived, before the split into lines. */
  void chunk(int watcher, Buffer chunk) {
    int lines = 0;
    for (int i = 0; i < chunk.length(); i++) {
      if (chunk.getByte(i) == '\n') {
        lines++;
      }
    }
    chunkBytes.addAndGet(watcher, chunk.length());
    chunkLines.addAndGet(watcher, lines);
  }

  /** Watcher {@code watcher}'s stream ended ({@code cause} null: ended by the server). */
  void ended(int watcher, Throwable cause) {
    if (!closing) {
      problem("watcher " + watcher + " ended early" + (cause == null ? "" : ": " + cause));
    }
  }

  /** From now on, streams end because this side closes them. */
  void closing() {
    closing = true;
  }

  void problem(String problem) {
    if (problems.size() < MAX_PROBLEMS) {
      problems.add(problem);
    }
  }

  int events() {
    return events;
  }

  boolean allProbed() {
    return probedCount.get() == watchers;
  }

  long probedCount() {
    return probedCount.get();
  }

  boolean complete() {
    return delivered.get() == (long) watchers * events;
  }

  /** Events some watcher has not received. */
  long lost() {
    return (long) watchers * events - delivered.get();
  }

  long duplicates() {
    return duplicates.get();
  }

  /** Events that came after an event of a later revision. */
  long outOfOrder() {
    return outOfOrder.get();
  }

  List<String> problems() {
    return List.copyOf(problems);
  }

  /**
   * Deliveries as operations: their count, their rate from the first send to the last delivery, and the lag
   * percentiles; lost events count as errors.
   */
  Measurement measurement() {
    long last = lastDelivery.get();
    double seconds = last == 0 ? 0 : (last - firstSent.get()) / 1e9;
    String first = problems.isEmpty() ? null : problems.peek();
    return lag.measurement(lost(), seconds, first);
  }

  /**
   * Where the missing events are, for the failure message: how many watchers miss some, on which connection
   * (watcher {@code i} is on connection {@code i % connections}), whether a watcher stopped receiving at some point
   * (every event before it, none after) or has holes, and a few examples, each with what {@code client} says of the
   * watcher's stream (empty: nothing).
   */
  String lossReport(int connections, IntFunction<String> client) {
    int incomplete = 0;
    int stopped = 0;
    int[] byConnection = new int[connections];
    int fewest = events;
    StringBuilder examples = new StringBuilder();
    long first = firstSent.get();
    for (int w = 0; w < watchers; w++) {
      int received;
      int firstMissing;
      int lastSeen;
      synchronized (seen[w]) {
        received = seen[w].cardinality();
        firstMissing = seen[w].nextClearBit(0);
        lastSeen = seen[w].length() - 1;
      }
      if (received == events) {
        continue;
      }
      incomplete++;
      byConnection[w % connections]++;
      boolean stoppedHere = lastSeen < firstMissing;
      if (stoppedHere) {
        stopped++;
      }
      fewest = Math.min(fewest, received);
      if (examples.length() < 1000) {
        long last = lastAt.get(w);
        String state = client.apply(w);
        examples.append(String.format(Locale.ROOT, "; watcher %d: %d received (%d lines in %,d bytes arrived), first "
            + "missing %s%s", w, received, chunkLines.get(w), chunkBytes.get(w), eventName(firstMissing),
            last == 0 ? ", nothing received"
                : String.format(Locale.ROOT, ", last received %.1f s after the first write", (last - first) / 1e9)))
            .append(stoppedHere ? "" : " (later events arrived)").append(state.isEmpty() ? "" : "; " + state);
      }
    }
    return String.format(Locale.ROOT, "%d of %d watchers miss events (per connection: %s); %d of them stopped "
        + "receiving at some event and got nothing after it, %d have holes; the fewest received %d of %d",
        incomplete, watchers, Arrays.toString(byConnection), stopped, incomplete - stopped, fewest, events)
        + examples;
  }

  private static int index(String name) {
    if (name == null || !name.startsWith("e-")) {
      return -1;
    }
    try {
      return Integer.parseInt(name.substring(2));
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
