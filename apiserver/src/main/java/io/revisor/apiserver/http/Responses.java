package io.revisor.apiserver.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.revisor.apiserver.json.Json;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/** Writing responses: bodies with their content type, warnings and Status errors. */
public final class Responses {
  private Responses() {}

  /** Sends {@code body} with {@code code}, the representation's content type and the request's warnings. */
  public static void send(ResourceRequest request, int code, MediaTypes.Representation as, Buffer body) {
    HttpServerResponse response = request.routing().response();
    if (response.ended() || response.closed()) {
      return;
    }
    warnings(response, request.warnings());
    response.setStatusCode(code).putHeader("Content-Type", as.contentType()).putHeader("Cache-Control", "no-cache, private");
    response.end(body);
  }

  /** Sends a JSON document. */
  public static void json(RoutingContext ctx, int code, byte[] body) {
    HttpServerResponse response = ctx.response();
    if (response.ended() || response.closed()) {
      return;
    }
    response.setStatusCode(code).putHeader("Content-Type", MediaTypes.JSON).putHeader("Cache-Control", "no-cache, private");
    response.end(Buffer.buffer(body));
  }

  /** Writes a Status for {@code error}, with {@code Retry-After} when it asks for one. */
  public static void status(RoutingContext ctx, ApiException error) {
    HttpServerResponse response = ctx.response();
    if (response.ended() || response.closed() || response.headWritten()) {
      if (!response.ended() && !response.closed()) {
        response.reset();
      }
      return;
    }
    if (error.retryAfterSeconds() > 0) {
      response.putHeader("Retry-After", Integer.toString(error.retryAfterSeconds()));
    }
    ObjectNode status = error.toStatus();
    response.setStatusCode(error.code()).putHeader("Content-Type", MediaTypes.JSON).putHeader("Cache-Control", "no-cache, private");
    response.end(Buffer.buffer(Json.bytes(status)));
  }

  /** Adds {@code Warning: 299 - "text"} headers. */
  public static void warnings(HttpServerResponse response, List<String> warnings) {
    for (String warning : warnings) {
      response.headers().add("Warning", "299 - " + QueryParams.quote(warning));
    }
  }
}
