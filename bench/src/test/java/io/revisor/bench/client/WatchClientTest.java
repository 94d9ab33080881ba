package io.revisor.bench.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.revisor.apiserver.tls.SelfSignedCertificates;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.PemKeyCertOptions;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link WatchClient} against an in-process HTTP/2 server over TLS (Vert.x's, as Revisor's), one path per behavior:
 * lines across frames, a status other than 200, a reset stream, a closed connection, a body that ends inside a line,
 * bodies larger than every flow-control window, and closing from this side.
 */
class WatchClientTest {
  private static final String TOKEN = "t0ken";
  /** Bytes per stream of /big: the streams of one connection together exceed its window. */
  private static final int BIG = WatchClient.CONNECTION_WINDOW / 2 + 8 * WatchClient.STREAM_WINDOW;

  @TempDir
  static Path certs;
  private static Vertx vertx;
  private static HttpServer server;
  private static final Map<String, String> requestHeaders = new ConcurrentHashMap<>();
  private static final CompletableFuture<Void> foreverClosed = new CompletableFuture<>();

  @BeforeAll
  static void serve() throws Exception {
    SelfSignedCertificates.ensure(certs, List.of(), Clock.systemUTC());
    vertx = Vertx.vertx();
    server = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0).setSsl(true)
            .setUseAlpn(true).setAlpnVersions(List.of(HttpVersion.HTTP_2))
            .setKeyCertOptions(new PemKeyCertOptions().setCertPath(certs.resolve("tls.crt").toString())
                .setKeyPath(certs.resolve("tls.key").toString())))
        .requestHandler(WatchClientTest::handle).listen().toCompletionStage().toCompletableFuture()
        .get(30, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private static void handle(HttpServerRequest request) {
    HttpServerResponse response = request.response();
    switch (request.path()) {
      case "/lines" -> {
        request.headers().forEach(h -> requestHeaders.put(h.getKey().toLowerCase(), h.getValue()));
        requestHeaders.put(":method", request.method().name());
        requestHeaders.put(":query", request.query());
        response.writeHead()
            .compose(v -> response.write("{\"n\":1}\n{\"n\""))
            .compose(v -> response.write(":2}\n"))
            .compose(v -> response.write("{\"n\":3}\n{\"n\":4}\n"))
            .compose(v -> response.end("{\"n\":5}\n"));
      }
      case "/forbidden" -> response.setStatusCode(403).end("{\"kind\":\"Status\",\"reason\":\"Forbidden\"}");
      case "/reset" -> response.write("{\"n\":1}\n").onComplete(v -> response.reset(8));
      case "/close" -> response.write("{\"n\":1}\n").onComplete(v -> request.connection().close());
      case "/partial" -> response.write("{\"n\":1}\n{\"n\"").compose(v -> response.end());
      case "/big" -> writeBig(response, 0);
      case "/forever" -> {
        response.closeHandler(v -> foreverClosed.complete(null));
        response.write("{\"n\":1}\n");
      }
      default -> response.setStatusCode(404).end();
    }
  }

  /** {@link #BIG} bytes of 1 KiB lines, as fast as the stream takes them. */
  private static void writeBig(HttpServerResponse response, long written) {
    String start = "{\"object\":{\"pad\":\"";
    String end = "\"}}\n";
    Buffer line = Buffer.buffer(start + "x".repeat(1024 - start.length() - end.length()) + end);
    long sent = written;
    while (sent < BIG) {
      response.write(line);
      sent += line.length();
      if (response.writeQueueFull()) {
        long next = sent;
        response.drainHandler(v -> writeBig(response, next));
        return;
      }
    }
    response.end();
  }

  private WatchClient client(int connections) {
    return WatchClient.connect("127.0.0.1", server.actualPort(), certs.resolve("ca.crt"), TOKEN, connections);
  }

  /** What one watch saw. */
  private static final class Seen {
    final List<String> lines = new CopyOnWriteArrayList<>();
    final AtomicLong chunkBytes = new AtomicLong();
    final AtomicLong lineCount = new AtomicLong();
    final CompletableFuture<Throwable> ended = new CompletableFuture<>();
    CompletableFuture<RevisorClient.Watch> opened;

    Seen watch(WatchClient client, int lane, String path, boolean keepLines) {
      opened = client.watch(lane, path, chunk -> chunkBytes.addAndGet(chunk.length()), line -> {
        lineCount.incrementAndGet();
        if (keepLines) {
          lines.add(line.toString(StandardCharsets.UTF_8));
        }
      }, end -> {
        if (!ended.complete(end)) {
          throw new AssertionError("onEnd called twice");
        }
      }).toCompletableFuture();
      return this;
    }

    Throwable end() throws Exception {
      return ended.get(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void deliversLinesAcrossFramesAndTheEnd() throws Exception {
    try (WatchClient client = client(2)) {
      Seen seen = new Seen().watch(client, 1, "/lines?watch=true&resourceVersion=7", true);
      assertThat(seen.opened.get(30, TimeUnit.SECONDS)).isNotNull();
      assertThat(seen.end()).isNull();
      assertThat(seen.lines).containsExactly("{\"n\":1}", "{\"n\":2}", "{\"n\":3}", "{\"n\":4}", "{\"n\":5}");
      assertThat(seen.chunkBytes.get()).isEqualTo(40);
    }
    assertThat(requestHeaders).containsEntry(":method", "GET").containsEntry(":query", "watch=true&resourceVersion=7")
        .containsEntry("authorization", "Bearer " + TOKEN).containsEntry("accept", "application/json")
        .containsEntry("user-agent", "revisor-bench");
  }

  @Test
  void failsOnAnotherStatusWithTheBody() throws Exception {
    try (WatchClient client = client(1)) {
      Seen seen = new Seen().watch(client, 0, "/forbidden", true);
      assertThatThrownBy(() -> seen.opened.join()).isInstanceOf(CompletionException.class)
          .cause().isInstanceOf(RevisorClient.StatusException.class)
          .hasMessage("watch /forbidden answered 403: {\"kind\":\"Status\",\"reason\":\"Forbidden\"}");
      assertThat(seen.end()).isInstanceOf(RevisorClient.StatusException.class);
      assertThat(seen.lines).isEmpty();
    }
  }

  @ParameterizedTest
  @CsvSource({"/reset, the server reset the stream: CANCEL",
      "/partial, the stream ended inside a line: 4 bytes after the last line end"})
  void reportsAStreamThatEndsBadlyAfterALine(String path, String reason) throws Exception {
    try (WatchClient client = client(1)) {
      Seen seen = new Seen().watch(client, 0, path, true);
      assertThat(seen.end()).isInstanceOf(IOException.class).hasMessage(reason);
      assertThat(seen.lines).containsExactly("{\"n\":1}");
    }
  }

  @Test
  void reportsAClosedConnection() throws Exception {
    try (WatchClient client = client(1)) {
      Seen seen = new Seen().watch(client, 0, "/close", true);
      assertThat(seen.end()).isInstanceOf(IOException.class).hasMessageContaining("connection 0 of 1 to 127.0.0.1:")
          .hasMessageContaining("GOAWAY");
      assertThat(seen.lines).containsExactly("{\"n\":1}");
      Seen after = new Seen().watch(client, 0, "/lines", true);
      assertThat(after.end()).isInstanceOf(IOException.class);
    }
  }

  @Test
  void reportsAFailedConnect() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    try (WatchClient client = WatchClient.connect("127.0.0.1", port, certs.resolve("ca.crt"), TOKEN, 1)) {
      Seen seen = new Seen().watch(client, 0, "/lines", true);
      assertThat(seen.end()).isInstanceOf(IOException.class).hasMessageContaining("cannot connect");
      assertThat(seen.opened).isCompletedExceptionally();
    }
  }

  @Test
  void readsMoreThanEveryWindowAtFullSpeed() throws Exception {
    try (WatchClient client = client(1)) {
      List<Seen> streams = List.of(new Seen().watch(client, 0, "/big", false),
          new Seen().watch(client, 0, "/big", false));
      for (Seen seen : streams) {
        assertThat(seen.end()).isNull();
        assertThat(seen.chunkBytes.get()).isEqualTo(BIG);
        assertThat(seen.lineCount.get()).isEqualTo(BIG / 1024);
      }
    }
  }

  @Test
  void closesAWatchAndItsThreads() throws Exception {
    WatchClient client = client(2);
    Seen seen = new Seen().watch(client, 0, "/forever", true);
    RevisorClient.Watch watch = seen.opened.get(30, TimeUnit.SECONDS);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (seen.lineCount.get() == 0 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(watch.describe()).matches("stream \\d+ on connection 0 of 2 to 127\\.0\\.0\\.1:\\d+: 8 bytes of DATA "
        + "decoded for it, its receive window 1,048,568 bytes \\(0 read and not yet given back\\), state "
        + "HALF_CLOSED_LOCAL; the connection: 8 bytes of DATA decoded, receive window 67,108,856 bytes, 1 streams "
        + "active, open");
    watch.close();
    assertThat(seen.end()).isInstanceOf(CancellationException.class).hasMessage("watch closed by this client");
    foreverClosed.get(30, TimeUnit.SECONDS);
    Seen open = new Seen().watch(client, 1, "/forever", true);
    open.opened.get(30, TimeUnit.SECONDS);
    client.close();
    assertThat(open.end()).isInstanceOf(CancellationException.class).hasMessage("the watch client was closed");
    deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().startsWith("revisor-bench-watch"))
        && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().startsWith("revisor-bench-watch"));
  }
}
