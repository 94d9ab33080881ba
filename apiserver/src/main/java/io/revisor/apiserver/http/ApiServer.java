package io.revisor.apiserver.http;

import io.revisor.apiserver.auth.AuthenticationFilter;
import io.revisor.apiserver.auth.AuthorizationAttributes;
import io.revisor.apiserver.auth.AuthorizationFilter;
import io.revisor.apiserver.auth.ImpersonationFilter;
import io.revisor.apiserver.health.HealthCheck;
import io.revisor.apiserver.health.HealthEndpoints;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.Http2Settings;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.KeyCertOptions;
import io.vertx.core.net.ServerSSLOptions;
import io.vertx.core.net.TrustOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTPS server: HTTP/1.1 and HTTP/2 (ALPN) on one port, one server instance per event loop, and the request
 * chain assembled in {@link #router} in a fixed order.
 */
public final class ApiServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ApiServer.class);

  private final Vertx vertx;
  private final List<HttpServer> servers;
  /** What the servers were started with; {@link #sslOptions} derives every later TLS configuration from it. */
  private final HttpServerOptions options;

  private ApiServer(Vertx vertx, List<HttpServer> servers, HttpServerOptions options) {
    this.vertx = vertx;
    this.servers = servers;
    this.options = options;
  }

  /**
   * Starts serving.
   *
   * @param routes mounts the non-resource endpoints (discovery, OpenAPI, version) on the router, after
   *     authorization and before the resource handler
   * @param instances how many server instances (event loops) share the port
   */
  public static Future<ApiServer> start(
      Vertx vertx, ServerSettings settings, Consumer<Router> routes, int instances) {
    HttpServerOptions options = new HttpServerOptions()
        .setHost(settings.bindAddress())
        .setPort(settings.port() == 0 ? freePort(settings.bindAddress()) : settings.port())
        .setSsl(true)
        .setKeyCertOptions(settings.keyCert())
        .setUseAlpn(true)
        .setAlpnVersions(List.of(HttpVersion.HTTP_2, HttpVersion.HTTP_1_1))
        .setInitialSettings(new Http2Settings().setMaxConcurrentStreams(settings.http2MaxStreams()))
        .setMaxWebSocketMessageSize(64 << 20)
        .setMaxWebSocketFrameSize(1 << 20)
        .setMaxFormAttributeSize(-1)
        .setMaxInitialLineLength(16 * 1024)
        .setMaxHeaderSize(64 * 1024)
        .setReusePort(false);
    if (settings.clientTrust() != null) {
      options.setClientAuth(ClientAuth.REQUEST).setTrustOptions(TrustOptions.wrap(settings.clientTrust()));
    }
    Router router = router(vertx, settings, routes);
    List<HttpServer> servers = new ArrayList<>();
    List<Future<HttpServer>> listening = new ArrayList<>();
    // Every instance binds the same port; Vert.x shares the socket and balances connections across event loops.
    for (int i = 0; i < instances; i++) {
      listening.add(vertx.createHttpServer(options).requestHandler(router).listen().onSuccess(servers::add));
    }
    return Future.all(listening).map(all -> new ApiServer(vertx, servers, options))
        .onFailure(failure -> servers.forEach(HttpServer::close));
  }

  /** A port that is free now on {@code host}, for "any free port" (Vert.x cannot share a socket bound to port 0). */
  private static int freePort(String host) {
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName(host))) {
      return socket.getLocalPort();
    } catch (java.io.IOException e) {
      throw new IllegalStateException("no free port on " + host, e);
    }
  }

  /** The port the server listens on. */
  public int port() {
    return servers.get(0).actualPort();
  }

  /**
   * Serves another certificate: new TLS handshakes present {@code keyCert}; connections already open keep theirs and
   * keep working. Every server instance is updated.
   *
   * @return completes when every instance has the new certificate; fails when Vert.x cannot use it (the previous one
   *     then stays in use)
   */
  public Future<Void> updateKeyCert(KeyCertOptions keyCert) {
    ServerSSLOptions ssl = sslOptions(keyCert);
    List<Future<Boolean>> updates = new ArrayList<>();
    for (HttpServer server : servers) {
      updates.add(server.updateSSLOptions(ssl));
    }
    return Future.all(updates).mapEmpty();
  }

  /**
   * The TLS options of the running servers with {@code keyCert} as the key and certificate: everything else (trust,
   * client authentication, ALPN protocols, handshake timeout) is copied from the options the servers started with.
   */
  private ServerSSLOptions sslOptions(KeyCertOptions keyCert) {
    return options.getSslOptions().copy().setKeyCertOptions(keyCert);
  }

  /**
   * The request chain, in this order: metrics and in-flight accounting, the request deadline, authentication,
   * authorization, request bodies, health, metrics, the mounted routes, resources; then one failure handler that
   * turns every failure into a Status.
   */
  static Router router(Vertx vertx, ServerSettings settings, Consumer<Router> routes) {
    Router router = Router.router(vertx);
    router.route().handler(ctx -> accounting(ctx, settings));
    router.route().handler(ctx -> deadline(ctx, settings.requestTimeout()));
    router.route().handler(
        new AuthenticationFilter(settings.authenticators(), settings.anonymous(), settings.authenticationConfig()));
    router.route().handler(new ImpersonationFilter(settings.authorizer()));
    router.route().handler(new AuthorizationFilter(settings.authorizer(), RequestAttributes::of));
    BodyHandler body = BodyHandler.create(false).setBodyLimit(settings.maxBodyBytes()).setHandleFileUploads(false);
    for (HttpMethod method : List.of(HttpMethod.POST, HttpMethod.PUT, HttpMethod.PATCH, HttpMethod.DELETE)) {
      router.route().method(method).handler(body);
    }
    List<HealthCheck> live = List.of(new HealthCheck("ping", () -> Future.succeededFuture()));
    HealthCheck storage = new HealthCheck("storage", () ->
        Future.fromCompletionStage(settings.store().currentRevision()).<Void>mapEmpty()
            .timeout(2, java.util.concurrent.TimeUnit.SECONDS));
    List<HealthCheck> ready = new ArrayList<>(live);
    ready.add(storage);
    ready.addAll(settings.readinessChecks());
    HealthEndpoints.mount(router, "livez", live);
    HealthEndpoints.mount(router, "readyz", ready);
    HealthEndpoints.mount(router, "healthz", ready);
    router.get("/metrics").handler(ctx -> ctx.response()
        .putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
        .end(settings.metrics().scrape()));
    routes.accept(router);
    ApiContext api = new ApiContext(vertx, settings.store(), new ObjectStrategy(settings.clock()),
        new Admission(settings.maxBodyBytes()), new ManagedFields(settings.clock()),
        new ObjectRenderer(new PrinterColumnTables(settings.clock(), settings.tableCacheBytes(), settings.metrics())),
        settings.metrics(), settings.clock(),
        Duration.ofSeconds(3), settings.authorizer());
    ResourceHandlers resources =
        new ResourceHandlers(settings.registry(), api, settings.bookmarkInterval(), settings.views());
    router.route("/apis/*").handler(resources);
    router.route().handler(ctx -> ctx.fail(ApiException.notFound("the server could not find the requested resource")));
    router.route().failureHandler(ApiServer::failure);
    return router;
  }

  private static void accounting(RoutingContext ctx, ServerSettings settings) {
    boolean mutating = switch (ctx.request().method().name()) {
      case "POST", "PUT", "PATCH", "DELETE" -> true;
      default -> false;
    };
    Runnable done = settings.metrics().inflight(mutating);
    long start = System.nanoTime();
    ctx.addEndHandler(result -> {
      done.run();
      RequestInfo info = safeInfo(ctx);
      String verb = info == null ? ctx.request().method().name() : info.verb().toUpperCase(java.util.Locale.ROOT);
      settings.metrics().request(verb, info == null ? "" : info.group(), info == null ? "" : info.resourcePath(),
          ctx.response().getStatusCode(), Duration.ofNanos(System.nanoTime() - start));
    });
    ctx.next();
  }

  private static RequestInfo safeInfo(RoutingContext ctx) {
    try {
      return RequestInfo.of(ctx);
    } catch (ApiException e) {
      return null;
    }
  }

  private static void deadline(RoutingContext ctx, Duration timeout) {
    boolean watch = new QueryParams(ctx.queryParams()).bool("watch", false)
        || "websocket".equalsIgnoreCase(ctx.request().getHeader("Upgrade"));
    if (!watch && timeout.toMillis() > 0) {
      long timer = ctx.vertx().setTimer(timeout.toMillis(), id -> {
        if (!ctx.response().ended() && !ctx.response().headWritten()) {
          ctx.fail(ApiException.of(504, "Timeout", "Timeout: request did not complete within requested timeout - "
              + "context deadline exceeded"));
        }
      });
      ctx.addEndHandler(v -> ctx.vertx().cancelTimer(timer));
    }
    ctx.next();
  }

  private static void failure(RoutingContext ctx) {
    // A request held for a later step (a body, a WebSocket upgrade) is read and dropped.
    if (!ctx.request().isEnded()) {
      ctx.request().resume();
    }
    Throwable failure = ctx.failure();
    ApiException error;
    if (failure instanceof ApiException api) {
      error = api;
    } else if (failure != null) {
      error = StorageErrors.toApi(failure, "", "", "");
      if (error.code() >= 500) {
        LOG.error("request {} {} failed", ctx.request().method(), ctx.request().uri(), failure);
      }
    } else {
      error = switch (ctx.statusCode()) {
        case 401 -> ApiException.unauthorized();
        case 403 -> forbidden(AuthorizationFilter.denial(ctx));
        case 404 -> ApiException.notFound("the server could not find the requested resource");
        case 405 -> ApiException.methodNotAllowed("the server does not allow this method on the requested resource");
        case 413 -> ApiException.tooLarge("Request entity too large");
        case 400 -> ApiException.badRequest(ImpersonationFilter.problem(ctx) != null
            ? ImpersonationFilter.problem(ctx) : "the request could not be read");
        default -> ApiException.internal("an error on the server prevented the request from succeeding");
      };
    }
    Responses.status(ctx, error);
  }

  /**
   * kube's 403 for a refused request: {@code dashboards.demo.revisor.io "home" is forbidden: User "alice" cannot get
   * resource "dashboards" in API group "demo.revisor.io" in the namespace "team-a"}, or {@code forbidden: User
   * "alice" cannot get path "/metrics"}; the authorizer's reason follows after a colon.
   */
  public static ApiException forbidden(AuthorizationFilter.Denial denial) {
    if (denial == null) {
      return ApiException.forbidden("forbidden");
    }
    AuthorizationAttributes asked = denial.attributes();
    if (!asked.resourceRequest()) {
      return ApiException.forbidden("forbidden: " + denial.message());
    }
    String qualified = asked.group().isEmpty() ? asked.resource() : asked.resource() + "." + asked.group();
    String subject = asked.name().isEmpty() ? qualified : qualified + " \"" + asked.name() + "\"";
    return ApiException.of(403, "Forbidden", subject + " is forbidden: " + denial.message(),
        new ApiException.Details(asked.name().isEmpty() ? null : asked.name(), asked.group(), asked.resource(), null),
        List.of());
  }

  @Override
  public void close() {
    List<Future<Void>> closing = new ArrayList<>();
    for (HttpServer server : servers) {
      closing.add(server.close());
    }
    try {
      Future.all(closing).await(10, java.util.concurrent.TimeUnit.SECONDS);
    } catch (Exception e) {
      LOG.warn("server did not close cleanly: {}", e.toString());
    }
  }

}
