package io.revisor.apiserver;

import io.revisor.apiserver.admission.InvalidSchemaException;
import io.revisor.apiserver.admission.SchemaAdmission;
import io.revisor.apiserver.config.BuildInfo;
import io.revisor.apiserver.crd.DefinitionException;
import io.revisor.apiserver.crd.ResourceDefinition;
import io.revisor.apiserver.crd.ResourceRegistry;
import io.revisor.apiserver.discovery.Discovery;
import io.revisor.apiserver.discovery.DiscoveryFormat;
import io.revisor.apiserver.discovery.VersionInfo;
import io.revisor.apiserver.http.ApiException;
import io.revisor.apiserver.json.JsonDocument;
import io.revisor.apiserver.openapi.OpenApi;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The non-resource endpoints: {@code /version}, discovery ({@code /apis}, {@code /apis/<g>}, {@code /apis/<g>/<v>};
 * {@code /api} is a 404, which clients tolerate) and OpenAPI ({@code /openapi/v3}, per group-version documents,
 * {@code /openapi/v2}). Every document is built once at start and served from bytes with an ETag.
 */
final class Endpoints {
  private Endpoints() {}

  /**
   * Checks what the loader cannot: every served schema compiles (structural, supported keywords, valid defaults).
   *
   * @throws DefinitionException naming the file and the field inside {@code spec.versions[i].schema}
   */
  static void check(List<ResourceDefinition> definitions) {
    for (ResourceDefinition definition : definitions) {
      for (int i = 0; i < definition.versions().size(); i++) {
        try {
          SchemaAdmission.compile(definition.versions().get(i).schema());
        } catch (InvalidSchemaException e) {
          throw new DefinitionException(definition.source(), "spec.versions[" + i + "].schema", e.getMessage());
        }
      }
    }
  }

  static void mount(Router router, ResourceRegistry registry) {
    Discovery discovery = Discovery.of(registry);
    OpenApi openApi = OpenApi.of(registry);
    JsonDocument version = VersionInfo.of(io.revisor.apiserver.discovery.BuildInfo.ofRunningJvm(
        BuildInfo.version(), "", "clean", Instant.EPOCH)).document();
    router.get("/version").handler(ctx -> send(ctx, version, false));
    router.get("/api").handler(ctx -> ctx.fail(ApiException.notFound("the server could not find the requested resource")));
    router.get("/apis").handler(ctx -> {
      Optional<DiscoveryFormat> format = Discovery.negotiate(ctx.request().getHeader("Accept"));
      if (format.isEmpty()) {
        ctx.fail(ApiException.notAcceptable("only the following media types are accepted: application/json, "
            + "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"));
        return;
      }
      send(ctx, discovery.apis(format.get()), true);
    });
    router.getWithRegex("/apis/([^/]+)/?").handler(ctx ->
        sendOrNotFound(ctx, discovery.group(ctx.pathParam("param0")), false));
    router.getWithRegex("/apis/([^/]+)/([^/]+)/?").handler(ctx ->
        sendOrNotFound(ctx, discovery.resources(ctx.pathParam("param0"), ctx.pathParam("param1")), false));
    router.get("/openapi/v3").handler(ctx -> send(ctx, openApi.v3Index(), false));
    router.getWithRegex("/openapi/v3/apis/([^/]+)/([^/]+)").handler(ctx -> {
      String group = ctx.pathParam("param0");
      String ver = ctx.pathParam("param1");
      Optional<JsonDocument> document = openApi.v3(group, ver);
      if (document.isEmpty()) {
        ctx.fail(ApiException.notFound("the server could not find the requested resource"));
        return;
      }
      String hash = ctx.queryParams().get("hash");
      if (hash != null && !hash.equals(document.get().hash())) {
        // A stale hash: point the client at the current document, as kube does.
        ctx.response().setStatusCode(301)
            .putHeader("Location", openApi.serverRelativeUrl(group, ver).orElseThrow()).end();
        return;
      }
      if (hash != null) {
        ctx.response().putHeader("Cache-Control", "public, immutable");
      }
      send(ctx, document.get(), false);
    });
    router.get("/openapi/v2").handler(ctx -> {
      String accept = ctx.request().getHeader("Accept");
      if (accept != null && accept.contains("protobuf") && !accept.contains("json") && !accept.contains("*/*")) {
        ctx.fail(ApiException.notAcceptable("only application/json is served at /openapi/v2"));
        return;
      }
      send(ctx, openApi.v2(), false);
    });
  }

  private static void sendOrNotFound(RoutingContext ctx, Optional<JsonDocument> document, boolean negotiated) {
    if (document.isEmpty()) {
      ctx.fail(ApiException.notFound("the server could not find the requested resource"));
      return;
    }
    send(ctx, document.get(), negotiated);
  }

  /** Sends a prebuilt document: its content type and ETag, or 304 when the client has it. */
  private static void send(RoutingContext ctx, JsonDocument document, boolean negotiated) {
    ctx.response().putHeader("ETag", document.etag());
    if (negotiated) {
      ctx.response().putHeader("Vary", "Accept");
    }
    if (document.matches(ctx.request().getHeader("If-None-Match"))) {
      ctx.response().setStatusCode(304).end();
      return;
    }
    ctx.response().putHeader("Content-Type", document.contentType())
        .putHeader("Cache-Control", ctx.response().headers().contains("Cache-Control")
            ? ctx.response().headers().get("Cache-Control") : "no-cache, private")
        .end(Buffer.buffer(document.bytes()));
  }
}
