package io.revisor.apiserver.http;

import io.revisor.apiserver.auth.AuthenticationFilter;
import io.revisor.apiserver.crd.ResourceDefinition;
import io.revisor.apiserver.crd.ResourceRegistry;
import io.revisor.apiserver.crd.ServedVersion;
import io.revisor.storage.resource.Actor;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The one generic handler for every served kind: resolves the path to a definition and version, checks scope and
 * subresource, and dispatches to the handler of the verb. A new kind is data (a definition), never code.
 */
public final class ResourceHandlers implements Handler<RoutingContext> {
  private static final Set<String> STATUS_VERBS = Set.of("get", "update", "patch");

  private final ResourceRegistry registry;
  private final ApiContext api;
  private final Duration bookmarkInterval;
  private final Verbs verbs;
  private final Map<String, KindView> views;

  /**
   * @param views the views of Revisor's own kinds by definition name; every other kind is served from the store of
   *     {@code api}
   */
  public ResourceHandlers(ResourceRegistry registry, ApiContext api, Duration bookmarkInterval,
      Map<String, KindView> views) {
    this.registry = registry;
    this.api = api;
    this.bookmarkInterval = bookmarkInterval;
    this.verbs = new Verbs(api, bookmarkInterval);
    this.views = Map.copyOf(views);
  }

  /** The handler of each verb, on one store. */
  private static final class Verbs {
    private final GetHandler get;
    private final ListHandler list;
    private final WatchHandler watch;
    private final CreateHandler create;
    private final UpdateHandler update;
    private final PatchHandler patch;
    private final DeleteHandler delete;
    private final DeleteCollectionHandler deleteCollection;

    Verbs(ApiContext api, Duration bookmarkInterval) {
      Updater updater = new Updater(api);
      this.get = new GetHandler(api);
      this.list = new ListHandler(api);
      this.watch = new WatchHandler(api, bookmarkInterval);
      this.create = new CreateHandler(api);
      this.update = new UpdateHandler(api, updater);
      this.patch = new PatchHandler(api, updater, create);
      this.delete = new DeleteHandler(api);
      this.deleteCollection = new DeleteCollectionHandler(api, delete);
    }

    void handle(ResourceRequest request) {
      switch (request.info().verb()) {
        case "get" -> get.handle(request);
        case "list" -> list.handle(request);
        case "watch" -> watch.handle(request);
        case "create" -> create.handle(request);
        case "update" -> update.handle(request);
        case "patch" -> patch.handle(request);
        case "delete" -> delete.handle(request);
        case "deletecollection" -> deleteCollection.handle(request);
        default -> throw ApiException.methodNotAllowed(
            "the server does not allow this method on the requested resource");
      }
    }
  }

  /** Resolves {@code ctx} to a resource request, or null when the path is not a resource path. */
  public ResourceRequest resolve(RoutingContext ctx) {
    RequestInfo info = RequestInfo.of(ctx);
    if (info == null) {
      return null;
    }
    Optional<ResourceDefinition> found = registry.find(info.group(), info.version(), info.resource());
    if (found.isEmpty()) {
      throw ApiException.notFound("the server could not find the requested resource");
    }
    ResourceDefinition definition = found.get();
    ServedVersion version = definition.servedVersion(info.version()).orElseThrow();
    if (info.subresource().isEmpty() && !definition.serves(info.verb())) {
      throw ApiException.methodNotAllowed("the server does not allow this method on the requested resource");
    }
    boolean collection = info.name().isEmpty();
    if (!definition.namespaced() && !info.namespace().isEmpty()) {
      throw ApiException.notFound("the server could not find the requested resource");
    }
    if (definition.namespaced() && info.namespace().isEmpty() && !collection) {
      throw ApiException.notFound("the server could not find the requested resource");
    }
    if (definition.namespaced() && info.namespace().isEmpty()
        && (info.verb().equals("create") || info.verb().equals("deletecollection"))) {
      throw ApiException.methodNotAllowed("the server does not allow this method on the requested resource");
    }
    if (!info.subresource().isEmpty()) {
      if (!info.subresource().equals("status") || !version.statusSubresource()) {
        throw ApiException.notFound("the server could not find the requested resource");
      }
      if (!STATUS_VERBS.contains(info.verb())) {
        throw ApiException.methodNotAllowed("the server does not allow this method on the requested resource");
      }
    }
    if (collection && (info.verb().equals("update") || info.verb().equals("patch"))) {
      throw ApiException.methodNotAllowed("the server does not allow this method on the requested resource");
    }
    if (!collection && info.verb().equals("create")) {
      throw ApiException.methodNotAllowed("the server does not allow this method on the requested resource");
    }
    Actor actor = new Actor(AuthenticationFilter.user(ctx).name());
    return new ResourceRequest(ctx, info, definition, version, actor);
  }

  @Override
  public void handle(RoutingContext ctx) {
    ResourceRequest request = resolve(ctx);
    if (request == null) {
      ctx.next();
      return;
    }
    if (request.info().verb().equals("watch") && "websocket".equalsIgnoreCase(ctx.request().getHeader("Upgrade"))) {
      // A watch takes the upgrade over after asynchronous steps (a view's authorization, the revision to start
      // from), and Vert.x upgrades only a request that has not ended: hold it until then (toWebSocket resumes it; a
      // failure resumes it in ApiServer's failure handler).
      ctx.request().pause();
    }
    KindView view = views.get(request.definition().name());
    if (view == null) {
      verbs.handle(request);
      return;
    }
    // A view may ask a remote authorizer: carry on on the request's own event loop.
    io.vertx.core.Context context = ctx.vertx().getOrCreateContext();
    view.storeFor(request).onComplete(result -> context.runOnContext(v -> {
      if (result.failed()) {
        request.fail(result.cause(), request.info().name());
        return;
      }
      try {
        new Verbs(api.withStore(result.result()), bookmarkInterval).handle(request);
      } catch (RuntimeException e) {
        request.fail(e, request.info().name());
      }
    }));
  }
}
