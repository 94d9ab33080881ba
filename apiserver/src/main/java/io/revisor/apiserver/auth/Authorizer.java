package io.revisor.apiserver.auth;

import io.vertx.core.Future;

/**
 * Decides whether a request may proceed. Implementations are thread-safe and never block the calling (event loop)
 * thread: a remote decision completes the future later.
 */
public interface Authorizer {
  /** The outcome of one authorizer. */
  enum Verdict {
    /** Allowed: stop here. */
    ALLOW,
    /** Denied: stop here. */
    DENY,
    /** This authorizer has nothing to say: ask the next; if none allows, the request is denied. */
    NO_OPINION
  }

  /** A verdict with the authorizer's reason (may be empty), appended to 403 messages as kube does. */
  record Decision(Verdict verdict, String reason) {
    public static final Decision ALLOW = new Decision(Verdict.ALLOW, "");
    public static final Decision NO_OPINION = new Decision(Verdict.NO_OPINION, "");

    public static Decision deny(String reason) {
      return new Decision(Verdict.DENY, reason);
    }

    public static Decision noOpinion(String reason) {
      return new Decision(Verdict.NO_OPINION, reason);
    }
  }

  /** Decides; a failed future counts as no opinion with the failure as reason (never an allow). */
  Future<Decision> authorize(AuthorizationAttributes attributes);
}
