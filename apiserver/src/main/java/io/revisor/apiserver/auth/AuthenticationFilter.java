package io.revisor.apiserver.auth;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/**
 * The authentication step of the request chain: runs the authenticators in order, first success wins. A request
 * with a rejected credential fails with 401; one with no credential is anonymous when {@code anonymous} is on, and
 * 401 otherwise. The credential header is removed once authentication succeeds.
 */
public final class AuthenticationFilter implements Handler<RoutingContext> {
  private static final String USER_KEY = AuthenticationFilter.class.getName() + ".user";

  private final List<Authenticator> authenticators;
  private final boolean anonymous;

  public AuthenticationFilter(List<Authenticator> authenticators, boolean anonymous) {
    this.authenticators = List.copyOf(authenticators);
    this.anonymous = anonymous;
  }

  /** The authenticated user of a request that passed this filter. */
  public static UserInfo user(RoutingContext ctx) {
    UserInfo user = ctx.get(USER_KEY);
    if (user == null) {
      throw new IllegalStateException("request was not authenticated");
    }
    return user;
  }

  /** Sets the user directly (for requests that bypass the chain, e.g. in tests). */
  public static void setUser(RoutingContext ctx, UserInfo user) {
    ctx.put(USER_KEY, user);
  }

  @Override
  public void handle(RoutingContext ctx) {
    for (Authenticator authenticator : authenticators) {
      Authenticator.Result result = authenticator.authenticate(ctx.request());
      if (result instanceof Authenticator.Result.User user) {
        ctx.request().headers().remove("Authorization");
        setUser(ctx, user.user());
        ctx.next();
        return;
      }
      if (result instanceof Authenticator.Result.Rejected) {
        ctx.fail(401);
        return;
      }
    }
    if (!anonymous) {
      ctx.fail(401);
      return;
    }
    setUser(ctx, UserInfo.anonymous());
    ctx.next();
  }
}
