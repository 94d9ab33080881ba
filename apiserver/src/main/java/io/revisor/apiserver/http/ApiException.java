package io.revisor.apiserver.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.revisor.apiserver.json.Json;
import java.util.List;

/**
 * A failed request, carrying the Kubernetes {@code Status} the client receives. Handlers throw it (or fail their
 * future with it); the failure handler writes it. Every other exception becomes a 500 there, so code that can fail
 * because of bad input must throw this.
 */
public final class ApiException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** One {@code details.causes} entry. */
  public record Cause(String type, String message, String field) {}

  /** The object a status is about ({@code details}); every field may be null. */
  public record Details(String name, String group, String kind, String uid) {
    public static final Details NONE = new Details(null, null, null, null);
  }

  private final int code;
  private final String reason;
  private final transient Details details;
  private final transient List<Cause> causes;
  private final int retryAfterSeconds;

  private ApiException(
      int code, String reason, String message, Details details, List<Cause> causes, int retryAfterSeconds) {
    super(message, null, false, false);
    this.code = code;
    this.reason = reason;
    this.details = details == null ? Details.NONE : details;
    this.causes = List.copyOf(causes);
    this.retryAfterSeconds = retryAfterSeconds;
  }

  public static ApiException of(int code, String reason, String message) {
    return new ApiException(code, reason, message, Details.NONE, List.of(), 0);
  }

  public static ApiException of(int code, String reason, String message, Details details, List<Cause> causes) {
    return new ApiException(code, reason, message, details, causes, 0);
  }

  public static ApiException badRequest(String message) {
    return of(400, "BadRequest", message);
  }

  public static ApiException unauthorized() {
    return of(401, "Unauthorized", "Unauthorized");
  }

  public static ApiException forbidden(String message) {
    return of(403, "Forbidden", message);
  }

  public static ApiException notFound(String message) {
    return of(404, "NotFound", message);
  }

  /** 404 for an object, in Kubernetes' words: {@code dashboards.demo.revisor.io "x" not found}. */
  public static ApiException notFound(String group, String resource, String name) {
    String qualified = group.isEmpty() ? resource : resource + "." + group;
    return of(404, "NotFound", qualified + " \"" + name + "\" not found",
        new Details(name, group, resource, null), List.of());
  }

  public static ApiException methodNotAllowed(String message) {
    return of(405, "MethodNotAllowed", message);
  }

  public static ApiException notAcceptable(String message) {
    return of(406, "NotAcceptable", message);
  }

  public static ApiException unsupportedMediaType(String message) {
    return of(415, "UnsupportedMediaType", message);
  }

  public static ApiException tooLarge(String message) {
    return of(413, "RequestEntityTooLarge", message);
  }

  public static ApiException internal(String message) {
    return of(500, "InternalError", "Internal error occurred: " + message);
  }

  /**
   * 422 Invalid: {@code <Kind>.<group> "<name>" is invalid: <field>: <message>, ...}, one cause per problem.
   */
  public static ApiException invalid(String group, String kind, String name, List<Cause> causes) {
    StringBuilder message = new StringBuilder();
    message.append(group.isEmpty() ? kind : kind + "." + group).append(" \"").append(name).append("\" is invalid: ");
    if (causes.size() > 1) {
      message.append('[');
    }
    for (int i = 0; i < causes.size(); i++) {
      Cause c = causes.get(i);
      message.append(i == 0 ? "" : ", ").append(c.field().isEmpty() ? "" : c.field() + ": ").append(c.message());
    }
    if (causes.size() > 1) {
      message.append(']');
    }
    return of(422, "Invalid", message.toString(), new Details(name, group, kind, null), causes);
  }

  /** 422 Invalid on request options (kind {@code ListOptions} etc., group {@code meta.k8s.io}). */
  public static ApiException invalidOptions(String kind, String field, String detail) {
    Cause cause = new Cause("FieldValueInvalid", detail, field);
    return of(422, "Invalid", kind + ".meta.k8s.io \"\" is invalid: " + field + ": " + detail,
        new Details(null, "meta.k8s.io", kind, null), List.of(cause));
  }

  /** 504 for a resourceVersion the store has not reached yet. */
  public static ApiException tooLargeResourceVersion(long requested, long current) {
    return new ApiException(504, "Timeout",
        "Timeout: Too large resource version: " + requested + ", current: " + current, Details.NONE,
        List.of(new Cause("ResourceVersionTooLarge", "Too large resource version", "")), 1);
  }

  public ApiException withRetryAfter(int seconds) {
    return new ApiException(code, reason, getMessage(), details, causes, seconds);
  }

  public int code() {
    return code;
  }

  public String reason() {
    return reason;
  }

  public int retryAfterSeconds() {
    return retryAfterSeconds;
  }

  /** The {@code Status} object. */
  public ObjectNode toStatus() {
    ObjectNode status = Json.object();
    status.put("kind", "Status").put("apiVersion", "v1");
    status.putObject("metadata");
    status.put("status", "Failure").put("message", getMessage()).put("reason", reason);
    if (details != Details.NONE || !causes.isEmpty() || retryAfterSeconds > 0) {
      ObjectNode d = status.putObject("details");
      putIfSet(d, "name", details.name());
      putIfSet(d, "group", details.group());
      putIfSet(d, "kind", details.kind());
      putIfSet(d, "uid", details.uid());
      if (!causes.isEmpty()) {
        ArrayNode array = d.putArray("causes");
        for (Cause c : causes) {
          ObjectNode o = array.addObject();
          putIfSet(o, "reason", c.type());
          putIfSet(o, "message", c.message());
          putIfSet(o, "field", c.field() == null || c.field().isEmpty() ? null : c.field());
        }
      }
      if (retryAfterSeconds > 0) {
        d.put("retryAfterSeconds", retryAfterSeconds);
      }
    }
    status.put("code", code);
    return status;
  }

  private static void putIfSet(ObjectNode node, String field, String value) {
    if (value != null && !value.isEmpty()) {
      node.put(field, value);
    }
  }
}
