package io.revisor.apiserver.auth;

import io.vertx.core.http.HttpServerRequest;
import java.util.Optional;

/**
 * One way of proving who a request comes from. Implementations are thread-safe and fast (no blocking I/O).
 */
public interface Authenticator {
  /** The outcome of one authenticator for one request. */
  sealed interface Result permits Result.None, Result.User, Result.Rejected {
    /** The request carries no credential of this kind. */
    record None() implements Result {}

    /** The credential proves this user. */
    record User(UserInfo user) implements Result {}

    /** The request carries a credential of this kind, and it is not valid: the request gets a 401. */
    record Rejected(String reason) implements Result {}
  }

  Result.None NONE = new Result.None();

  Result authenticate(HttpServerRequest request);

  /** Convenience for implementations: a user result, or none. */
  static Result of(Optional<UserInfo> user) {
    return user.<Result>map(Result.User::new).orElse(NONE);
  }
}
