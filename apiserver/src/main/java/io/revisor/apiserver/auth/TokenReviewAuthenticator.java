package io.revisor.apiserver.auth;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import io.fabric8.kubernetes.api.model.authentication.TokenReview;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewStatus;
import io.revisor.apiserver.cluster.ReviewClient;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServerRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Bearer tokens checked by the cluster: a {@code TokenReview} (with this server's audiences, if any) through
 * {@link ReviewClient}. Answers are cached by the token's SHA-256 (the token itself is never kept): an accepted token
 * for {@code successTtl}, a rejected one for {@code failureTtl}; a review that could not be obtained is not cached
 * and rejects the request (401), as upstream does.
 */
public final class TokenReviewAuthenticator implements Authenticator {
  static final String PATH = "/apis/authentication.k8s.io/v1/tokenreviews";

  private final ReviewClient reviews;
  private final List<String> audiences;
  private final AsyncCache<String, Outcome> cache;

  /**
   * A review's answer: the user, or why the token was not accepted; {@code failed} when there was no answer (kept
   * for no time at all, and not logged by the cache as a failure).
   */
  record Outcome(UserInfo user, String error, boolean failed) {
    Outcome(UserInfo user, String error) {
      this(user, error, false);
    }
  }

  public TokenReviewAuthenticator(ReviewClient reviews, List<String> audiences, Duration successTtl,
      Duration failureTtl, Ticker ticker) {
    this.reviews = reviews;
    this.audiences = List.copyOf(audiences);
    this.cache = Caffeine.newBuilder()
        .maximumSize(10_000)
        .ticker(ticker)
        .expireAfter(Expiry.<String, Outcome>creating((key, outcome) -> outcome.failed() ? Duration.ZERO
            : outcome.user() != null ? successTtl : failureTtl))
        .buildAsync();
  }

  @Override
  public Future<Result> authenticate(HttpServerRequest request) {
    String token = BearerTokens.of(request);
    if (token == null) {
      return Authenticator.none();
    }
    return Future.fromCompletionStage(cache.get(sha256(token), (key, executor) -> review(token)))
        .map(outcome -> outcome.user() != null
            ? (Result) new Result.User(outcome.user())
            : new Result.Rejected(outcome.error()));
  }

  private java.util.concurrent.CompletableFuture<Outcome> review(String token) {
    TokenReview review = new TokenReviewBuilder()
        .withNewSpec().withToken(token).withAudiences(audiences.isEmpty() ? null : audiences).endSpec()
        .build();
    return reviews.create(PATH, review, TokenReview.class).thenApply(this::outcome)
        .exceptionally(failure -> new Outcome(null, "token review failed: " + ReviewClient.messageOf(failure), true));
  }

  private Outcome outcome(TokenReview review) {
    TokenReviewStatus status = review.getStatus();
    if (status == null || !Boolean.TRUE.equals(status.getAuthenticated()) || status.getUser() == null) {
      String error = status == null || status.getError() == null || status.getError().isEmpty()
          ? "invalid bearer token" : status.getError();
      return new Outcome(null, error);
    }
    // An answer without audiences is for the audiences asked for (upstream falls back to the server's own).
    if (!audiences.isEmpty() && status.getAudiences() != null && !status.getAudiences().isEmpty()
        && status.getAudiences().stream().noneMatch(audiences::contains)) {
      return new Outcome(null, "token audiences " + status.getAudiences() + " is invalid for the target audiences "
          + audiences);
    }
    var user = status.getUser();
    Map<String, List<String>> extra = new LinkedHashMap<>();
    if (user.getExtra() != null) {
      user.getExtra().forEach((key, values) -> extra.put(key, values == null ? List.of() : values));
    }
    return new Outcome(UserInfo.authenticated(Objects.requireNonNullElse(user.getUsername(), ""),
        user.getUid(), user.getGroups() == null ? List.of() : user.getGroups(), extra), null);
  }

  private static String sha256(String token) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
