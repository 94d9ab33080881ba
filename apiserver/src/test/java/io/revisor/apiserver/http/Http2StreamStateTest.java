package io.revisor.apiserver.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The state finding 8 left streams in, made on purpose: Netty has the stream writable but last told Vert.x "not
 * writable", and Vert.x waits. Written data then stays in the server for good; {@link Http2StreamState#nudge} makes
 * Netty tell Vert.x, and it goes out.
 */
class Http2StreamStateTest {
  private static final int CHUNKS = 20;
  private static final int CHUNK = 1024;

  private Vertx vertx;
  private HttpServer server;
  private HttpClientAgent client;
  private final CompletableFuture<HttpServerResponse> served = new CompletableFuture<>();
  private volatile Context serverContext;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    server = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0))
        .requestHandler(request -> {
          serverContext = Vertx.currentContext();
          HttpServerResponse response = request.response();
          response.writeHead();
          served.complete(response);
        });
    server.listen().await(10, TimeUnit.SECONDS);
    // HTTP/2 over cleartext with prior knowledge: the same codec-based connection as over TLS.
    client = vertx.createHttpClient(new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2)
        .setHttp2ClearTextUpgrade(false));
  }

  @AfterEach
  void stop() throws Exception {
    client.close().await(10, TimeUnit.SECONDS);
    server.close().await(10, TimeUnit.SECONDS);
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void aStreamThatMissedBecomingWritableWritesAgainOnceNudged() throws Exception {
    AtomicLong received = new AtomicLong();
    HttpClientResponse answer = client.request(new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1")
        .setPort(server.actualPort()).setURI("/"))
        .compose(request -> request.send())
        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    answer.handler(chunk -> received.addAndGet(chunk.length()));
    assertThat(answer.version()).isEqualTo(HttpVersion.HTTP_2);
    HttpServerResponse response = served.get(10, TimeUnit.SECONDS);

    onServer(() -> {
      assertThat(Http2StreamState.nudge(response)).as("nothing to repair").isFalse();
      missWritability(response);
      for (int i = 0; i < CHUNKS; i++) {
        response.write(Buffer.buffer(new byte[CHUNK]));
      }
      return null;
    });
    String state = onServer(() -> Http2StreamState.describe(response));
    assertThat(state).contains("Vert.x: writable=false", "writable=true told=false", "channel writable=true");
    assertThat(onServer(response::writeQueueFull)).as("Vert.x holds the writes").isTrue();

    assertThat(onServer(() -> Http2StreamState.nudge(response))).isTrue();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (received.get() < CHUNKS * CHUNK && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(received.get()).as("every byte written arrives").isEqualTo(CHUNKS * CHUNK);
    assertThat(onServer(response::writeQueueFull)).isFalse();
    assertThat(onServer(() -> Http2StreamState.describe(response))).contains("writable=true told=true");
    assertThat(onServer(() -> Http2StreamState.nudge(response))).as("repaired once").isFalse();
  }

  /** Puts the stream in the state of finding 8: Netty last told Vert.x "not writable", and Vert.x believes it. */
  private static void missWritability(HttpServerResponse response) throws ReflectiveOperationException {
    Object stream = get(response, "stream");
    set(stream, "writable", false);
    Object handler = get(get(stream, "connection"), "handler");
    Object connection = invoke(handler, "connection");
    Object nettyStream = invoke(connection, "stream", ((Number) get(stream, "id")).intValue());
    Object flow = invoke(invoke(handler, "encoder"), "flowController");
    set(invoke(flow, "state", nettyStream), "markedWritable", false);
  }

  private <T> T onServer(Callable<T> action) throws Exception {
    CompletableFuture<T> result = new CompletableFuture<>();
    serverContext.runOnContext(v -> {
      try {
        result.complete(action.call());
      } catch (Throwable e) {
        result.completeExceptionally(e);
      }
    });
    return result.get(10, TimeUnit.SECONDS);
  }

  private static Field field(Object target, String name) throws NoSuchFieldException {
    for (Class<?> type = target.getClass(); type != null; type = type.getSuperclass()) {
      for (Field field : type.getDeclaredFields()) {
        if (field.getName().equals(name)) {
          field.setAccessible(true);
          return field;
        }
      }
    }
    throw new NoSuchFieldException(name);
  }

  private static Object get(Object target, String name) throws ReflectiveOperationException {
    return field(target, name).get(target);
  }

  private static void set(Object target, String name, Object value) throws ReflectiveOperationException {
    field(target, name).set(target, value);
  }

  private static Object invoke(Object target, String name, Object... args) throws ReflectiveOperationException {
    for (Class<?> type = target.getClass(); type != null; type = type.getSuperclass()) {
      for (Method method : type.getDeclaredMethods()) {
        if (method.getName().equals(name) && method.getParameterCount() == args.length) {
          method.setAccessible(true);
          return method.invoke(target, args);
        }
      }
    }
    throw new NoSuchMethodException(name);
  }
}
