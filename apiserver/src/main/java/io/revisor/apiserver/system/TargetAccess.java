package io.revisor.apiserver.system;

import io.revisor.apiserver.auth.AuthenticationFilter;
import io.revisor.apiserver.auth.AuthorizationAttributes;
import io.revisor.apiserver.auth.AuthorizationFilter;
import io.revisor.apiserver.auth.Authorizer;
import io.revisor.apiserver.crd.ResourceDefinition;
import io.revisor.apiserver.http.ApiServer;
import io.revisor.apiserver.http.ResourceRequest;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;

/**
 * The second authorization of Revisor's own kinds: reading the history of an object, its trash entry or its
 * figures also needs {@code get} on the object itself, and restoring it needs {@code create} or {@code update}. The
 * request's own verb on the system kind was authorized by the request chain; this asks the same authorizer (so
 * SubjectAccessReviews, ABAC and {@code system:masters} all apply) about the target.
 */
final class TargetAccess {
  private final Authorizer authorizer;

  TargetAccess(Authorizer authorizer) {
    this.authorizer = authorizer;
  }

  /**
   * Succeeds when the request's user may {@code verb} the object {@code name} (empty: the collection) of {@code
   * target} in {@code namespace} (empty: every namespace); otherwise fails with kube's 403 about the target.
   */
  Future<Void> require(ResourceRequest request, ResourceDefinition target, String verb, String namespace, String name) {
    AuthorizationAttributes asked = attributes(request, target, verb, namespace, name);
    return decide(asked).compose(decision -> decision.verdict() == Authorizer.Verdict.ALLOW
        ? Future.succeededFuture()
        : Future.failedFuture(ApiServer.forbidden(new AuthorizationFilter.Denial(asked, decision.reason()))));
  }

  /** Whether the request's user may {@code verb} objects of {@code target} in {@code namespace}; never fails. */
  private Future<Boolean> allowed(ResourceRequest request, ResourceDefinition target, String verb, String namespace) {
    return decide(attributes(request, target, verb, namespace, ""))
        .map(decision -> decision.verdict() == Authorizer.Verdict.ALLOW);
  }

  /**
   * Of {@code targets}, those whose objects the request's user may {@code get} in {@code namespace} (empty: every
   * namespace), in their order; never fails.
   */
  Future<List<ResourceDefinition>> readable(ResourceRequest request, List<ResourceDefinition> targets, String namespace) {
    List<Future<Boolean>> decisions = targets.stream().map(t -> allowed(request, t, "get", namespace)).toList();
    return Future.all(decisions).map(all -> {
      List<ResourceDefinition> readable = new ArrayList<>();
      for (int i = 0; i < decisions.size(); i++) {
        if (decisions.get(i).result()) {
          readable.add(targets.get(i));
        }
      }
      return readable;
    });
  }

  private Future<Authorizer.Decision> decide(AuthorizationAttributes asked) {
    return authorizer.authorize(asked)
        .otherwise(failure -> Authorizer.Decision.noOpinion(String.valueOf(failure.getMessage())));
  }

  private static AuthorizationAttributes attributes(
      ResourceRequest request, ResourceDefinition target, String verb, String namespace, String name) {
    String version = target.servedVersionsByPriority().get(0).name();
    String path = "/apis/" + target.group() + "/" + version
        + (namespace.isEmpty() ? "" : "/namespaces/" + namespace) + "/" + target.names().plural()
        + (name.isEmpty() ? "" : "/" + name);
    return AuthorizationAttributes.resource(AuthenticationFilter.user(request.routing()), verb, target.group(),
        version, target.names().plural(), "", namespace, name, path);
  }
}
