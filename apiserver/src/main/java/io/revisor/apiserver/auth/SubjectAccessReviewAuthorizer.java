package io.revisor.apiserver.auth;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import io.fabric8.kubernetes.api.model.authorization.v1.NonResourceAttributesBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.ResourceAttributesBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewStatus;
import io.revisor.apiserver.cluster.ReviewClient;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * {@code --authorization-mode=Delegated}: the cluster decides, through a {@code SubjectAccessReview} with the user
 * and the request's attributes. Decisions are cached by user and attributes: allowed for {@code allowedTtl}, denied
 * (or no opinion) for {@code deniedTtl}. A review that cannot be obtained is no opinion, so the request is denied
 * (403), never allowed; it is not cached.
 */
public final class SubjectAccessReviewAuthorizer implements Authorizer {
  static final String PATH = "/apis/authorization.k8s.io/v1/subjectaccessreviews";

  private final ReviewClient reviews;
  private final AsyncCache<AuthorizationAttributes, Answer> cache;

  /** A cached answer; a review that failed is kept for no time at all (and not logged by the cache as a failure). */
  private record Answer(Decision decision, boolean failed) {}

  public SubjectAccessReviewAuthorizer(ReviewClient reviews, Duration allowedTtl, Duration deniedTtl, Ticker ticker) {
    this.reviews = reviews;
    this.cache = Caffeine.newBuilder()
        .maximumSize(10_000)
        .ticker(ticker)
        .expireAfter(Expiry.<AuthorizationAttributes, Answer>creating((key, answer) -> answer.failed() ? Duration.ZERO
            : answer.decision().verdict() == Verdict.ALLOW ? allowedTtl : deniedTtl))
        .buildAsync();
  }

  @Override
  public Future<Decision> authorize(AuthorizationAttributes attributes) {
    return Future.fromCompletionStage(cache.get(attributes, (key, executor) -> review(key)
        .thenApply(decision -> new Answer(decision, false))
        .exceptionally(failure -> new Answer(Decision.noOpinion("Error: " + ReviewClient.messageOf(failure)), true))))
        .map(Answer::decision);
  }

  private CompletableFuture<Decision> review(AuthorizationAttributes attributes) {
    UserInfo user = attributes.user();
    SubjectAccessReviewBuilder review = new SubjectAccessReviewBuilder()
        .withNewSpec()
        .withUser(user.name())
        .withUid(user.uid().isEmpty() ? null : user.uid())
        .withGroups(user.groups())
        .withExtra(user.extra().isEmpty() ? null : user.extra())
        .endSpec();
    if (attributes.resourceRequest()) {
      review.editSpec().withResourceAttributes(new ResourceAttributesBuilder()
              .withNamespace(attributes.namespace())
              .withVerb(attributes.verb())
              .withGroup(attributes.group())
              .withVersion(attributes.version())
              .withResource(attributes.resource())
              .withSubresource(attributes.subresource())
              .withName(attributes.name())
              .build())
          .endSpec();
    } else {
      review.editSpec().withNonResourceAttributes(new NonResourceAttributesBuilder()
              .withPath(attributes.path()).withVerb(attributes.verb()).build())
          .endSpec();
    }
    return reviews.create(PATH, review.build(), SubjectAccessReview.class).thenApply(answer -> {
      SubjectAccessReviewStatus status = answer.getStatus();
      if (status == null) {
        return Decision.noOpinion("");
      }
      String reason = status.getReason() == null ? "" : status.getReason();
      if (status.getEvaluationError() != null && !status.getEvaluationError().isEmpty()) {
        reason = reason.isEmpty() ? status.getEvaluationError() : reason + ": " + status.getEvaluationError();
      }
      if (Boolean.TRUE.equals(status.getAllowed())) {
        return Decision.ALLOW;
      }
      return Boolean.TRUE.equals(status.getDenied()) ? Decision.deny(reason) : Decision.noOpinion(reason);
    });
  }
}
