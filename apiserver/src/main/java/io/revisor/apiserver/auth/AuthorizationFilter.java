package io.revisor.apiserver.auth;

import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import java.util.function.Function;

/**
 * The authorization step of the request chain: asks the authorizer about the request's attributes and lets it
 * through only on an allow. A denial (or no opinion from anybody) is a 403 whose message {@link #denial} describes in
 * kube's words.
 */
public final class AuthorizationFilter implements Handler<RoutingContext> {
  private static final String DENIAL_KEY = AuthorizationFilter.class.getName() + ".denial";

  private final Authorizer authorizer;
  private final Function<RoutingContext, AuthorizationAttributes> attributes;

  /** A refused request: what it asked and the authorizer's reason (may be empty). */
  public record Denial(AuthorizationAttributes attributes, String reason) {
    /** {@code User "u" cannot <verb> resource ...}, followed by {@code : <reason>} when there is one. */
    public String message() {
      return reason.isEmpty() ? attributes.describe() : attributes.describe() + ": " + reason;
    }
  }

  /**
   * @param attributes reads a request's attributes (after authentication)
   */
  public AuthorizationFilter(Authorizer authorizer, Function<RoutingContext, AuthorizationAttributes> attributes) {
    this.authorizer = authorizer;
    this.attributes = attributes;
  }

  @Override
  public void handle(RoutingContext ctx) {
    AuthorizationAttributes asked = attributes.apply(ctx);
    Future<Authorizer.Decision> pending = authorizer.authorize(asked);
    if (pending.isComplete()) {
      decide(ctx, asked, pending);
      return;
    }
    // A remote review: keep the body for later handlers, and continue on the request's own context.
    AuthenticationFilter.holdBody(ctx);
    Context context = Vertx.currentContext();
    pending.onComplete(result -> context.runOnContext(v -> decide(ctx, asked, result)));
  }

  private static void decide(RoutingContext ctx, AuthorizationAttributes asked, AsyncResult<Authorizer.Decision> result) {
    Authorizer.Decision decision = result.succeeded()
        ? result.result() : Authorizer.Decision.noOpinion(String.valueOf(result.cause().getMessage()));
    if (decision.verdict() == Authorizer.Verdict.ALLOW) {
      ctx.next();
      return;
    }
    refuse(ctx, asked, decision.reason());
  }

  /** Fails the request with a 403 for {@code asked}; a held body is read and dropped. */
  static void refuse(RoutingContext ctx, AuthorizationAttributes asked, String reason) {
    ctx.put(DENIAL_KEY, new Denial(asked, reason));
    ctx.request().resume();
    ctx.fail(403);
  }

  /** Why this filter refused the request, or null. */
  public static Denial denial(RoutingContext ctx) {
    return ctx.get(DENIAL_KEY);
  }
}
