package io.revisor.apiserver.cluster;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

/**
 * Creates review objects ({@code TokenReview}, {@code SubjectAccessReview}) in the cluster without blocking: one
 * POST, retried on 429, 5xx and transport failures with a doubling pause, all within one deadline. Reviews are
 * idempotent (nothing is stored), so retrying is safe.
 */
public final class ReviewClient {
  private static final Duration FIRST_PAUSE = Duration.ofMillis(100);

  private final KubernetesClient client;
  private final Duration deadline;
  private final int attempts;

  /**
   * @param deadline the time one review may take, retries included
   * @param attempts how many times one review is tried at most
   */
  public ReviewClient(KubernetesClient client, Duration deadline, int attempts) {
    this.client = client;
    this.deadline = deadline;
    this.attempts = attempts;
  }

  /** Thrown (inside the future) when the review could not be obtained. */
  public static final class ReviewException extends RuntimeException {
    ReviewException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * POSTs {@code review} to {@code path} (e.g. {@code /apis/authentication.k8s.io/v1/tokenreviews}) and decodes the
   * answer; fails with {@link ReviewException} after the last attempt or at the deadline.
   */
  public <T> CompletableFuture<T> create(String path, Object review, Class<T> type) {
    byte[] body = client.getKubernetesSerialization().asJson(review).getBytes(StandardCharsets.UTF_8);
    String url = client.getMasterUrl().toString().replaceAll("/+$", "") + path;
    long deadlineNanos = System.nanoTime() + deadline.toNanos();
    return attempt(path, url, body, type, 1, FIRST_PAUSE, deadlineNanos)
        .orTimeout(deadline.toMillis(), TimeUnit.MILLISECONDS)
        .exceptionallyCompose(failure -> CompletableFuture.failedFuture(failure instanceof ReviewException
            ? failure
            : new ReviewException(path + ": " + describe(unwrap(failure)), unwrap(failure))));
  }

  private <T> CompletableFuture<T> attempt(
      String path, String url, byte[] body, Class<T> type, int attempt, Duration pause, long deadlineNanos) {
    long remaining = deadlineNanos - System.nanoTime();
    HttpClient http = client.getHttpClient();
    HttpRequest request = http.newHttpRequestBuilder()
        .uri(url)
        .header("Accept", "application/json")
        .post("application/json", body)
        .timeout(Math.max(1, TimeUnit.NANOSECONDS.toMillis(remaining)), TimeUnit.MILLISECONDS)
        .build();
    return http.sendAsync(request, String.class).handle((response, failure) -> {
      if (failure == null && response.code() >= 200 && response.code() < 300) {
        return CompletableFuture.completedFuture(client.getKubernetesSerialization().unmarshal(response.body(), type));
      }
      String problem = failure != null ? describe(unwrap(failure)) : "HTTP " + response.code() + summary(response);
      boolean retryable = failure != null || response.code() == 429 || response.code() >= 500;
      boolean time = deadlineNanos - System.nanoTime() > pause.toNanos();
      if (!retryable || attempt >= attempts || !time) {
        // The path only: the cluster's address is no business of the user who reads a 401 or 403.
        return CompletableFuture.<T>failedFuture(new ReviewException(path + ": " + problem, failure));
      }
      return CompletableFuture.supplyAsync(() -> null,
              CompletableFuture.delayedExecutor(pause.toMillis(), TimeUnit.MILLISECONDS))
          .thenCompose(ignored -> attempt(path, url, body, type, attempt + 1, pause.multipliedBy(2), deadlineNanos));
    }).thenCompose(future -> future);
  }

  private static String summary(HttpResponse<String> response) {
    String body = response.body();
    if (body == null || body.isBlank()) {
      return "";
    }
    return ": " + (body.length() > 200 ? body.substring(0, 200) + "..." : body.strip());
  }

  /** The message of a review failure, without the wrappers of futures. */
  public static String messageOf(Throwable failure) {
    return describe(unwrap(failure));
  }

  private static Throwable unwrap(Throwable failure) {
    while (failure instanceof CompletionException && failure.getCause() != null) {
      failure = failure.getCause();
    }
    return failure;
  }

  private static String describe(Throwable failure) {
    if (failure instanceof java.util.concurrent.TimeoutException) {
      return "no answer within the deadline";
    }
    return failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage();
  }
}
