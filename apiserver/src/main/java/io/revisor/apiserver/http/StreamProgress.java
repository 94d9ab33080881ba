package io.revisor.apiserver.http;

import java.util.Map;
import java.util.WeakHashMap;

/**
 * Whether one watch stream of a multiplexed (HTTP/2) connection has stopped while the connection goes on: its write
 * queue has been full for the whole stall time, none of its writes went out in that time, and a write of another
 * stream of the same connection went out after this one's last and within the stall time.
 *
 * <p>A client that stops reading, or a connection that stops moving, stops every stream of the connection, and is
 * not a stall (the bounded buffers and 410 handle it); a stream that gets any write out is not stalled either, however
 * slow. What is left is a stream that the server itself no longer writes to: Vert.x 5.1.6's HTTP/2 server can leave
 * a stream's write queue full for good while the client's windows are open (BENCHMARKS.md, finding 8).
 *
 * <p>Times are {@link System#nanoTime()} values. One instance belongs to one stream and is used on its event loop;
 * the streams of a connection share when one of them last wrote.
 */
final class StreamProgress {
  /**
   * The connections with streams followed now. Weak keys: a connection whose streams were never closed here (a watch
   * that failed to start) is forgotten with the connection itself.
   */
  private static final Map<Object, Shared> CONNECTIONS = new WeakHashMap<>();

  /** The watch streams of one connection: how many there are, and when a write of one of them last went out. */
  private static final class Shared {
    /** Guarded by {@link #CONNECTIONS}. */
    private int streams;
    private volatile long lastWritten;
  }

  private final Object connection;
  private final Shared shared;
  private final long stallNanos;
  private long lastWritten;
  private boolean full;
  private long fullSince;
  private boolean closed;

  private StreamProgress(Object connection, Shared shared, long stallNanos, long now) {
    this.connection = connection;
    this.shared = shared;
    this.stallNanos = stallNanos;
    this.lastWritten = now;
  }

  /**
   * Starts following a stream of {@code connection}; {@link #close()} when the stream ends.
   *
   * @param connection the connection, as a key (its identity and hash code)
   * @param stallNanos how long the stream must be stuck while the connection moves
   * @param now the time the stream starts
   */
  static StreamProgress open(Object connection, long stallNanos, long now) {
    Shared shared;
    synchronized (CONNECTIONS) {
      shared = CONNECTIONS.computeIfAbsent(connection, key -> new Shared());
      shared.streams++;
    }
    return new StreamProgress(connection, shared, stallNanos, now);
  }

  /** A write of this stream went out at {@code now}. */
  void written(long now) {
    lastWritten = now;
    shared.lastWritten = now;
  }

  /**
   * Records whether the stream's write queue is full at {@code now}.
   *
   * @return whether the stream has stalled: full since at least the stall time, nothing of its own written in that
   *     time, and another stream of the connection written since (and within the stall time)
   */
  boolean stalled(boolean fullNow, long now) {
    if (!fullNow) {
      full = false;
      return false;
    }
    if (!full) {
      full = true;
      fullSince = now;
      return false;
    }
    long others = shared.lastWritten;
    return now - fullSince >= stallNanos
        && now - lastWritten >= stallNanos
        && others - Math.max(fullSince, lastWritten) > 0
        && now - others < stallNanos;
  }

  /**
   * How long, at {@code now}, the write queue has been full with nothing of this stream written, in nanoseconds; 0
   * when it is not full.
   */
  long quietFor(long now) {
    return full ? now - Math.max(fullSince, lastWritten) : 0;
  }

  /** How long the write queue has been full at {@code now}, in nanoseconds; 0 when it is not full. */
  long fullFor(long now) {
    return full ? now - fullSince : 0;
  }

  /** Stops following the stream; the connection is forgotten with its last stream. Idempotent. */
  void close() {
    if (closed) {
      return;
    }
    closed = true;
    synchronized (CONNECTIONS) {
      if (--shared.streams == 0 && CONNECTIONS.get(connection) == shared) {
        CONNECTIONS.remove(connection);
      }
    }
  }

  /** How many connections have streams followed now (for tests). */
  static int connections() {
    synchronized (CONNECTIONS) {
      return CONNECTIONS.size();
    }
  }
}
