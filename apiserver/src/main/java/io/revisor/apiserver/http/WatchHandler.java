package io.revisor.apiserver.http;

import io.revisor.apiserver.json.Json;
import io.revisor.storage.resource.ResourceWatch;
import io.revisor.storage.resource.ResourceWatchListener;
import io.revisor.storage.resource.StorageErrorCode;
import io.revisor.storage.resource.StorageException;
import io.revisor.storage.resource.WatchEvent;
import io.revisor.storage.resource.WatchOptions;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.ServerWebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * WATCH over a chunked HTTP response (HTTP/1.1 or an HTTP/2 stream) or a WebSocket, one JSON event per chunk or
 * message.
 *
 * <p>Start: {@code resourceVersion} unset or "0" first sends the current state as ADDED events (a consistent list);
 * N sends only changes after N. {@code sendInitialEvents=true} sends the state not older than N, then, with bookmarks,
 * one BOOKMARK annotated {@code k8s.io/initial-events-end}. End: at {@code timeoutSeconds} (default: random in [30,
 * 60) minutes) the stream closes cleanly after a last bookmark; a compacted start or a watcher too slow to keep up
 * gets an ERROR event (410 Expired) and nothing after it. An HTTP/2 stream that Vert.x stops writing to is told
 * again that it is writable ({@link Http2StreamState#nudge}), and reset if its writes still do not go out while its
 * connection's do ({@link StreamProgress}), so that the client watches again from its last resourceVersion.
 */
final class WatchHandler {
  private static final Logger LOG = LoggerFactory.getLogger(WatchHandler.class);
  /**
   * Bytes of events allowed to wait for a stream whose storage watch does not pause when asked (see
   * {@link #READY_BYTES}) before the watcher counts as too slow; one event is always allowed, however large.
   */
  static final long MAX_PENDING_BYTES = 8L << 20;
  /**
   * Bytes of waiting events below which a stream takes more from its storage watch (flow control): above, the watch
   * holds its backlog unread and its changes count against its own bound ({@code --watch-cache-watcher-buffer}).
   */
  static final long READY_BYTES = 1L << 20;
  /** Events written to a stream in one write at most: many when the stream is behind, so that one write (one frame, one
   * TLS record) carries several. */
  private static final int MAX_BATCH_BYTES = 64 << 10;
  /** How soon a stream whose write queue was full looks again, should its drain handler not be called. */
  private static final long RECHECK_FULL_MILLIS = 20;
  /**
   * How long a write of an HTTP/2 stream may wait, none of the stream's writes going out, while other streams of its
   * connection write, before the stream is reset (see {@link StreamProgress}).
   */
  static final long STALL_MILLIS = 10_000;
  /**
   * How often an HTTP/2 stream with a write waiting is looked at: a write that has waited this long, none of the
   * stream's writes going out, has the stream checked for a missed writability change ({@link Http2StreamState#nudge}).
   */
  static final long CHECK_MILLIS = 1_000;
  /** Missed writability changes repaired, in all (for the log). */
  private static final AtomicLong NUDGES = new AtomicLong();
  /** RST_STREAM's INTERNAL_ERROR: the server gives up on a stream it cannot write to. */
  private static final long INTERNAL_ERROR = 0x2;
  private static final String TOO_SLOW =
      "The watch fell too far behind the stream of changes and was closed; list again to resume.";

  private final ApiContext api;
  private final Duration bookmarkInterval;

  WatchHandler(ApiContext api, Duration bookmarkInterval) {
    this.api = api;
    this.bookmarkInterval = bookmarkInterval;
  }

  void handle(ResourceRequest request) {
    MediaTypes.Representation as = MediaTypes.negotiate(request.routing().request().getHeader("Accept"), false);
    ReadParams params = ReadParams.parse(request.query(), true, request.version().selectableFields());
    Duration timeout = params.timeoutSeconds() != null && params.timeoutSeconds() > 0
        ? Duration.ofSeconds(params.timeoutSeconds())
        : Duration.ofSeconds(1800 + ThreadLocalRandom.current().nextLong(1800));
    Long rv = params.resourceVersion();
    boolean initialEvents = params.sendInitialEvents() != null
        ? params.sendInitialEvents()
        : rv == null || rv == 0;
    Future<Long> start;
    if (initialEvents) {
      start = rv != null && rv > 0 ? api.awaitRevision(rv).map(current -> 0L) : Future.succeededFuture(0L);
    } else if (rv == null || rv == 0) {
      // "From now" is the revision at the time of the request, so that no change made after it is missed.
      start = request.on(api.store().currentRevision());
    } else {
      start = Future.succeededFuture(rv);
    }
    start.onFailure(failure -> request.fail(failure, "")).onSuccess(revision -> {
      try {
        open(request, as, params, timeout, initialEvents, revision);
      } catch (RuntimeException e) {
        request.fail(e, "");
      }
    });
  }

  private void open(ResourceRequest request, MediaTypes.Representation as, ReadParams params, Duration timeout,
      boolean initialEvents, long revision) {
    WatchOptions options = new WatchOptions(request.namespace().isEmpty() ? null : request.namespace(),
        params.predicate(), revision, initialEvents, params.allowBookmarks(), bookmarkInterval);
    boolean websocket = "websocket".equalsIgnoreCase(request.routing().request().getHeader("Upgrade"));
    if (websocket) {
      request.routing().request().toWebSocket()
          .onFailure(failure -> request.routing().fail(ApiException.badRequest("websocket upgrade failed: " + failure.getMessage())))
          .onSuccess(ws -> new Stream(request, as, params, options, timeout, new WebSocketSink(ws), null).start());
    } else {
      HttpServerResponse response = request.routing().response();
      response.setStatusCode(200).putHeader("Content-Type", as.contentType())
          .putHeader("Cache-Control", "no-cache, private");
      Responses.warnings(response, request.warnings());
      if (request.routing().request().version() != io.vertx.core.http.HttpVersion.HTTP_2) {
        response.setChunked(true);
      }
      // Headers go out now: a client waits for them before reading events, and there may be none for a while.
      response.writeHead();
      StreamProgress progress = request.routing().request().version() == HttpVersion.HTTP_2
          ? StreamProgress.open(request.routing().request().connection(), STALL_MILLIS * 1_000_000L, System.nanoTime())
          : null;
      new Stream(request, as, params, options, timeout, new ResponseSink(response), progress).start();
    }
  }

  /**
   * One event as written: {@code {"type":"<type>","object":<object>}} and a newline, with the object's bytes copied
   * as they are (a watcher of the object form sends the stored bytes without decoding them).
   *
   * @param type the event type, an upper-case word
   * @param object the event's object, serialized JSON
   */
  static Buffer eventLine(String type, byte[] object) {
    Line line = new Line(type, object);
    return line.appendTo(Buffer.buffer(line.length()));
  }

  /** One event to write: its type and its object's JSON. */
  private record Line(String type, byte[] object) {
    private static final byte[] SUFFIX = "}\n".getBytes(StandardCharsets.UTF_8);
    private static final Map<String, byte[]> PREFIXES = java.util.stream.Stream.of("ADDED", "MODIFIED", "DELETED", "BOOKMARK", "ERROR")
        .collect(Collectors.toUnmodifiableMap(t -> t, Line::encodePrefix));

    int length() {
      return prefix().length + object.length + SUFFIX.length;
    }

    Buffer appendTo(Buffer into) {
      return into.appendBytes(prefix()).appendBytes(object).appendBytes(SUFFIX);
    }

    private byte[] prefix() {
      byte[] known = PREFIXES.get(type);
      return known != null ? known : encodePrefix(type);
    }

    private static byte[] encodePrefix(String type) {
      return ("{\"type\":\"" + type + "\",\"object\":").getBytes(StandardCharsets.UTF_8);
    }
  }

  /** Where a watch's events go. */
  private interface Sink {
    /** Writes; the future completes when the bytes have gone out. */
    Future<Void> write(Buffer event);

    /** Whether one write may carry several events (a byte stream), or each must be its own message. */
    boolean batches();

    boolean full();

    void end();

    /** Ends the stream at once, without what is queued (an HTTP/2 stream is reset). */
    void abort();

    /** What the transport holds for the stream, for a log line. */
    String state();

    /** Repairs a missed writability change of an HTTP/2 stream; whether there was one. */
    boolean nudge();

    boolean closed();

    void onClose(Runnable action);

    void onDrain(Runnable action);
  }

  private static final class ResponseSink implements Sink {
    private final HttpServerResponse response;

    ResponseSink(HttpServerResponse response) {
      this.response = response;
    }

    @Override
    public Future<Void> write(Buffer event) {
      return response.write(event);
    }

    @Override
    public boolean batches() {
      return true;
    }

    @Override
    public boolean full() {
      return response.writeQueueFull();
    }

    @Override
    public void end() {
      if (!response.ended() && !response.closed()) {
        response.end();
      }
    }

    @Override
    public void abort() {
      if (!response.closed()) {
        response.reset(INTERNAL_ERROR);
      }
    }

    @Override
    public String state() {
      return Http2StreamState.describe(response);
    }

    @Override
    public boolean nudge() {
      return Http2StreamState.nudge(response);
    }

    @Override
    public boolean closed() {
      return response.ended() || response.closed();
    }

    @Override
    public void onClose(Runnable action) {
      response.closeHandler(v -> action.run());
    }

    @Override
    public void onDrain(Runnable action) {
      response.drainHandler(v -> action.run());
    }
  }

  private static final class WebSocketSink implements Sink {
    private final ServerWebSocket socket;

    WebSocketSink(ServerWebSocket socket) {
      this.socket = socket;
    }

    @Override
    public Future<Void> write(Buffer event) {
      return socket.writeTextMessage(event.toString(java.nio.charset.StandardCharsets.UTF_8));
    }

    @Override
    public boolean batches() {
      return false;
    }

    @Override
    public boolean full() {
      return socket.writeQueueFull();
    }

    @Override
    public void end() {
      if (!socket.isClosed()) {
        socket.close((short) 1000);
      }
    }

    @Override
    public void abort() {
      if (!socket.isClosed()) {
        socket.close((short) 1011);
      }
    }

    @Override
    public String state() {
      return "a WebSocket";
    }

    @Override
    public boolean nudge() {
      return false;
    }

    @Override
    public boolean closed() {
      return socket.isClosed();
    }

    @Override
    public void onClose(Runnable action) {
      socket.closeHandler(v -> action.run());
    }

    @Override
    public void onDrain(Runnable action) {
      socket.drainHandler(v -> action.run());
    }
  }

  /**
   * One running watch: storage events in (on the store's threads), encoded events out (on the request's event loop).
   *
   * <p>Events wait in a queue of the stream's own and are written in batches: a drain task on the event loop takes
   * every event that is waiting and writes them together (over HTTP, one write; over a WebSocket, one message each).
   * A stream that keeps up writes each event as it comes; one that falls behind writes several per write, so a busy
   * server spends less per event, not more. While the client does not read (the write queue is full) events wait in
   * the queue; beyond {@link #READY_BYTES} the stream asks its storage watch to pause (so a large initial state is
   * read no faster than it is written), and the watch's own bound ends a watcher that falls too far behind with 410.
   * {@link #MAX_PENDING_BYTES} is the last resort for a watch that does not pause.
   */
  private final class Stream implements ResourceWatchListener {
    private final ResourceRequest request;
    private final MediaTypes.Representation as;
    private final ReadParams params;
    private final WatchOptions options;
    private final Duration timeout;
    private final Sink sink;
    private final Context context;
    private ResourceWatch watch;
    private long lastRevision;
    private boolean firstTable = true;
    private boolean finished;
    /** Events (and at last the storage's close, a {@link Closed}) not yet written; filled by the store's threads. */
    private final ConcurrentLinkedQueue<Object> pending = new ConcurrentLinkedQueue<>();
    private final AtomicLong pendingBytes = new AtomicLong();
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private final AtomicBoolean tooSlow = new AtomicBoolean();
    private long deadlineTimer = -1;
    private long bookmarkTimer = -1;
    private long recheckTimer = -1;
    /** Whether its writes go out, for an HTTP/2 stream; null otherwise. */
    private final StreamProgress progress;
    private long checkTimer = -1;
    private boolean stalled;
    private Runnable unregister = () -> { };

    Stream(ResourceRequest request, MediaTypes.Representation as, ReadParams params, WatchOptions options,
        Duration timeout, Sink sink, StreamProgress progress) {
      this.request = request;
      this.as = as;
      this.params = params;
      this.options = options;
      this.timeout = timeout;
      this.sink = sink;
      this.progress = progress;
      this.context = request.routing().vertx().getOrCreateContext();
      this.lastRevision = options.revision();
    }

    void start() {
      unregister = api.metrics().watcher(request.definition().group(), request.definition().names().plural());
      sink.onClose(this::finish);
      sink.onDrain(this::drain);
      long millis = timeout.toMillis();
      deadlineTimer = api.vertx().setTimer(millis, id -> {
        deadlineTimer = -1;
        finish();
      });
      if (params.allowBookmarks() && millis > 4_000) {
        bookmarkTimer = api.vertx().setTimer(millis - 2_000, id -> {
          bookmarkTimer = -1;
          if (!finished && lastRevision > 0) {
            send("BOOKMARK", Json.bytes(api.renderer().bookmark(request, as, lastRevision, false)));
          }
        });
      }
      watch = api.store().watch(request.type(), options, this);
    }

    @Override
    public void onEvent(WatchEvent event) {
      if (tooSlow.get()) {
        return;
      }
      long weight = weight(event);
      long bytes = pendingBytes.addAndGet(weight);
      if (bytes > MAX_PENDING_BYTES && bytes != weight) {
        // The client has not read for a while: what waits is dropped, and the watch ends with 410 at once (the write
        // queue being full, a queued close would wait for the client too).
        if (tooSlow.compareAndSet(false, true)) {
          context.runOnContext(v -> {
            pending.clear();
            close(new StorageException(StorageErrorCode.TOO_SLOW, TOO_SLOW));
          });
        }
        return;
      }
      pending.add(event);
      scheduleDrain();
    }

    @Override
    public void onClose(StorageException error) {
      pending.add(new Closed(error));
      scheduleDrain();
    }

    @Override
    public boolean ready() {
      return pendingBytes.get() < READY_BYTES;
    }

    /** The storage's end of the watch, queued behind the events before it. */
    private record Closed(StorageException error) {}

    private static long weight(WatchEvent event) {
      return event.object() == null ? 64 : event.object().json().length + 64L;
    }

    private void scheduleDrain() {
      if (drainScheduled.compareAndSet(false, true)) {
        context.runOnContext(v -> drain());
      }
    }

    /** Writes what waits, in batches, until nothing waits or the client stops reading. On the event loop. */
    private void drain() {
      drainScheduled.set(false);
      List<Line> batch = new ArrayList<>();
      int batchBytes = 0;
      while (!finished && !sink.full()) {
        Object next = pending.poll();
        if (next == null) {
          break;
        }
        if (next instanceof Closed closed) {
          write(batch, batchBytes);
          close(closed.error());
          break;
        }
        WatchEvent event = (WatchEvent) next;
        pendingBytes.addAndGet(-weight(event));
        Line line;
        try {
          line = line(event);
        } catch (ApiException e) {
          write(batch, batchBytes);
          sendError(e);
          finish();
          break;
        }
        if (line == null) {
          continue;
        }
        batch.add(line);
        batchBytes += line.length();
        if (!sink.batches() || batchBytes >= MAX_BATCH_BYTES) {
          write(batch, batchBytes);
          batch.clear();
          batchBytes = 0;
        }
      }
      write(batch, batchBytes);
      if (!finished && watch != null && ready()) {
        watch.resume();
      }
      if (finished) {
        pending.clear();
        return;
      }
      if (sink.full() && !pending.isEmpty() && recheckTimer < 0) {
        // The sink's drain handler resumes; as it may not be called for every way a queue fills (an HTTP/2 stream
        // also waits for its connection), the queue is looked at again shortly too.
        recheckTimer = api.vertx().setTimer(RECHECK_FULL_MILLIS, id -> {
          recheckTimer = -1;
          drain();
        });
      }
      // Otherwise an event queued during this run has scheduled the next one.
    }

    /**
     * Looks at an HTTP/2 stream with a write waiting, every {@link #CHECK_MILLIS} while one waits. A write that has
     * waited that long, none of the stream's writes going out, has the stream checked for a missed writability change
     * (Netty has the stream writable, Vert.x still waits: BENCHMARKS.md, finding 8), which is repaired: Vert.x writes
     * what it holds, and what waits here follows. A stream stalled for {@link #STALL_MILLIS} is reset.
     */
    private void check() {
      checkTimer = -1;
      if (finished) {
        return;
      }
      long now = System.nanoTime();
      if (progress.stalled(now)) {
        stall(now);
        return;
      }
      if (progress.quietFor(now) >= CHECK_MILLIS * 1_000_000L && sink.nudge()) {
        long nudges = NUDGES.incrementAndGet();
        if (Long.bitCount(nudges) == 1) { // the 1st, 2nd, 4th, 8th... in this server
          LOG.info("told a watch stream of {} that it is writable, which Vert.x had missed for {} ms ({} streams so "
              + "far; see BENCHMARKS.md finding 8)", request.definition().names().plural(),
              progress.quietFor(now) / 1_000_000, nudges);
        }
        scheduleDrain();
      }
      armCheck();
    }

    private void armCheck() {
      if (checkTimer < 0 && progress.waiting()) {
        checkTimer = api.vertx().setTimer(CHECK_MILLIS, id -> check());
      }
    }

    /**
     * Ends a stream that the server no longer writes to while its connection goes on: what is queued cannot go out
     * (an ERROR event would wait behind it too), so the stream is reset and the client watches again from the last
     * resourceVersion it got.
     */
    private void stall(long now) {
      LOG.warn("reset an HTTP/2 watch stream of {} ({} events waiting): none of its writes went out for {} ms while "
          + "other streams of its connection wrote (a stalled stream, see BENCHMARKS.md finding 8); {}",
          request.definition().names().plural(), pending.size(), progress.quietFor(now) / 1_000_000, sink.state());
      stalled = true;
      finish();
      pending.clear();
    }

    /** Writes {@code lines} ({@code bytes} in all) in one write: one buffer of that size, each line copied once. */
    private void write(List<Line> lines, int bytes) {
      if (lines.isEmpty() || finished) {
        return;
      }
      if (sink.closed()) {
        finish();
        return;
      }
      Buffer buffer = Buffer.buffer(bytes);
      for (Line line : lines) {
        line.appendTo(buffer);
      }
      Future<Void> written = sink.write(buffer);
      if (progress != null) {
        progress.sent(System.nanoTime());
        written.onComplete(done -> progress.done(done.succeeded(), System.nanoTime()));
        armCheck();
      }
    }

    private void close(StorageException error) {
      if (error != null && (error.code() == StorageErrorCode.COMPACTED || error.code() == StorageErrorCode.TOO_SLOW)) {
        String message = error.code() == StorageErrorCode.COMPACTED
            ? "The resourceVersion for the provided watch is too old."
            : TOO_SLOW;
        sendError(ApiException.of(410, "Expired", message));
      }
      finish();
    }

    /**
     * The line of one event as written, or null when the watcher does not get it (a bookmark it did not ask for).
     *
     * @throws ApiException when the event cannot be rendered as asked (the watch ends with it)
     */
    private Line line(WatchEvent event) {
      if (event.type() == WatchEvent.Type.BOOKMARK) {
        if (!params.allowBookmarks()) {
          return null;
        }
        boolean end = event.initialEventsEnd() && Boolean.TRUE.equals(params.sendInitialEvents());
        if (event.initialEventsEnd() && !end && event.resourceVersion() <= lastRevision) {
          return null;
        }
        lastRevision = Math.max(lastRevision, event.resourceVersion());
        return new Line("BOOKMARK", Json.bytes(api.renderer().bookmark(request, as, event.resourceVersion(), end)));
      }
      lastRevision = Math.max(lastRevision, event.resourceVersion());
      byte[] object = api.renderer().watchObject(request, as, event, firstTable);
      firstTable = false;
      return new Line(event.type().name(), object);
    }

    private void send(String type, byte[] object) {
      Line line = new Line(type, object);
      write(List.of(line), line.length());
    }

    private void sendError(ApiException error) {
      if (!finished) {
        send("ERROR", Json.bytes(error.toStatus()));
      }
    }

    private void finish() {
      if (finished) {
        return;
      }
      finished = true;
      unregister.run();
      if (deadlineTimer >= 0) {
        api.vertx().cancelTimer(deadlineTimer);
      }
      if (bookmarkTimer >= 0) {
        api.vertx().cancelTimer(bookmarkTimer);
      }
      if (recheckTimer >= 0) {
        api.vertx().cancelTimer(recheckTimer);
      }
      if (checkTimer >= 0) {
        api.vertx().cancelTimer(checkTimer);
      }
      if (watch != null) {
        watch.close();
      }
      if (progress != null) {
        progress.close();
      }
      if (stalled) {
        sink.abort();
      } else {
        sink.end();
      }
    }
  }
}
