package io.revisor.apiserver.auth;

import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The authentication step of the request chain, as upstream's union authenticator with fail-on-error anonymous: the
 * authenticators run in order and the first that proves a user wins; a rejected credential does not stop the chain
 * (a front-proxy certificate is no client-CA certificate), but if nobody accepts the request and any credential was
 * rejected, it fails with 401. Only a request with no credential at all is anonymous, when {@code anonymous} is on.
 *
 * <p>Once decided, the {@code Authorization} header and every front-proxy header are removed, so nothing downstream
 * can read a credential or a forged identity.
 */
public final class AuthenticationFilter implements Handler<RoutingContext> {
  private static final Logger LOG = LoggerFactory.getLogger(AuthenticationFilter.class);
  private static final String USER_KEY = AuthenticationFilter.class.getName() + ".user";

  private final List<Authenticator> authenticators;
  private final boolean anonymous;
  private final Supplier<AuthenticationConfig> config;

  /**
   * @param config the current certificate settings, whose front-proxy headers are stripped from every request
   */
  public AuthenticationFilter(List<Authenticator> authenticators, boolean anonymous,
      Supplier<AuthenticationConfig> config) {
    this.authenticators = List.copyOf(authenticators);
    this.anonymous = anonymous;
    this.config = config;
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
    RequestHeaderConfig proxy = config.get().requestHeader();
    next(ctx, 0, new ArrayList<>(), proxy);
  }

  private void next(RoutingContext ctx, int index, List<String> rejections, RequestHeaderConfig proxy) {
    if (index == authenticators.size()) {
      finish(ctx, null, rejections, proxy);
      return;
    }
    var pending = authenticators.get(index).authenticate(ctx.request());
    if (pending.isComplete()) {
      step(ctx, index, rejections, proxy, pending);
      return;
    }
    // A remote review: keep the body for later handlers, and continue on the request's own context.
    holdBody(ctx);
    Context context = Vertx.currentContext();
    pending.onComplete(result -> context.runOnContext(v -> step(ctx, index, rejections, proxy, result)));
  }

  /**
   * Pauses a request whose body the body handler reads later (it resumes it), so that no chunk arriving while a
   * review is pending is lost, and a WebSocket upgrade, which must not have ended when the watch takes it over. Other
   * requests are left flowing: nothing would resume them.
   */
  static void holdBody(RoutingContext ctx) {
    boolean body = switch (ctx.request().method().name()) {
      case "POST", "PUT", "PATCH", "DELETE" -> true;
      default -> false;
    };
    if (body || "websocket".equalsIgnoreCase(ctx.request().getHeader("Upgrade"))) {
      ctx.request().pause();
    }
  }

  private void step(RoutingContext ctx, int index, List<String> rejections, RequestHeaderConfig proxy,
      AsyncResult<Authenticator.Result> result) {
    if (result.failed()) {
      rejections.add(String.valueOf(result.cause().getMessage()));
      next(ctx, index + 1, rejections, proxy);
      return;
    }
    if (result.result() instanceof Authenticator.Result.User user) {
      finish(ctx, user.user(), rejections, proxy);
      return;
    }
    if (result.result() instanceof Authenticator.Result.Rejected rejected) {
      rejections.add(rejected.reason());
    }
    next(ctx, index + 1, rejections, proxy);
  }

  private void finish(RoutingContext ctx, UserInfo user, List<String> rejections, RequestHeaderConfig proxy) {
    ctx.request().headers().remove("Authorization");
    BearerTokens.stripWebSocketProtocol(ctx.request().headers());
    RequestHeaderAuthenticator.stripHeaders(ctx.request().headers(), proxy);
    if (user == null && (!rejections.isEmpty() || !anonymous)) {
      LOG.debug("unauthorized {} {}: {}", ctx.request().method(), ctx.request().path(), rejections);
      ctx.request().resume(); // a held body is read and dropped
      ctx.fail(401);
      return;
    }
    setUser(ctx, user == null ? UserInfo.anonymous() : user);
    ctx.next();
  }
}
