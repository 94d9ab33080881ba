package io.revisor.bench.client;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.DefaultHttp2WindowUpdateFrame;
import io.netty.handler.codec.http2.Http2Connection;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2GoAwayFrame;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2LocalFlowController;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2Stream;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.collection.IntObjectHashMap;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.revisor.bench.env.RevisorServer;
import io.vertx.core.buffer.Buffer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import javax.net.ssl.SSLException;

/**
 * Streaming watches of Revisor's API over HTTPS and HTTP/2 with Netty's HTTP/2 codec: a fixed number of connections
 * (one channel each, opened at once), many streams multiplexed on each (one {@link Http2StreamChannel} per watch); a
 * watch goes on the connection of its lane (lane modulo the number of connections).
 *
 * <p>Why Netty's codec: a benchmark whose verdict is "no event lost" needs a client that loses none at 1,000 streams.
 * Vert.x 5.1.6's HTTP/2 client, which {@link RevisorClient} uses for requests, lost response data under this fan-out
 * (whole lines in the middle of streams, then a stalled connection), and so, less often, did the JDK 17 HTTP/2
 * client used next (the streams of one of four connections stopped or had holes); the JDK's client also cost about
 * 0.05 ms of CPU per event, on the two cores the server needs too. Each time the server had sent everything: a new
 * watch from the same resourceVersion got every event, and Node's HTTP/2 client (nghttp2) got every event of the same
 * fan-out (BENCHMARKS.md, finding 3 and "Watch writes in batches").
 *
 * <p>Flow control: every stream's window is {@value #STREAM_WINDOW} bytes and the connection's
 * {@value #CONNECTION_WINDOW}. A stream's channel reads its frames as they arrive (auto-read), and reading them gives
 * their bytes back to the stream's and the connection's windows, so a fast writer is held up by this client's CPU,
 * not by its windows.
 *
 * <p>Threads: at most two event loops, the connections spread over them; a watch's callbacks run on its connection's
 * event loop, one at a time. Close the client to close its connections and stop its threads. Thread-safe.
 */
public final class WatchClient implements AutoCloseable {
  static final int STREAM_WINDOW = 1 << 20;
  static final int CONNECTION_WINDOW = 64 << 20;
  private static final int MAX_THREADS = 2;

  private final EventLoopGroup group;
  private final List<Connection> connections;
  private final String authority;
  private final String authorization;
  private volatile boolean closed;

  private WatchClient(EventLoopGroup group, List<Connection> connections, String authority, String token) {
    this.group = group;
    this.connections = connections;
    this.authority = authority;
    this.authorization = "Bearer " + token;
  }

  /** A client of {@code server} with {@code connections} HTTP/2 connections, which it starts opening now. */
  public static WatchClient connect(RevisorServer server, int connections) {
    return connect("127.0.0.1", server.port(), server.caFile(), server.token(), connections);
  }

