package io.revisor.apiserver.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.APIService;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.revisor.apiserver.testing.FakeCluster;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Registration in the background: retries after failures, and registers again when the CA bundle changes. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ApiServiceRegistrationTest {
  static final Duration WAIT = Duration.ofSeconds(20);
  static final byte[] CA_1 = ApiServiceRegistrarTest.caPem("first");
  static final byte[] CA_2 = ApiServiceRegistrarTest.caPem("second");
  static final byte[] CA_3 = ApiServiceRegistrarTest.caPem("third");

  @TempDir Path dir;

  private FakeCluster cluster;
  private ApiServiceRegistrar registrar;
  private ScheduledExecutorService scheduler;

  @BeforeEach
  void start() {
    cluster = FakeCluster.start();
    registrar = new ApiServiceRegistrar(cluster.client(), ApiServiceRegistrarTest.registry(),
        new ServiceLocation("revisor-system", "revisor"));
    scheduler = Executors.newSingleThreadScheduledExecutor();
  }

  @AfterEach
  void stop() throws InterruptedException {
    scheduler.shutdownNow();
    scheduler.awaitTermination(10, TimeUnit.SECONDS);
    cluster.close();
  }

  @Test
  void failuresAreRetriedUntilTheRegistrationSucceeds() {
    cluster.server().expect().get().withPath(ApiServiceRegistrarTest.PATH + "v1.demo.revisor.io")
        .andReturn(503, new StatusBuilder().withStatus("Failure").withCode(503).withMessage("starting").build())
        .times(2);

    try (ApiServiceRegistration registration =
        ApiServiceRegistration.start(registrar, CA_1, Duration.ofMillis(200), scheduler)) {
      await().atMost(WAIT).until(registration::registered);

      assertThat(registration.lastOutcome().changes()).hasSize(3);
      var requests = cluster.takeRequests();
      assertThat(requests).as("two refused reads, then the read before the create")
          .filteredOn(r -> r.equals("GET " + ApiServiceRegistrarTest.PATH + "v1.demo.revisor.io")).hasSize(3);
      assertThat(requests).filteredOn(r -> r.startsWith("POST ")).hasSize(3);
    }
  }

  @Test
  void aNewCaBundleIsRegisteredAndNothingAfterClose() {
    ApiServiceRegistration registration = ApiServiceRegistration.start(registrar, CA_1, Duration.ofSeconds(30),
        scheduler);
    await().atMost(WAIT).until(() -> caBundle("v1beta1.test.revisor.io"), b -> Arrays.equals(b, CA_1));

    registration.caBundleChanged(CA_2);
    await().atMost(WAIT).until(() -> caBundle("v1beta1.test.revisor.io"), b -> Arrays.equals(b, CA_2));
    await().atMost(WAIT).until(registration::registered);

    registration.close();
    registration.caBundleChanged(CA_3);
    await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5))
        .until(() -> caBundle("v1.demo.revisor.io"), b -> Arrays.equals(b, CA_2));
  }

  private byte[] caBundle(String name) {
    APIService apiService = cluster.client().resources(APIService.class).withName(name).get();
    return apiService == null ? null : Base64.getDecoder().decode(apiService.getSpec().getCaBundle());
  }
}
