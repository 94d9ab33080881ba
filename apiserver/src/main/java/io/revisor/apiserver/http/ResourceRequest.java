package io.revisor.apiserver.http;

import io.revisor.apiserver.crd.ResourceDefinition;
import io.revisor.apiserver.crd.ServedVersion;
import io.revisor.storage.resource.Actor;
import io.revisor.storage.resource.ObjectKey;
import io.revisor.storage.resource.ResourceType;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;

/**
 * One resolved request on a served kind: what it addresses, which definition and version serve it, who makes it, and
 * the warnings collected while handling it. Created once per request by the router; not thread-safe (it lives on the
 * request's event loop).
 */
public final class ResourceRequest {
  private final RoutingContext routing;
  private final RequestInfo info;
  private final ResourceDefinition definition;
  private final ServedVersion version;
  private final Actor actor;
  private final QueryParams query;
  private final List<String> warnings = new ArrayList<>();

  ResourceRequest(
      RoutingContext routing, RequestInfo info, ResourceDefinition definition, ServedVersion version, Actor actor) {
    this.routing = routing;
    this.info = info;
    this.definition = definition;
    this.version = version;
    this.actor = actor;
    this.query = new QueryParams(routing.queryParams());
  }

  public RoutingContext routing() {
    return routing;
  }

  public RequestInfo info() {
    return info;
  }

  public ResourceDefinition definition() {
    return definition;
  }

  public ServedVersion version() {
    return version;
  }

  public Actor actor() {
    return actor;
  }

  public QueryParams query() {
    return query;
  }

  public ResourceType type() {
    return definition.type();
  }

  /** {@code <group>/<version>}, the apiVersion of objects in responses. */
  public String apiVersion() {
    return definition.group() + "/" + version.name();
  }

  /** The namespace of the request: the path's, or empty for cluster-scoped kinds and all-namespace lists. */
  public String namespace() {
    return info.namespace();
  }

  /** The key of the object the path names. */
  public ObjectKey key() {
    return type().key(info.namespace(), info.name());
  }

  /** The key for {@code name} in this request's namespace. */
  public ObjectKey key(String name) {
    return type().key(info.namespace(), name);
  }

  /** Adds a {@code Warning: 299 - "..."} header to the response. */
  public void warn(String text) {
    warnings.add(text);
  }

  public List<String> warnings() {
    return warnings;
  }

  /** {@code stage} as a future completing on this request's event loop. */
  public <T> io.vertx.core.Future<T> on(java.util.concurrent.CompletionStage<T> stage) {
    return io.vertx.core.Future.fromCompletionStage(stage, routing.vertx().getOrCreateContext());
  }

  /**
   * Answers with the body {@code render} produces; a failure while rendering (for example a bad {@code
   * includeObject}) becomes the request's Status instead of a lost response.
   */
  public void reply(int code, MediaTypes.Representation as, java.util.function.Supplier<io.vertx.core.buffer.Buffer> render) {
    io.vertx.core.buffer.Buffer body;
    try {
      body = render.get();
    } catch (RuntimeException e) {
      fail(e, info.name());
      return;
    }
    Responses.send(this, code, as, body);
  }

  /** Fails the request with {@code failure} mapped to a Status for object {@code name} (empty for collections). */
  public void fail(Throwable failure, String name) {
    routing.fail(error(failure, name));
  }

  /** Maps a storage failure for this request to a Status. */
  public ApiException error(Throwable failure, String name) {
    return StorageErrors.toApi(failure, definition.group(), definition.names().plural(), name);
  }
}
