package io.revisor.apiserver.http;

import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * What a request under {@code /apis/<group>/<version>/} addresses, parsed from its method and path the way
 * Kubernetes does: {@code [namespaces/<ns>/]<resource>[/<name>[/<subresource>]]}.
 *
 * @param verb the Kubernetes verb: get, list, watch, create, update, patch, delete, deletecollection
 * @param group the API group
 * @param version the API version
 * @param namespace the namespace from the path, or empty
 * @param resource the plural resource name
 * @param name the object name, or empty for collection requests
 * @param subresource e.g. {@code status}, or empty
 */
public record RequestInfo(
    String verb, String group, String version, String namespace, String resource, String name, String subresource) {

  private static final String PARSED_KEY = RequestInfo.class.getName();

  /**
   * The request's info, parsed once per request and kept on the context (authorization, the resource handler and
   * the metrics all read it). Null when the path does not address a resource.
   *
   * @throws ApiException as {@link #parse}, or 400 for a malformed {@code watch} parameter, every time it is asked
   */
  public static RequestInfo of(RoutingContext ctx) {
    Object parsed = ctx.get(PARSED_KEY);
    if (parsed == null) {
      try {
        parsed = Optional.ofNullable(parse(ctx.request().method().name(), ctx.normalizedPath(),
            new QueryParams(ctx.queryParams()).bool("watch", false)));
      } catch (ApiException e) {
        parsed = e;
      }
      ctx.put(PARSED_KEY, parsed);
    }
    if (parsed instanceof ApiException failure) {
      throw failure;
    }
    return ((Optional<?>) parsed).map(RequestInfo.class::cast).orElse(null);
  }

  /**
   * Parses {@code path} (without the query). Returns null when the path does not address a resource of a group
   * version, e.g. {@code /apis/g/v} itself.
   *
   * @throws ApiException 404 for paths with too many segments or empty segments
   */
  public static RequestInfo parse(String method, String path, boolean watch) {
    if (!path.startsWith("/apis/")) {
      return null;
    }
    List<String> parts = split(path.substring("/apis/".length()));
    if (parts.size() < 3) {
      return null;
    }
    String group = parts.get(0);
    String version = parts.get(1);
    List<String> rest = parts.subList(2, parts.size());
    String namespace = "";
    if (rest.get(0).equals("namespaces") && rest.size() >= 3) {
      namespace = rest.get(1);
      rest = rest.subList(2, rest.size());
    }
    if (rest.size() > 3) {
      throw ApiException.notFound("the server could not find the requested resource");
    }
    String resource = rest.get(0);
    String name = rest.size() > 1 ? rest.get(1) : "";
    String subresource = rest.size() > 2 ? rest.get(2) : "";
    boolean collection = name.isEmpty();
    String verb =
        switch (method.toUpperCase(Locale.ROOT)) {
          case "GET", "HEAD" -> collection ? (watch ? "watch" : "list") : "get";
          case "POST" -> "create";
          case "PUT" -> "update";
          case "PATCH" -> "patch";
          case "DELETE" -> collection ? "deletecollection" : "delete";
          default -> throw ApiException.methodNotAllowed("the server does not allow this method on the requested resource");
        };
    return new RequestInfo(verb, group, version, namespace, resource, name, subresource);
  }

  private static List<String> split(String path) {
    String trimmed = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    List<String> parts = new ArrayList<>();
    for (String part : trimmed.split("/", -1)) {
      if (part.isEmpty()) {
        throw ApiException.notFound("the server could not find the requested resource");
      }
      parts.add(part);
    }
    return parts;
  }

  /** {@code resource} or {@code resource/subresource}, as authorization and messages name it. */
  public String resourcePath() {
    return subresource.isEmpty() ? resource : resource + "/" + subresource;
  }
}
