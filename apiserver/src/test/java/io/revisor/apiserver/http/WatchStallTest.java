package io.revisor.apiserver.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.revisor.apiserver.testing.ApiClient;
import io.revisor.apiserver.testing.ApiClient.Response;
import io.revisor.apiserver.testing.RevisorServer;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.StreamResetException;
import io.vertx.core.net.PemTrustOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * An HTTP/2 watch stream that the server cannot write to while other streams of its connection go on is reset after
 * {@link WatchHandler#STALL_MILLIS}; the other streams, a slow one included, keep every event.
 *
 * <p>The stalled stream here is one whose client reads nothing (its stream window runs out; the connection's window is
 * large): to the server it looks as a stream that Vert.x no longer writes to looks, a full write queue that never
 * drains while its neighbours write.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WatchStallTest {
  private static final String NOTES = "/apis/test.revisor.io/v1/namespaces/stall/notes";
  /** Enough 4 KiB events to fill a 64 KiB stream window and the server's write queue behind it. */
  private static final int FILL = 40;

  @TempDir
  static Path definitions;

  private RevisorServer server;
  private ApiClient api;
  private Vertx vertx;
  private HttpClientAgent http2;

  @BeforeAll
  void start() throws IOException {
    Files.writeString(definitions.resolve("notes.yaml"), WatchStreamTest.DEFINITIONS);
    server = RevisorServer.embedded("--resource-definitions=" + definitions);
    api = server.admin();
    vertx = Vertx.vertx();
    // One connection (Vert.x's HTTP/2 pool default) with the protocol's 64 KiB stream windows, and a connection
    // window large enough that a stream whose client does not read cannot hold the other streams up.
    http2 = vertx.createHttpClient(new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2).setSsl(true)
        .setUseAlpn(true).setTrustOptions(new PemTrustOptions().addCertPath(server.caFile().toString()))
        .setHttp2ConnectionWindowSize(64 << 20));
  }

  @AfterAll
  void stop() {
    http2.close().await();
    vertx.close().await();
    server.close();
  }

  /** One watch over the shared connection: its events counted as they are read, how it ended. */
  private final class Watch {
    final AtomicInteger events = new AtomicInteger();
    final CompletableFuture<Throwable> ended = new CompletableFuture<>();
    final HttpClientResponse response;
    /** The context of the response's connection: pause and resume run on it. */
    volatile Context context;
    private final StringBuilder partial = new StringBuilder();

    Watch(String resourceVersion, boolean paused) throws Exception {
      RequestOptions request = new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1")
          .setPort(server.port()).setURI(NOTES + "?watch=true&resourceVersion=" + resourceVersion)
          .putHeader("Authorization", "Bearer " + RevisorServer.ADMIN_TOKEN);
      response = http2.request(request).compose(r -> {
        r.exceptionHandler(ended::complete);
        return r.send();
      }).map(r -> {
        context = Vertx.currentContext();
        if (paused) {
          r.pause();
        }
        r.handler(this::chunk);
        r.exceptionHandler(ended::complete);
        r.endHandler(v -> ended.complete(null));
        return r;
      }).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.version()).isEqualTo(HttpVersion.HTTP_2);
    }

    private void chunk(Buffer chunk) {
      partial.append(chunk.toString(StandardCharsets.UTF_8));
      int newline;
      while ((newline = partial.indexOf("\n")) >= 0) {
        String line = partial.substring(0, newline);
        partial.delete(0, newline + 1);
        if (line.startsWith("{\"type\":\"ADDED\"")) {
          events.incrementAndGet();
        }
      }
    }
  }

  @Test
  void aStreamThatStopsWhileItsConnectionMovesIsResetAndTheOthersKeepEveryEvent() throws Exception {
    String rv = api.get(NOTES).json().path("metadata").path("resourceVersion").asText();
    Watch reading = new Watch(rv, false);
    Watch stopped = new Watch(rv, true);
    Watch slow = new Watch(rv, true);
    assertThat(stopped.response.request().connection()).isSameAs(reading.response.request().connection());
    assertThat(slow.response.request().connection()).isSameAs(reading.response.request().connection());

    // The slow client reads what has come every 3 s: its queue fills between reads, but its writes go out.
    long slowReads = vertx.setPeriodic(3_000, id -> slow.context.runOnContext(v -> {
      slow.response.resume();
      vertx.setTimer(100, t -> slow.context.runOnContext(w -> slow.response.pause()));
    }));
    int created = 0;
    long started = System.nanoTime();
    Throwable reset = null;
    try {
      String text = "x".repeat(4 << 10);
      for (; created < FILL; created++) {
        create("f" + created, text);
      }
      // Changes at 4 per second keep the connection moving until the stopped stream is reset, within a bound.
      long deadline = started + TimeUnit.MILLISECONDS.toNanos(WatchHandler.STALL_MILLIS) + TimeUnit.SECONDS.toNanos(20);
      while (System.nanoTime() < deadline && created < 200) {
        create("m" + created, text);
        created++;
        try {
          reset = stopped.ended.get(250, TimeUnit.MILLISECONDS);
          break;
        } catch (TimeoutException stillOpen) {
          // go on
        }
      }
    } finally {
      vertx.cancelTimer(slowReads);
    }
    assertThat(reset).as("the stopped stream was reset within %d s of the stall time",
        20).isInstanceOf(StreamResetException.class);
    assertThat(((StreamResetException) reset).getCode()).isEqualTo(2L); // INTERNAL_ERROR
    long took = System.nanoTime() - started;
    assertThat(took).as("not before the stall time").isGreaterThanOrEqualTo(
        TimeUnit.MILLISECONDS.toNanos(WatchHandler.STALL_MILLIS));

    slow.context.runOnContext(v -> slow.response.resume());
    int expected = created;
    awaitCount(reading, expected, Duration.ofSeconds(10));
    awaitCount(slow, expected, Duration.ofSeconds(10));
    assertThat(reading.ended).as("the reading stream goes on").isNotDone();
    assertThat(slow.ended).as("the slow stream goes on").isNotDone();
    assertThat(stopped.events.get()).as("the stopped stream read nothing").isZero();

    // A new watch from the same resourceVersion on the same connection gets every event.
    Watch again = new Watch(rv, false);
    awaitCount(again, expected, Duration.ofSeconds(10));
  }

  private void create(String name, String text) {
    Response response = api.post(NOTES, "{\"apiVersion\":\"test.revisor.io/v1\",\"kind\":\"Note\",\"metadata\":"
        + "{\"name\":\"" + name + "\"},\"text\":\"" + text + "\"}");
    assertThat(response.code()).as(response.toString()).isEqualTo(201);
  }

  private static void awaitCount(Watch watch, int expected, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (watch.events.get() < expected && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(watch.events.get()).as("events within %s", timeout).isEqualTo(expected);
  }
}
