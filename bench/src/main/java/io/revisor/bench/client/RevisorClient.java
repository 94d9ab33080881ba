package io.revisor.bench.client;

import io.revisor.bench.env.RevisorServer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.Http2Settings;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.PemTrustOptions;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

/**
 * Revisor's API over HTTPS and HTTP/2 (ALPN), JSON, with a bearer token, trusting only the server's CA.
 *
 * <p>It holds a fixed number of connections; a request goes on the connection of its {@code lane} (lane modulo the
 * number of connections), so callers spread load, or a given set of watches, over connections explicitly. Each
 * connection multiplexes up to the server's stream limit. Flow-control windows are Go's HTTP/2 client's (4 MiB per
 * stream, 64 MiB per connection here), so that the client's window is not what a measurement measures.
 * Thread-safe.
 */
public final class RevisorClient implements AutoCloseable {
  private static final long REQUEST_TIMEOUT_MS = 120_000;

  private final List<HttpClientAgent> connections;
  private final String authorization;

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

  private RevisorClient(List<HttpClientAgent> connections, String token) {
    this.connections = connections;
    this.authorization = "Bearer " + token;
  }

  /** A client of {@code server} with {@code connections} HTTP/2 connections, opened on first use. */
  public static RevisorClient connect(Vertx vertx, RevisorServer server, int connections) {
    HttpClientOptions options = new HttpClientOptions()
        .setProtocolVersion(HttpVersion.HTTP_2)
        .setUseAlpn(true)
        .setSsl(true)
        .setTrustOptions(new PemTrustOptions().addCertPath(server.caFile().toString()))
        .setDefaultHost("127.0.0.1")
        .setDefaultPort(server.port())
        .setHttp2MultiplexingLimit(-1)
        .setHttp2ConnectionWindowSize(64 << 20)
        .setInitialSettings(new Http2Settings().setInitialWindowSize(4 << 20));
    PoolOptions pool = new PoolOptions().setHttp2MaxSize(1).setHttp1MaxSize(1);
    List<HttpClientAgent> agents = IntStream.range(0, connections)
        .mapToObj(i -> vertx.createHttpClient(options, pool)).toList();
    return new RevisorClient(agents, server.token());
  }

  private Future<HttpClientRequest> open(int lane, HttpMethod method, String path) {
    RequestOptions request = new RequestOptions().setMethod(method).setURI(path)
        .putHeader("Authorization", authorization)
        .putHeader("Accept", "application/json")
        .putHeader("User-Agent", "revisor-bench");
    return connections.get(Math.floorMod(lane, connections.size())).request(request);
  }

  /**
   * Sends a request and reads the whole answer.
   *
   * @param body a JSON body, or null
   */
  public CompletionStage<Response> send(int lane, HttpMethod method, String path, byte[] body) {
    return open(lane, method, path).compose(request -> {
      request.idleTimeout(REQUEST_TIMEOUT_MS);
      if (body == null) {
        return request.send();
      }
      request.putHeader("Content-Type", "application/json");
      return request.send(Buffer.buffer(body));
    }).compose(response -> response.body().map(b -> new Response(response.statusCode(), b))).toCompletionStage();
  }

  /**
   * A GET whose answer must be 200; its body is counted and dropped as it arrives instead of being held.
   *
   * @return the body's size in bytes; fails with {@link StatusException} on another status
   */
  public CompletionStage<Long> consume(int lane, String path) {
    return open(lane, HttpMethod.GET, path).compose(HttpClientRequest::send).compose(response -> {
      if (response.statusCode() != 200) {
        return response.body().compose(b -> Future.failedFuture(
            new StatusException("GET " + path, new Response(response.statusCode(), b))));
      }
      AtomicLong bytes = new AtomicLong();
      return Future.<Long>future(promise -> {
        response.handler(b -> bytes.addAndGet(b.length()));
        response.exceptionHandler(promise::tryFail);
        response.endHandler(v -> promise.tryComplete(bytes.get()));
      });
    }).toCompletionStage();
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
    connections.forEach(HttpClientAgent::close);
  }
}
