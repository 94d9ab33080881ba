package io.revisor.bench.client;

import io.revisor.bench.env.RevisorServer;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.Http2Settings;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.net.PemTrustOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.stream.IntStream;

/**
 * Revisor's API over HTTPS and HTTP/2 (ALPN), JSON, with a bearer token, trusting only the server's CA.
 *
 * <p>It holds a fixed number of connections; a request goes on the connection of its {@code lane} (lane modulo the
 * number of connections), so callers spread load, or a given set of watches, over connections explicitly. Each
 * connection multiplexes up to the server's stream limit. Flow-control windows are Go's HTTP/2 client's (4 MiB per
 * stream, 64 MiB per connection here), so that the client's window is not what a measurement measures.
 *
 * <p>Every exchange runs on its connection's own Vert.x context, whichever thread asks for it. Vert.x 5.1.6's HTTP/2
 * client loses response bodies otherwise: a request made outside a Vert.x thread gets a context of its own, its
 * response is handed over in a later task of the event loop, and data that arrives first is dropped
 * ({@code HttpClientResponseImpl.handleChunk} drops chunks while no handler is set; {@code body()} called after the
 * end completes with what it holds, often nothing). About 1 in 5,000 sequential requests from one plain thread lost
 * its whole body that way (a 200 with 0 bytes); none did from the connection's context
 * ({@code RevisorClientTest}). Thread-safe.
 */
public final class RevisorClient implements AutoCloseable {
  private static final long REQUEST_TIMEOUT_MS = 120_000;

  private final List<Connection> connections;
  private final String authorization;

  /** One HTTP/2 connection and the context all its exchanges run on. */
  private record Connection(HttpClientAgent agent, ContextInternal context) {}

  /** A response: its status and whole body. */
  public record Response(int status, Buffer body) {
    /** The body as text, cut at {@code max} characters, for error messages. */
    public String text(int max) {
      String s = body.toString(StandardCharsets.UTF_8);
      return s.length() <= max ? s : s.substring(0, max) + "...";
    }
  }

  /** A request that answered with an unexpected status. */
  public static final class StatusException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public StatusException(String what, Response response) {
      super(what + " answered " + response.status() + ": " + response.text(300));
    }
  }

  private RevisorClient(List<Connection> connections, String token) {
    this.connections = connections;
    this.authorization = "Bearer " + token;
  }

  /** A client of {@code server} with {@code connections} HTTP/2 connections, opened on first use. */
  public static RevisorClient connect(Vertx vertx, RevisorServer server, int connections) {
    return connect(vertx, "127.0.0.1", server.port(), server.caFile(), server.token(), connections);
  }

  /**
   * A client of the server at {@code host:port}, whose certificate {@code caFile} signed, with {@code connections}
   * HTTP/2 connections, opened on first use.
   */
  public static RevisorClient connect(Vertx vertx, String host, int port, Path caFile, String token, int connections) {
    HttpClientOptions options = new HttpClientOptions()
        .setProtocolVersion(HttpVersion.HTTP_2)
        .setUseAlpn(true)
        .setSsl(true)
        .setTrustOptions(new PemTrustOptions().addCertPath(caFile.toString()))
        .setDefaultHost(host)
        .setDefaultPort(port)
        .setHttp2MultiplexingLimit(-1)
        .setHttp2ConnectionWindowSize(64 << 20)
        .setInitialSettings(new Http2Settings().setInitialWindowSize(4 << 20));
    PoolOptions pool = new PoolOptions().setHttp2MaxSize(1).setHttp1MaxSize(1);
    // Each connection's context is on the next event loop, so that the connections spread over them.
    List<Connection> lanes = IntStream.range(0, connections)
        .mapToObj(i -> new Connection(vertx.createHttpClient(options, pool),
            ((VertxInternal) vertx).createEventLoopContext()))
        .toList();
    return new RevisorClient(lanes, token);
  }

  /** Runs {@code exchange} on the context of the connection of {@code lane}, whichever thread calls. */
  private <T> CompletionStage<T> onLane(int lane, Function<HttpClientAgent, Future<T>> exchange) {
    Connection connection = connections.get(Math.floorMod(lane, connections.size()));
    Promise<T> result = connection.context().promise();
    Runnable start = () -> {
      try {
        exchange.apply(connection.agent()).onComplete(result);
      } catch (RuntimeException e) {
        result.tryFail(e);
      }
    };
    if (Vertx.currentContext() == connection.context()) {
      start.run(); // a caller reacting to an answer of this connection: no need to queue a task
    } else {
      connection.context().runOnContext(v -> start.run());
    }
    return result.future().toCompletionStage();
  }

  private Future<HttpClientRequest> open(HttpClientAgent agent, HttpMethod method, String path) {
    RequestOptions request = new RequestOptions().setMethod(method).setURI(path)
        .putHeader("Authorization", authorization)
        .putHeader("Accept", "application/json")
        .putHeader("User-Agent", "revisor-bench");
    return agent.request(request);
  }

  /**
   * Sends a request and reads the whole answer.
   *
   * @param body a JSON body, or null
   */
  public CompletionStage<Response> send(int lane, HttpMethod method, String path, byte[] body) {
    return onLane(lane, agent -> open(agent, method, path).compose(request -> {
      request.idleTimeout(REQUEST_TIMEOUT_MS);
      if (body == null) {
        return request.send();
      }
      request.putHeader("Content-Type", "application/json");
      return request.send(Buffer.buffer(body));
    }).compose(response -> response.body().map(b -> new Response(response.statusCode(), b))));
  }

  /**
   * A GET whose answer must be 200; its body is counted and dropped as it arrives instead of being held.
   *
   * @return the body's size in bytes; fails with {@link StatusException} on another status
   */
  public CompletionStage<Long> consume(int lane, String path) {
    return onLane(lane, agent -> open(agent, HttpMethod.GET, path).compose(HttpClientRequest::send)
        .compose(response -> count(path, response)));
  }

  private static Future<Long> count(String path, HttpClientResponse response) {
    if (response.statusCode() != 200) {
      return response.body().compose(b -> Future.failedFuture(
          new StatusException("GET " + path, new Response(response.statusCode(), b))));
    }
    AtomicLong bytes = new AtomicLong();
    return Future.future(promise -> {
      response.handler(b -> bytes.addAndGet(b.length()));
      response.exceptionHandler(promise::tryFail);
      response.endHandler(v -> promise.tryComplete(bytes.get()));
    });
  }

  /** An open streaming watch (see {@link WatchClient}). */
  public interface Watch {
    /** Ends the stream. */
    void close();

    /** What the client knows of the stream, for a failure report (bytes received, flow-control windows). */
    String describe();
  }

  @Override
  public void close() {
    connections.forEach(c -> c.agent().close());
  }
}
