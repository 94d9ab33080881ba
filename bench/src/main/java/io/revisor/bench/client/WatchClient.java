package io.revisor.bench.client;

import io.revisor.bench.env.RevisorServer;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.parsetools.RecordParser;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.stream.IntStream;

/**
 * Streaming watches of Revisor's API over HTTPS and HTTP/2 with the JDK's HTTP client: a fixed number of connections
 * (one client each), many streams multiplexed on each; a watch goes on the connection of its lane.
 *
 * <p>Why not Vert.x's client, which {@link RevisorClient} uses for requests: under the watch fan-out (hundreds of
 * streams per connection on a CPU-bound machine) Vert.x 5.1.6's HTTP/2 client lost response data: some streams'
 * bodies missed events in the middle (whole lines, never handed to the response handler) and then the connection
 * stalled while the server held the rest; a new connection got everything at once. With this client the same runs
 * lost nothing (see BENCHMARKS.md). A benchmark whose verdict is "no event lost" needs a client that loses none.
 * Thread-safe.
 */
public final class WatchClient {
  private final List<HttpClient> connections;
  private final String base;
  private final String authorization;

  private WatchClient(List<HttpClient> connections, String base, String token) {
    this.connections = connections;
    this.base = base;
    this.authorization = "Bearer " + token;
  }

  /** A client of {@code server} with {@code connections} HTTP/2 connections, opened on first use. */
  public static WatchClient connect(RevisorServer server, int connections) {
    List<HttpClient> clients = IntStream.range(0, connections)
        .mapToObj(i -> HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).sslContext(server.sslContext())
            .build())
        .toList();
    return new WatchClient(clients, "https://127.0.0.1:" + server.port(), server.token());
  }

  /**
   * Starts a streaming watch: a GET whose answer is one JSON event per line.
   *
   * @param onChunk sees every chunk of the body as it arrives, before it is split into lines (for diagnostics)
   * @param onLine gets each line (one event), on one of the client's threads, one at a time
   * @param onEnd gets the reason when the stream ends or fails (null: the server ended it)
   * @return completes once the server answered 200; fails with {@link RevisorClient.StatusException} on another
   *     status
   */
  public CompletionStage<RevisorClient.Watch> watch(int lane, String path, Consumer<Buffer> onChunk,
      Consumer<Buffer> onLine, Consumer<Throwable> onEnd) {
    CompletableFuture<RevisorClient.Watch> opened = new CompletableFuture<>();
    AtomicReference<Flow.Subscription> subscription = new AtomicReference<>();
    RecordParser lines = RecordParser.newDelimited("\n", onLine::accept);
    Flow.Subscriber<List<ByteBuffer>> body = new Flow.Subscriber<>() {
      @Override
      public void onSubscribe(Flow.Subscription s) {
        subscription.set(s);
        s.request(Long.MAX_VALUE);
      }

      @Override
      public void onNext(List<ByteBuffer> chunks) {
        for (ByteBuffer b : chunks) {
          byte[] bytes = new byte[b.remaining()];
          b.get(bytes);
          Buffer chunk = Buffer.buffer(bytes);
          onChunk.accept(chunk);
          lines.handle(chunk);
        }
      }

      @Override
      public void onError(Throwable failure) {
        opened.completeExceptionally(failure);
        onEnd.accept(failure);
      }

      @Override
      public void onComplete() {
        onEnd.accept(null);
      }
    };
    HttpRequest request = HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", authorization)
        .header("Accept", "application/json").header("User-Agent", "revisor-bench").build();
    connections.get(Math.floorMod(lane, connections.size())).sendAsync(request, info -> {
      if (info.statusCode() != 200) {
        return HttpResponse.BodySubscribers.mapping(HttpResponse.BodySubscribers.ofByteArray(), bytes -> {
          opened.completeExceptionally(new RevisorClient.StatusException("watch " + path,
              new RevisorClient.Response(info.statusCode(), Buffer.buffer(bytes))));
          return null;
        });
      }
      opened.complete(() -> {
        Flow.Subscription s = subscription.get();
        if (s != null) {
          s.cancel();
        }
      });
      return HttpResponse.BodySubscribers.fromSubscriber(body);
    }).whenComplete((response, failure) -> {
      if (failure != null) {
        opened.completeExceptionally(failure);
      }
    });
    return opened;
  }
}
