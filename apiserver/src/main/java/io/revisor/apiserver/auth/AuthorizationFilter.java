package io.revisor.apiserver.auth;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/**
 * The authorization step of the request chain, for standalone mode ({@code --authorization-mode=AlwaysAllow}):
 * every authenticated user may do everything; anonymous requests may only reach the always-allowed paths (by
 * default the health checks). Denials are 403 in kube's words.
 */
public final class AuthorizationFilter implements Handler<RoutingContext> {
  private final List<String> alwaysAllowPaths;

  public AuthorizationFilter(List<String> alwaysAllowPaths) {
    this.alwaysAllowPaths = List.copyOf(alwaysAllowPaths);
  }

  /** Whether {@code path} matches one of the always-allowed paths ({@code /x} exactly, {@code /x/*} as a prefix). */
  public boolean alwaysAllowed(String path) {
    for (String allowed : alwaysAllowPaths) {
      if (allowed.endsWith("/*") ? path.startsWith(allowed.substring(0, allowed.length() - 1)) : path.equals(allowed)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public void handle(RoutingContext ctx) {
    UserInfo user = AuthenticationFilter.user(ctx);
    if (!user.isAnonymous() || alwaysAllowed(ctx.normalizedPath())) {
      ctx.next();
      return;
    }
    ctx.put(AuthorizationFilter.class.getName() + ".denied", "User \"" + user.name() + "\" cannot "
        + ctx.request().method().name().toLowerCase(java.util.Locale.ROOT) + " path \"" + ctx.normalizedPath() + "\"");
    ctx.fail(403);
  }

  /** The denial message of a request this filter refused, or null. */
  public static String denial(RoutingContext ctx) {
    return ctx.get(AuthorizationFilter.class.getName() + ".denied");
  }
}
