package io.revisor.apiserver.auth;

import java.util.Objects;

/**
 * What a request asks to do, as Kubernetes authorizers see it: a resource request (verb on a resource of an API
 * group, in a namespace or at the cluster scope, optionally one object by name) or a non-resource request (verb on
 * a path).
 *
 * @param user who asks
 * @param verb get, list, watch, create, update, patch, delete, deletecollection; for non-resource requests the
 *     lower-case HTTP method (get, post, put, patch, delete, head)
 * @param resourceRequest whether this addresses a resource (else a path)
 * @param group the API group ("" for the core group)
 * @param version the API version
 * @param resource the plural resource name
 * @param subresource e.g. {@code status}, or ""
 * @param namespace the namespace, or "" for cluster-scoped and all-namespace requests
 * @param name the object name, or "" (for list and watch, from {@code fieldSelector=metadata.name=})
 * @param path the request path, for non-resource requests
 */
public record AuthorizationAttributes(
    UserInfo user,
    String verb,
    boolean resourceRequest,
    String group,
    String version,
    String resource,
    String subresource,
    String namespace,
    String name,
    String path) {
  public AuthorizationAttributes {
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(verb, "verb");
    group = Objects.requireNonNullElse(group, "");
    version = Objects.requireNonNullElse(version, "");
    resource = Objects.requireNonNullElse(resource, "");
    subresource = Objects.requireNonNullElse(subresource, "");
    namespace = Objects.requireNonNullElse(namespace, "");
    name = Objects.requireNonNullElse(name, "");
    path = Objects.requireNonNullElse(path, "");
  }

  /** A resource request. */
  public static AuthorizationAttributes resource(UserInfo user, String verb, String group, String version,
      String resource, String subresource, String namespace, String name, String path) {
    return new AuthorizationAttributes(user, verb, true, group, version, resource, subresource, namespace, name, path);
  }

  /** A non-resource request: {@code verb} on {@code path}. */
  public static AuthorizationAttributes nonResource(UserInfo user, String verb, String path) {
    return new AuthorizationAttributes(user, verb, false, "", "", "", "", "", "", path);
  }

  /** Whether the verb only reads (get, list, watch), as kube's ReadOnly check: a HEAD on a path is not a read. */
  public boolean readOnly() {
    return switch (verb) {
      case "get", "list", "watch" -> true;
      default -> false;
    };
  }

  /**
   * kube's description of this request in a 403 (the text after {@code forbidden: }): {@code User "u" cannot list
   * resource "r" in API group "g" in the namespace "ns"}, {@code ... at the cluster scope}, or {@code User "u"
   * cannot get path "/p"}.
   */
  public String describe() {
    if (!resourceRequest) {
      return "User \"" + user.name() + "\" cannot " + verb + " path \"" + path + "\"";
    }
    String what = subresource.isEmpty() ? resource : resource + "/" + subresource;
    String where = namespace.isEmpty() ? "at the cluster scope" : "in the namespace \"" + namespace + "\"";
    return "User \"" + user.name() + "\" cannot " + verb + " resource \"" + what + "\" in API group \"" + group
        + "\" " + where;
  }
}
