package io.revisor.apiserver.auth;

import io.vertx.core.Future;
import java.util.List;
import java.util.Set;

/** The simple authorizers, and the union that asks several in order. */
public final class Authorizers {
  private Authorizers() {}

  /** {@code --authorization-mode=AlwaysAllow}: every authenticated user may do everything; anonymous: no opinion. */
  public static Authorizer alwaysAllow() {
    return attributes -> Future.succeededFuture(
        attributes.user().isAnonymous() ? Authorizer.Decision.NO_OPINION : Authorizer.Decision.ALLOW);
  }

  /** Members of these groups may do everything (kube's {@code system:masters}, which the aggregator's probes use). */
  public static Authorizer privilegedGroups(Set<String> groups) {
    Set<String> privileged = Set.copyOf(groups);
    return attributes -> Future.succeededFuture(attributes.user().groups().stream().anyMatch(privileged::contains)
        ? Authorizer.Decision.ALLOW : Authorizer.Decision.NO_OPINION);
  }

  /**
   * {@code --authorization-always-allow-paths}: non-resource requests to these paths are allowed for anyone, even
   * anonymous; {@code /x} matches exactly, {@code /x/*} as a prefix. Resource requests: no opinion.
   */
  public static Authorizer alwaysAllowPaths(List<String> paths) {
    List<String> allowed = List.copyOf(paths);
    return attributes -> Future.succeededFuture(
        !attributes.resourceRequest() && matches(allowed, attributes.path())
            ? Authorizer.Decision.ALLOW : Authorizer.Decision.NO_OPINION);
  }

  static boolean matches(List<String> patterns, String path) {
    for (String pattern : patterns) {
      if (pattern.equals("*") || (pattern.endsWith("*")
          ? path.startsWith(pattern.substring(0, pattern.length() - 1)) : path.equals(pattern))) {
        return true;
      }
    }
    return false;
  }

  /**
   * Asks each authorizer in order: the first allow or deny decides; no opinion asks the next; when nobody decides,
   * the answer is no opinion with every reason given, one per line, as upstream's union (the request is then
   * denied). A failed authorizer counts as no opinion.
   */
  public static Authorizer union(List<Authorizer> authorizers) {
    List<Authorizer> chain = List.copyOf(authorizers);
    return attributes -> ask(chain, 0, attributes, Authorizer.Decision.NO_OPINION);
  }

  private static Future<Authorizer.Decision> ask(
      List<Authorizer> chain, int index, AuthorizationAttributes attributes, Authorizer.Decision last) {
    if (index == chain.size()) {
      return Future.succeededFuture(last);
    }
    return chain.get(index).authorize(attributes)
        .otherwise(failure -> Authorizer.Decision.noOpinion(String.valueOf(failure.getMessage())))
        .compose(decision -> decision.verdict() == Authorizer.Verdict.NO_OPINION
            ? ask(chain, index + 1, attributes, decision.reason().isEmpty() ? last
                : Authorizer.Decision.noOpinion(last.reason().isEmpty() ? decision.reason()
                    : last.reason() + "\n" + decision.reason()))
            : Future.succeededFuture(decision));
  }
}
