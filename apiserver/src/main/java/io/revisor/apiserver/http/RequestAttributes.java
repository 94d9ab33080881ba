package io.revisor.apiserver.http;

import io.revisor.apiserver.auth.AuthenticationFilter;
import io.revisor.apiserver.auth.AuthorizationAttributes;
import io.revisor.apiserver.auth.UserInfo;
import io.revisor.storage.selection.FieldSelector;
import io.vertx.ext.web.RoutingContext;
import java.util.Locale;

/**
 * A request's authorization attributes, read the way kube's {@code RequestInfoFactory} reads them: paths under
 * {@code /apis/<group>/<version>/} that address a resource are resource requests (verb from the method, {@code list}
 * or {@code watch} for collections, the name of a list or watch from {@code fieldSelector=metadata.name=}); every
 * other path is a non-resource request whose verb is the lower-case method.
 */
final class RequestAttributes {
  private RequestAttributes() {}

  static AuthorizationAttributes of(RoutingContext ctx) {
    UserInfo user = AuthenticationFilter.user(ctx);
    String path = ctx.normalizedPath();
    String method = ctx.request().method().name();
    RequestInfo info;
    try {
      info = RequestInfo.of(ctx);
    } catch (ApiException e) {
      info = null; // a path no handler serves: authorize it as a path; it then answers 404 or 405
    }
    if (info == null) {
      return AuthorizationAttributes.nonResource(user, method.toLowerCase(Locale.ROOT), path);
    }
    String name = info.name();
    if (name.isEmpty() && (info.verb().equals("list") || info.verb().equals("watch"))) {
      name = nameFromFieldSelector(ctx.queryParams().get("fieldSelector"));
    }
    return AuthorizationAttributes.resource(user, info.verb(), info.group(), info.version(), info.resource(),
        info.subresource(), info.namespace(), name, path);
  }

  private static String nameFromFieldSelector(String selector) {
    if (selector == null || selector.isEmpty()) {
      return "";
    }
    try {
      String name = FieldSelector.parse(selector).singleName();
      return name == null ? "" : name;
    } catch (IllegalArgumentException e) {
      return ""; // the list itself answers 400 for a bad selector
    }
  }
}
