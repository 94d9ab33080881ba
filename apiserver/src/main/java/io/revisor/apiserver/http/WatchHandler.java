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
import io.vertx.core.http.ServerWebSocket;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * WATCH over a chunked HTTP response (HTTP/1.1 or an HTTP/2 stream) or a WebSocket, one JSON event per chunk or
 * message.
 *
 * <p>Start: {@code resourceVersion} unset or "0" first sends the current state as ADDED events (a consistent list);
 * N sends only changes after N. {@code sendInitialEvents=true} sends the state not older than N, then, with bookmarks,
 * one BOOKMARK annotated {@code k8s.io/initial-events-end}. End: at {@code timeoutSeconds} (default: random in [30,
 * 60) minutes) the stream closes cleanly after a last bookmark; a compacted start or a watcher too slow to keep up
 * gets an ERROR event (410 Expired) and nothing after it.
 */
final class WatchHandler {
  /** Events allowed to pile up in the connection's write queue before the watcher counts as too slow. */
  static final int MAX_PENDING_WHILE_FULL = 10_000;

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
          .onSuccess(ws -> new Stream(request, as, params, options, timeout, new WebSocketSink(ws)).start());
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
      new Stream(request, as, params, options, timeout, new ResponseSink(response)).start();
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
    return Buffer.buffer(object.length + type.length() + 24)
        .appendString("{\"type\":\"").appendString(type).appendString("\",\"object\":")
        .appendBytes(object)
        .appendString("}\n");
  }

  /** Where a watch's events go. */
  private interface Sink {
    void write(Buffer event);

    boolean full();

    void end();

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
    public void write(Buffer event) {
      response.write(event);
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
    public void write(Buffer event) {
      socket.writeTextMessage(event.toString(java.nio.charset.StandardCharsets.UTF_8));
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

  /** One running watch: storage events in, encoded events out, on the request's event loop. */
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
    private int pendingWhileFull;
    private long deadlineTimer = -1;
    private long bookmarkTimer = -1;
    private Runnable unregister = () -> { };

    Stream(ResourceRequest request, MediaTypes.Representation as, ReadParams params, WatchOptions options,
        Duration timeout, Sink sink) {
      this.request = request;
      this.as = as;
      this.params = params;
      this.options = options;
      this.timeout = timeout;
      this.sink = sink;
      this.context = request.routing().vertx().getOrCreateContext();
      this.lastRevision = options.revision();
    }

    void start() {
      unregister = api.metrics().watcher(request.definition().group(), request.definition().names().plural());
      sink.onClose(this::finish);
      sink.onDrain(() -> pendingWhileFull = 0);
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
      context.runOnContext(v -> deliver(event));
    }

    @Override
    public void onClose(StorageException error) {
      context.runOnContext(v -> {
        if (error != null && (error.code() == StorageErrorCode.COMPACTED || error.code() == StorageErrorCode.TOO_SLOW)) {
          String message = error.code() == StorageErrorCode.COMPACTED
              ? "The resourceVersion for the provided watch is too old."
              : "The watch fell too far behind the stream of changes and was closed; list again to resume.";
          sendError(ApiException.of(410, "Expired", message));
        }
        finish();
      });
    }

    private void deliver(WatchEvent event) {
      if (finished) {
        return;
      }
      if (event.type() == WatchEvent.Type.BOOKMARK) {
        if (!params.allowBookmarks()) {
          return;
        }
        boolean end = event.initialEventsEnd() && Boolean.TRUE.equals(params.sendInitialEvents());
        if (event.initialEventsEnd() && !end && event.resourceVersion() <= lastRevision) {
          return;
        }
        lastRevision = Math.max(lastRevision, event.resourceVersion());
        send("BOOKMARK", Json.bytes(api.renderer().bookmark(request, as, event.resourceVersion(), end)));
        return;
      }
      lastRevision = Math.max(lastRevision, event.resourceVersion());
      byte[] object;
      try {
        object = api.renderer().watchObject(request, as, event, firstTable);
      } catch (ApiException e) {
        sendError(e);
        finish();
        return;
      }
      firstTable = false;
      send(event.type().name(), object);
      if (sink.full() && ++pendingWhileFull > MAX_PENDING_WHILE_FULL) {
        sendError(ApiException.of(410, "Expired",
            "The watch fell too far behind the stream of changes and was closed; list again to resume."));
        finish();
      }
    }

    private void send(String type, byte[] object) {
      if (sink.closed()) {
        finish();
        return;
      }
      sink.write(eventLine(type, object));
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
      if (watch != null) {
        watch.close();
      }
      sink.end();
    }
  }
}
