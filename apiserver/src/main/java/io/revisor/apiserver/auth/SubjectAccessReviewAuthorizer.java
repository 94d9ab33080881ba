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
  /** Requests whose user-controlled parts are this large are reviewed every time, never cached (as upstream). */
  static final int MAX_CACHED_KEY_LENGTH = 10_000;

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
    AuthorizationAttributes key = reviewed(attributes);
    CompletableFuture<Answer> answer = length(key) >= MAX_CACHED_KEY_LENGTH
        ? answer(key)
        : cache.get(key, (k, executor) -> answer(k));
    return Future.fromCompletionStage(answer).map(Answer::decision);
  }

  /** The review's decision; a review that failed is no opinion, marked so that the cache keeps it for no time. */
  private CompletableFuture<Answer> answer(AuthorizationAttributes key) {
    return review(key)
        .thenApply(decision -> new Answer(decision, false))
        .exceptionally(failure -> new Answer(Decision.noOpinion("Error: " + ReviewClient.messageOf(failure)), true));
  }

  /** Only what the review sends: the path is not part of a resource request's review, so not of its cache key. */
  private static AuthorizationAttributes reviewed(AuthorizationAttributes attributes) {
    return attributes.resourceRequest()
        ? AuthorizationAttributes.resource(attributes.user(), attributes.verb(), attributes.group(), attributes.version(),
            attributes.resource(), attributes.subresource(), attributes.namespace(), attributes.name(), "")
        : attributes;
  }

  private static int length(AuthorizationAttributes key) {
    int length = key.user().name().length() + key.user().uid().length() + key.verb().length() + key.group().length()
        + key.version().length() + key.resource().length() + key.subresource().length() + key.namespace().length()
        + key.name().length() + key.path().length();
    for (String group : key.user().groups()) {
      length += group.length();
    }
    for (var extra : key.user().extra().entrySet()) {
      length += extra.getKey().length();
      for (String value : extra.getValue()) {
        length += value.length();
      }
    }
    return length;
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
      if (Boolean.TRUE.equals(status.getDenied())) {
        return Decision.deny(reason); // also when it says allowed too: a contradiction is never an allow
      }
      return Boolean.TRUE.equals(status.getAllowed()) ? Decision.ALLOW : Decision.noOpinion(reason);
    });
  }
}
