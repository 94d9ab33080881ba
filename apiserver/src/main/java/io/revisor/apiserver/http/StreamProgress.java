package io.revisor.apiserver.http;

import java.util.Map;
import java.util.WeakHashMap;

/**
 * Whether the writes of one watch stream of a multiplexed (HTTP/2) connection go out, and whether it has stopped while
 * the connection goes on: a write of it has waited, with none of its writes going out, for the whole stall time, and
 * a write of another stream of the same connection went out after this one's last and within the stall time.
 *
 * <p>A client that stops reading, or a connection that stops moving, stops every stream of the connection, and is
 * not a stall (the bounded buffers and 410 handle it); a stream that gets any write out is not stalled either, however
 * slow. What is left is a stream that the server itself no longer writes to: Vert.x 5.1.6's HTTP/2 server can leave
 * a stream waiting for good while the client's windows are open (BENCHMARKS.md, finding 8).
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
  private int waiting;
  private long waitingSince;
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

  /** A write of this stream was handed to the transport at {@code now}. */
  void sent(long now) {
    if (waiting++ == 0) {
      waitingSince = now;
    }
  }

  /** A write of this stream went out ({@code written}) or failed at {@code now}. */
  void done(boolean written, long now) {
    if (waiting > 0) {
      waiting--;
    }
    if (written) {
      lastWritten = now;
      shared.lastWritten = now;
    }
  }

  /** Whether a write of this stream has not gone out yet. */
  boolean waiting() {
    return waiting > 0;
  }

  /**
   * How long, at {@code now}, a write of this stream has waited with none of its writes going out, in nanoseconds; 0
   * when none waits.
   */
  long quietFor(long now) {
    return waiting > 0 ? now - Math.max(waitingSince, lastWritten) : 0;
  }

  /**
   * Whether the stream has stalled at {@code now}: a write of it has waited for at least the stall time with none of
   * its writes going out, and another stream of the connection has written since (and within the stall time).
   */
  boolean stalled(long now) {
    if (waiting == 0) {
      return false;
    }
    long since = Math.max(waitingSince, lastWritten);
    long others = shared.lastWritten;
    return now - since >= stallNanos && others - since > 0 && now - others < stallNanos;
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
