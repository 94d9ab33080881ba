package io.revisor.apiserver.auth;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Impersonation ({@code kubectl --as}, {@code --as-group}), as kube's impersonation filter: a request with {@code
 * Impersonate-User}, {@code Impersonate-Uid}, {@code Impersonate-Group} or {@code Impersonate-Extra-<key>} headers
 * runs as the user they name, once the authorizer allows the caller the verb {@code impersonate} on each part: {@code
 * users} (or the {@code serviceaccounts} object for {@code system:serviceaccount:<ns>:<name>}), {@code groups}, and,
 * in API group {@code authentication.k8s.io}, {@code uids} and {@code userextras/<key>}. Any part refused is a 403
 * naming it; groups, a UID or extras without a user are a 400. The headers are removed afterwards.
 */
public final class ImpersonationFilter implements Handler<RoutingContext> {
  static final String USER = "Impersonate-User";
  static final String UID = "Impersonate-Uid";
  static final String GROUP = "Impersonate-Group";
  static final String EXTRA_PREFIX = "Impersonate-Extra-";
  private static final String SERVICE_ACCOUNT_PREFIX = "system:serviceaccount:";
  private static final String PROBLEM_KEY = ImpersonationFilter.class.getName() + ".problem";

  private final Authorizer authorizer;

  public ImpersonationFilter(Authorizer authorizer) {
    this.authorizer = authorizer;
  }

  @Override
  public void handle(RoutingContext ctx) {
    MultiMap headers = ctx.request().headers();
    String name = headers.get(USER);
    String uid = headers.get(UID);
    List<String> groups = headers.getAll(GROUP);
    Map<String, List<String>> extra = RequestHeaderAuthenticator.extra(headers, List.of(EXTRA_PREFIX));
    if (name == null && uid == null && groups.isEmpty() && extra.isEmpty()) {
      ctx.next();
      return;
    }
    if (name == null || name.isEmpty()) {
      ctx.put(PROBLEM_KEY, "requested impersonation of groups, a UID or extras without impersonating a user");
      ctx.fail(400);
      return;
    }
    UserInfo caller = AuthenticationFilter.user(ctx);
    List<AuthorizationAttributes> checks = new ArrayList<>();
    if (name.startsWith(SERVICE_ACCOUNT_PREFIX) && name.substring(SERVICE_ACCOUNT_PREFIX.length()).contains(":")) {
      String[] parts = name.substring(SERVICE_ACCOUNT_PREFIX.length()).split(":", 2);
      checks.add(check(caller, "", "serviceaccounts", "", parts[0], parts[1]));
    } else {
      checks.add(check(caller, "", "users", "", "", name));
    }
    groups.forEach(group -> checks.add(check(caller, "", "groups", "", "", group)));
    if (uid != null) {
      checks.add(check(caller, "authentication.k8s.io", "uids", "", "", uid));
    }
    extra.forEach((key, values) ->
        values.forEach(value -> checks.add(check(caller, "authentication.k8s.io", "userextras", key, "", value))));

    Context context = Vertx.currentContext();
    AuthenticationFilter.holdBody(ctx);
    verify(checks, 0).onComplete(result -> context.runOnContext(v -> {
      if (result.failed() || result.result() != null) {
        AuthorizationFilter.refuse(ctx, result.failed() ? checks.get(0) : result.result().attributes(),
            result.failed() ? String.valueOf(result.cause().getMessage()) : result.result().reason());
        return;
      }
      headers.remove(USER);
      headers.remove(UID);
      headers.remove(GROUP);
      RequestHeaderAuthenticator.removePrefixed(headers, List.of(EXTRA_PREFIX));
      AuthenticationFilter.setUser(ctx, impersonated(name, uid, groups, extra));
      ctx.request().resume();
      ctx.next();
    }));
  }

  /** Why this filter refused the request as malformed (400), or null. */
  public static String problem(RoutingContext ctx) {
    return ctx.get(PROBLEM_KEY);
  }

  /** The first refused check with its reason, or null when every check is allowed. */
  private Future<AuthorizationFilter.Denial> verify(List<AuthorizationAttributes> checks, int index) {
    if (index == checks.size()) {
      return Future.succeededFuture();
    }
    return authorizer.authorize(checks.get(index)).compose(decision -> decision.verdict() == Authorizer.Verdict.ALLOW
        ? verify(checks, index + 1)
        : Future.succeededFuture(new AuthorizationFilter.Denial(checks.get(index), decision.reason())));
  }

  private static AuthorizationAttributes check(UserInfo caller, String group, String resource, String subresource,
      String namespace, String name) {
    return AuthorizationAttributes.resource(caller, "impersonate", group, "", resource, subresource, namespace, name, "");
  }

  /** The user as kube builds it: service accounts get their groups; groups not given: system:authenticated. */
  private static UserInfo impersonated(String name, String uid, List<String> groups, Map<String, List<String>> extra) {
    List<String> all = new ArrayList<>(groups);
    if (name.startsWith(SERVICE_ACCOUNT_PREFIX) && groups.isEmpty()) {
      String namespace = name.substring(SERVICE_ACCOUNT_PREFIX.length()).split(":", 2)[0];
      all.add("system:serviceaccounts");
      all.add("system:serviceaccounts:" + namespace);
    }
    if (groups.isEmpty() && !name.equals(UserInfo.ANONYMOUS)) {
      return UserInfo.authenticated(name, uid, all, extra);
    }
    return new UserInfo(name, uid, all, extra);
  }
}