  /**
   * A client of the HTTPS server at {@code host:port} with {@code connections} HTTP/2 connections, which it starts
   * opening now.
   *
   * @param caFile the only certificates to trust (PEM); the server's certificate must name {@code host}
   * @param token the bearer token every watch sends
   */
  static WatchClient connect(String host, int port, Path caFile, String token, int connections) {
    if (connections < 1) {
      throw new IllegalArgumentException("connections must be positive: " + connections);
    }
    SslContext tls;
    try {
      tls = SslContextBuilder.forClient().sslProvider(SslProvider.JDK).trustManager(caFile.toFile())
          .applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
              ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
              ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT, ApplicationProtocolNames.HTTP_2))
          .build();
    } catch (SSLException e) {
      throw new IllegalStateException("cannot use the CA " + caFile + ": " + e.getMessage(), e);
    }
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(Math.min(connections, MAX_THREADS),
        new DefaultThreadFactory("revisor-bench-watch", true), NioIoHandler.newFactory());
    Bootstrap bootstrap = new Bootstrap().group(group).channel(NioSocketChannel.class)
        .option(ChannelOption.TCP_NODELAY, true);
    String where = host + ":" + port;
    List<Connection> opened = IntStream.range(0, connections)
        .mapToObj(i -> Connection.open(bootstrap, tls, host, port,
            String.format(Locale.ROOT, "connection %d of %d to %s", i, connections, where)))
        .toList();
    return new WatchClient(group, opened, where, token);
  }

  /**
   * Starts a streaming watch: a GET whose answer is one JSON event per line.
   *
   * @param onChunk sees every chunk of the body as it arrives, before it is split into lines (for diagnostics)
   * @param onLine gets each line (one event) without its line end, on the connection's event loop, one at a time
   * @param onEnd gets the reason once the watch ended: null when the server ended the stream after whole lines; the
   *     failure otherwise (a failed connection, a reset stream, a GOAWAY that left the stream out, a closed
   *     connection, a status other than 200, an exception of {@code onChunk} or {@code onLine}), a
   *     {@link CancellationException} when this side closed it
   * @return completes once the server answered 200; fails with {@link RevisorClient.StatusException} (the body as
   *     text) on another status, or with the failure that ended the watch before its answer
   */
  public CompletionStage<RevisorClient.Watch> watch(int lane, String path, Consumer<Buffer> onChunk,
      Consumer<Buffer> onLine, Consumer<Throwable> onEnd) {
    Connection connection = connections.get(Math.floorMod(lane, connections.size()));
    Stream stream = new Stream(connection, path, request(path), onChunk, onLine, onEnd);
    connection.ready.whenComplete((channel, failure) -> {
      if (failure != null) {
        stream.end(failure);
        return;
      }
      new Http2StreamChannelBootstrap(channel).handler(stream).open().addListener(open -> {
        if (!open.isSuccess()) {
          stream.end(new IOException(connection.name + ": cannot open a stream: " + open.cause(), open.cause()));
        }
      });
    });
    return stream.opened;
  }

  private Http2Headers request(String path) {
    return new DefaultHttp2Headers().method("GET").scheme("https").authority(authority).path(path)
        .add("authorization", authorization).add("accept", "application/json").add("user-agent", "revisor-bench");
  }

  /** Closes every connection (their watches end) and stops the event loops. */
  @Override
  public void close() {
    closed = true;
    connections.forEach(Connection::close);
    group.shutdownGracefully(0, 5, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
  }

  /**
   * One TLS connection speaking HTTP/2, and what ended it: the last handler of its pipeline, after the stream
   * multiplexer, sees the frames of the connection itself (GOAWAY, SETTINGS, PING) and its failures.
   */
  private static final class Connection extends ChannelInboundHandlerAdapter {
    final String name;
    /** The channel once TLS is up with ALPN {@code h2}; fails when the connection could not be opened. */
    final CompletableFuture<Channel> ready = new CompletableFuture<>();
    private volatile Throwable failure;
    private volatile String goAway;
    private volatile Channel channel;
    private volatile Http2FrameCodec codec;
    /** DATA bytes (payload and padding) decoded per stream id, as the codec hands frames on; on the event loop. */
    private final IntObjectHashMap<long[]> dataBytes = new IntObjectHashMap<>();
    private long connectionDataBytes;

    private Connection(String name) {
      this.name = name;
    }

    static Connection open(Bootstrap bootstrap, SslContext tls, String host, int port, String name) {
      Connection connection = new Connection(name);
      bootstrap.clone().handler(new ChannelInitializer<SocketChannel>() {
        @Override
        protected void initChannel(SocketChannel ch) {
          SslHandler ssl = tls.newHandler(ch.alloc(), host, port);
          Http2FrameCodec codec = Http2FrameCodecBuilder.forClient()
              .initialSettings(Http2Settings.defaultSettings().initialWindowSize(STREAM_WINDOW).pushEnabled(false))
              .build();
          ch.pipeline().addLast(ssl, codec, connection.new FrameCounter(),
              new Http2MultiplexHandler(new RefusePushes()), connection);
          ssl.handshakeFuture().addListener(handshake -> connection.handshaken(ch, ssl, codec, handshake.cause()));
        }
      }).connect(host, port).addListener(connect -> {
        if (!connect.isSuccess()) {
          connection.fail(new IOException(name + ": cannot connect: " + connect.cause(), connect.cause()));
        }
      });
      return connection;
    }

    /** After the TLS handshake: opens the connection's window wide and lets watches start. */
    private void handshaken(Channel ch, SslHandler ssl, Http2FrameCodec codec, Throwable cause) {
      if (cause != null) {
        fail(new IOException(name + ": TLS handshake failed: " + cause, cause));
        ch.close();
        return;
      }
      if (!ApplicationProtocolNames.HTTP_2.equals(ssl.applicationProtocol())) {
        fail(new IOException(name + ": the server did not choose HTTP/2 (ALPN: " + ssl.applicationProtocol() + ")"));
        ch.close();
        return;
      }
      // The codec's initial settings set each stream's window; the connection's is raised here, with a
      // WINDOW_UPDATE of stream 0 (the codec already sent its preface and settings, the first write on the channel).
      Http2Connection h2 = codec.connection();
      int window = h2.local().flowController().windowSize(h2.connectionStream());
      if (window < CONNECTION_WINDOW) {
        ch.writeAndFlush(new DefaultHttp2WindowUpdateFrame(CONNECTION_WINDOW - window));
      }
      this.codec = codec;
      channel = ch;
      ready.complete(ch);
    }

    private void fail(Throwable cause) {
      if (failure == null) {
        failure = cause;
      }
      ready.completeExceptionally(cause);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof Http2GoAwayFrame frame) {
        goAway = describe(frame);
      }
      ReferenceCountUtil.release(msg);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      fail(new IOException(name + " failed: " + cause, cause));
      ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      fail(new IOException(name + " closed" + (goAway == null ? "" : " after " + goAway)));
    }

    /** Why a stream of this connection closed without its end (called on the connection's event loop). */
    IOException streamClosed() {
      Throwable cause = failure;
      Channel ch = channel;
      String state = cause != null ? cause.getMessage()
          : goAway != null ? name + " received " + goAway
          : ch != null && !ch.isActive() ? name + " closed"
          : name + " is open";
      return new IOException("the stream closed before its end; " + state, cause);
    }

    /**
     * Counts the DATA frames the codec decoded, before the multiplexer hands them to stream channels, so that a
     * report can tell bytes that never arrived from bytes lost on the way to a watch.
     */
    private final class FrameCounter extends ChannelInboundHandlerAdapter {
      @Override
      public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof Http2DataFrame data && data.stream() != null) {
          long bytes = data.initialFlowControlledBytes();
          connectionDataBytes += bytes;
          long[] count = dataBytes.get(data.stream().id());
          if (count == null) {
            dataBytes.put(data.stream().id(), new long[] {bytes});
          } else {
            count[0] += bytes;
          }
        }
        ctx.fireChannelRead(msg);
      }
    }

    /** What this side knows of stream {@code id} and its connection, on the event loop. */
    String describe(int id) {
      long[] count = dataBytes.get(id);
      StringBuilder out = new StringBuilder(String.format(Locale.ROOT, "stream %d on %s: %,d bytes of DATA decoded "
          + "for it", id, name, count == null ? 0 : count[0]));
      Http2FrameCodec c = codec;
      if (c != null) {
        Http2Connection h2 = c.connection();
        Http2LocalFlowController flow = h2.local().flowController();
        Http2Stream stream = h2.stream(id);
        out.append(stream == null ? ", the stream closed"
            : String.format(Locale.ROOT, ", its receive window %,d bytes (%,d read and not yet given back), state %s",
                flow.windowSize(stream), flow.unconsumedBytes(stream), stream.state()));
        out.append(String.format(Locale.ROOT, "; the connection: %,d bytes of DATA decoded, receive window %,d bytes, "
            + "%d streams active", connectionDataBytes, flow.windowSize(h2.connectionStream()),
            h2.numActiveStreams()));
      }
      Channel ch = channel;
      return out.append(ch != null && ch.isActive() ? ", open" : ", closed")
          .append(goAway == null ? "" : ", received " + goAway).toString();
    }

    void close() {
      Channel ch = channel;
      if (ch != null) {
        ch.close();
      }
    }

    static String describe(Http2GoAwayFrame frame) {
      Http2Error error = Http2Error.valueOf(frame.errorCode());
      ByteBuf debug = frame.content();
      return "GOAWAY " + (error == null ? "error " + frame.errorCode() : error.name()) + " (last stream "
          + frame.lastStreamId() + (debug.isReadable() ? ", " + debug.toString(StandardCharsets.UTF_8) : "") + ")";
    }
  }

  /** The handler of streams the server opens: it has no business to (pushes are off), so they are closed. */
  @ChannelHandler.Sharable
  private static final class RefusePushes extends ChannelInboundHandlerAdapter {
    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      ctx.close();
    }
  }

  /** One watch: the handler of its stream channel, and what the caller closes it with. */
  private final class Stream extends ChannelInboundHandlerAdapter implements RevisorClient.Watch {
    final CompletableFuture<RevisorClient.Watch> opened = new CompletableFuture<>();
    private final Connection connection;
    private final String path;
    private final Http2Headers request;
    private final Consumer<Buffer> onChunk;
    private final LineSplitter lines;
    private final Consumer<Throwable> onEnd;
    private final AtomicBoolean ended = new AtomicBoolean();
    private volatile Channel channel;
    private volatile boolean closing;
    /** The response's status, 0 until its headers arrived. */
    private int status;
    /** The body of an answer other than 200. */
    private final ByteArrayOutputStream errorBody = new ByteArrayOutputStream();

    Stream(Connection connection, String path, Http2Headers request, Consumer<Buffer> onChunk,
        Consumer<Buffer> onLine, Consumer<Throwable> onEnd) {
      this.connection = connection;
      this.path = path;
      this.request = request;
      this.onChunk = onChunk;
      this.lines = new LineSplitter(onLine);
      this.onEnd = onEnd;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      channel = ctx.channel();
      if (closing) {
        ctx.close();
        return;
      }
      ctx.writeAndFlush(new DefaultHttp2HeadersFrame(request, true)).addListener(write -> {
        if (!write.isSuccess()) {
          end(new IOException(connection.name + ": cannot send the request: " + write.cause(), write.cause()));
          ctx.close();
        }
      });
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      try {
        if (msg instanceof Http2HeadersFrame headers) {
          headers(headers);
        } else if (msg instanceof Http2DataFrame data) {
          data(data);
        }
      } finally {
        ReferenceCountUtil.release(msg);
      }
    }

    private void headers(Http2HeadersFrame frame) {
      if (status == 0) {
        CharSequence value = frame.headers().status();
        int code = value == null ? -1 : Integer.parseInt(value.toString());
        if (code >= 100 && code < 200) {
          return;
        }
        status = code;
        if (status == 200) {
          opened.complete(this);
        }
      }
      if (frame.isEndStream()) {
        endOfStream();
      }
    }

    private void data(Http2DataFrame frame) {
      ByteBuf content = frame.content();
      byte[] bytes = new byte[content.readableBytes()];
      content.getBytes(content.readerIndex(), bytes);
      if (status == 200) {
        onChunk.accept(Buffer.buffer(bytes));
        lines.accept(bytes);
      } else {
        errorBody.writeBytes(bytes);
      }
      if (frame.isEndStream()) {
        endOfStream();
      }
    }

    private void endOfStream() {
      if (status != 200) {
        end(new RevisorClient.StatusException("watch " + path,
            new RevisorClient.Response(status, Buffer.buffer(errorBody.toByteArray()))));
      } else if (lines.pending() > 0) {
        end(new IOException("the stream ended inside a line: " + lines.pending() + " bytes after the last line end"));
      } else {
        end(null);
      }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
      try {
        if (event instanceof Http2ResetFrame reset) {
          Http2Error error = Http2Error.valueOf(reset.errorCode());
          end(new IOException("the server reset the stream: "
              + (error == null ? "error " + reset.errorCode() : error.name())));
        } else if (event instanceof Http2GoAwayFrame goAway) {
          end(new IOException(connection.name + " received " + Connection.describe(goAway)
              + ", which leaves this stream out"));
        }
      } finally {
        ReferenceCountUtil.release(event);
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      end(cause);
      ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      end(closing ? new CancellationException("watch closed by this client")
          : closed ? new CancellationException("the watch client was closed")
          : connection.streamClosed());
    }

    /** Ends the watch once: fails {@link #opened} when it has not completed, and tells {@code onEnd}. */
    void end(Throwable cause) {
      if (!ended.compareAndSet(false, true)) {
        return;
      }
      if (cause != null) {
        opened.completeExceptionally(cause);
      }
      onEnd.accept(cause);
    }

    @Override
    public void close() {
      closing = true;
      Channel ch = channel;
      if (ch != null) {
        ch.close();
      }
    }

    @Override
    public String describe() {
      if (!(channel instanceof Http2StreamChannel ch)) {
        return "no stream on " + connection.name;
      }
      try {
        return ch.eventLoop().submit(() -> connection.describe(ch.stream().id())).get(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return "interrupted while asking " + connection.name;
      } catch (ExecutionException | TimeoutException e) {
        return "no answer from " + connection.name + ": " + e;
      }
    }
  }
}
