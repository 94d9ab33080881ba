package io.revisor.apiserver.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.benmanes.caffeine.cache.Ticker;
import io.revisor.apiserver.cluster.ReviewClient;
import io.revisor.apiserver.testing.FakeCluster;
import io.revisor.apiserver.testing.RevisorServer;
import io.revisor.apiserver.testing.ApiClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Review caching: within the TTL one review answers repeated requests; after it, the cluster is asked again. */
class ReviewCacheTest {
  static final String DASHBOARDS = "/apis/demo.revisor.io/v1/namespaces/team-a/dashboards";

  @TempDir
  Path dir;

  FakeCluster cluster;

  @BeforeEach
  void start() {
    cluster = FakeCluster.start()
        .token("bob-token", "bob", "editors")
        .allow("group:editors", "get,list", "demo.revisor.io", "dashboards", "team-a");
  }

  @AfterEach
  void stop() {
    cluster.close();
  }

  /** A ticker the test moves by hand. */
  static final class ManualTicker implements Ticker {
    final AtomicLong nanos = new AtomicLong();

    @Override
    public long read() {
      return nanos.get();
    }

    void advance(Duration duration) {
      nanos.addAndGet(duration.toNanos());
    }
  }

  static AuthorizationAttributes list(String user, String namespace) {
    return AuthorizationAttributes.resource(UserInfo.authenticated(user, "", List.of("editors")), "list",
        "demo.revisor.io", "v1", "dashboards", "", namespace, "", "/apis/demo.revisor.io/v1/namespaces/" + namespace
            + "/dashboards");
  }

  @Test
  void accessReviewsAreCachedForTheirTtlAllowedAndDeniedApart() throws Exception {
    ManualTicker ticker = new ManualTicker();
    var authorizer = new SubjectAccessReviewAuthorizer(new ReviewClient(cluster.client(), Duration.ofSeconds(5), 1),
        Duration.ofSeconds(10), Duration.ofSeconds(3), ticker);
    for (int i = 0; i < 5; i++) {
      assertThat(decide(authorizer, list("bob", "team-a"))).isEqualTo(Authorizer.Verdict.ALLOW);
      assertThat(decide(authorizer, list("bob", "team-b"))).isEqualTo(Authorizer.Verdict.NO_OPINION);
    }
    assertThat(cluster.accessReviews()).as("one review per distinct question").hasSize(2);

    ticker.advance(Duration.ofSeconds(4)); // past the denied TTL, within the allowed one
    decide(authorizer, list("bob", "team-a"));
    decide(authorizer, list("bob", "team-b"));
    assertThat(cluster.accessReviews()).hasSize(3);

    ticker.advance(Duration.ofSeconds(7)); // past the allowed TTL
    decide(authorizer, list("bob", "team-a"));
    assertThat(cluster.accessReviews()).hasSize(4);
  }

  @Test
  void aFailedReviewIsNoOpinionAndNotCached() throws Exception {
    var authorizer = new SubjectAccessReviewAuthorizer(new ReviewClient(cluster.client(), Duration.ofSeconds(5), 2),
        Duration.ofSeconds(10), Duration.ofSeconds(10), new ManualTicker());
    cluster.failReviewsWith(503);
    Authorizer.Decision failed = authorizer.authorize(list("bob", "team-a")).toCompletionStage().toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
    assertThat(failed.verdict()).isEqualTo(Authorizer.Verdict.NO_OPINION);
    assertThat(failed.reason()).contains("503");
    assertThat(cluster.accessReviews()).as("nothing answered").isEmpty();
    cluster.failReviewsWith(0);
    assertThat(decide(authorizer, list("bob", "team-a"))).isEqualTo(Authorizer.Verdict.ALLOW);
  }

  @Test
  void aSlowClusterHitsTheDeadlineAndDenies() throws Exception {
    var authorizer = new SubjectAccessReviewAuthorizer(new ReviewClient(cluster.client(), Duration.ofMillis(500), 3),
        Duration.ofSeconds(10), Duration.ofSeconds(10), new ManualTicker());
    cluster.delayReviews(Duration.ofSeconds(2));
    long start = System.nanoTime();
    Authorizer.Decision decision = authorizer.authorize(list("bob", "team-a")).toCompletionStage()
        .toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertThat(decision.verdict()).isEqualTo(Authorizer.Verdict.NO_OPINION);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
  }

  @Test
  void throughTheServerRepeatedRequestsWithinTheTtlCauseOneReviewOfEachKind() throws Exception {
    try (RevisorServer server = RevisorServer.embedded("--kubeconfig=" + cluster.writeKubeconfig(dir),
        "--authorization-mode=Delegated", "--authentication-skip-lookup",
        "--authentication-token-webhook-cache-ttl=2s", "--authentication-token-webhook-cache-failure-ttl=2s",
        "--authorization-webhook-cache-authorized-ttl=2s", "--authorization-webhook-cache-unauthorized-ttl=2s")) {
      ApiClient bob = server.client("bob-token");
      ApiClient stranger = server.client("unknown-token");
      long start = System.nanoTime();
      for (int i = 0; i < 5; i++) {
        assertThat(bob.get(DASHBOARDS).code()).isEqualTo(200);
        assertThat(stranger.get(DASHBOARDS).code()).isEqualTo(401);
      }
      // Only meaningful if the loop ran within the TTL; on a machine that slow, the counts below would be higher.
      if (Duration.ofNanos(System.nanoTime() - start).compareTo(Duration.ofMillis(1500)) < 0) {
        assertThat(cluster.tokenReviews()).as("one review for bob, one for the unknown token").hasSize(2);
        assertThat(cluster.accessReviews()).hasSize(1);
      }
      int tokenReviews = cluster.tokenReviews().size();
      int accessReviews = cluster.accessReviews().size();
      Thread.sleep(2500);
      assertThat(bob.get(DASHBOARDS).code()).isEqualTo(200);
      assertThat(stranger.get(DASHBOARDS).code()).isEqualTo(401);
      assertThat(cluster.tokenReviews()).as("after the TTL, asked again").hasSize(tokenReviews + 2);
      assertThat(cluster.accessReviews()).hasSize(accessReviews + 1);
    }
  }

  @Test
  void tokenReviewsCarryTheAudiencesAndCheckTheAnswer() throws Exception {
    try (RevisorServer server = RevisorServer.embedded("--kubeconfig=" + cluster.writeKubeconfig(dir),
        "--authorization-mode=Delegated", "--authentication-skip-lookup", "--api-audiences=revisor,other")) {
      assertThat(server.client("bob-token").get(DASHBOARDS).code()).isEqualTo(200);
      assertThat(cluster.tokenReviews().get(0).getSpec().getAudiences()).containsExactly("revisor", "other");
    }
  }

  private static Authorizer.Verdict decide(Authorizer authorizer, AuthorizationAttributes attributes) throws Exception {
    return authorizer.authorize(attributes).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS)
        .verdict();
  }

}
