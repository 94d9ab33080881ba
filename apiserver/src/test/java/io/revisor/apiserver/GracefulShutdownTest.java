package io.revisor.apiserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.revisor.apiserver.testing.ApiClient;
import io.revisor.apiserver.testing.RevisorServer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@code --shutdown-delay-duration}: not ready at once, still serving for the delay, then stopped. */
class GracefulShutdownTest {
  @Test
  void notReadyAtOnceServingDuringTheDelayThenStopped() throws Exception {
    try (RevisorServer server = RevisorServer.embedded("--shutdown-delay-duration=3s")) {
      ApiClient admin = server.admin();
      assertThat(admin.get("/readyz").code()).isEqualTo(200);
      long start = System.nanoTime();
      CompletableFuture<Void> stopping = CompletableFuture.runAsync(() -> server.revisor().shutdown());
      await().atMost(Duration.ofSeconds(2)).until(() -> admin.get("/readyz").code() == 500);
      assertThat(admin.get("/readyz?verbose").text()).contains("[-]shutdown failed: reason withheld");
      assertThat(admin.get("/livez").code()).isEqualTo(200);
      assertThat(admin.get("/apis/demo.revisor.io/v1/namespaces/a/folders").code()).as("still serving").isEqualTo(200);
      stopping.get(30, TimeUnit.SECONDS);
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofSeconds(3));
      assertThat(CompletableFuture.supplyAsync(() -> server.client(null).get("/livez").code())
          .handle((code, failure) -> failure != null).get(30, TimeUnit.SECONDS))
          .as("the port is closed").isTrue();
    }
  }
}
