package io.revisor.apiserver.auth;

import io.vertx.core.Future;
import io.vertx.core.http.HttpServerRequest;

/**
 * One way of proving who a request comes from. Implementations are thread-safe and never block the calling (event
 * loop) thread: one that asks the cluster completes its future later.
 */
public interface Authenticator {
  /** The outcome of one authenticator for one request. */
  sealed interface Result permits Result.None, Result.User, Result.Rejected {
    /** The request carries no credential of this kind. */
    record None() implements Result {}

    /** The credential proves this user. */
    record User(UserInfo user) implements Result {}

    /**
     * The request carries a credential of this kind, and it is not valid. Later authenticators still run (a client
     * certificate from the front proxy's CA is no client-CA user); if none succeeds, the request gets a 401.
     */
    record Rejected(String reason) implements Result {}
  }

  Result.None NONE = new Result.None();

  Future<Result> authenticate(HttpServerRequest request);

  static Future<Result> none() {
    return Future.succeededFuture(NONE);
  }

  static Future<Result> user(UserInfo user) {
    return Future.succeededFuture(new Result.User(user));
  }

  static Future<Result> rejected(String reason) {
    return Future.succeededFuture(new Result.Rejected(reason));
  }
}
