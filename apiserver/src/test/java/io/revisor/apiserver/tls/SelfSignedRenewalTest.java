package io.revisor.apiserver.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.revisor.apiserver.testing.ManualClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Renewal of generated certificates while the server runs. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SelfSignedRenewalTest {
  static final Instant START = Instant.parse("2024-05-01T10:00:00Z");
  static final List<String> NAMES = List.of("revisor.revisor.svc");

  @TempDir Path dir;

  @Test
  void renewsOnlyNearExpiryAndKeepsTheCa() throws Exception {
    ManualClock clock = new ManualClock(START);
    ServingCertificates first = SelfSignedCertificates.ensure(dir, NAMES, clock);
    SelfSignedRenewal renewal = new SelfSignedRenewal(dir, NAMES, clock);

    clock.set(START.plus(Duration.ofDays(300)));
    assertThat(renewal.renew().certificateIssued()).as("300 days in").isFalse();

    clock.set(START.plus(Duration.ofDays(340)));
    ServingCertificates renewed = renewal.renew();
    assertThat(renewed.certificateIssued()).as("340 days in").isTrue();
    assertThat(renewed.caIssued()).isFalse();
    assertThat(renewed.caCertificate()).isEqualTo(first.caCertificate());
    assertThat(Pem.readCertificates(renewed.certificateFile()).get(0)).isEqualTo(renewed.certificate());
  }

  @Test
  void periodicRenewalRewritesTheFiles() throws Exception {
    ManualClock clock = new ManualClock(START);
    SelfSignedCertificates.ensure(dir, NAMES, clock);
    byte[] before = Files.readAllBytes(dir.resolve(SelfSignedCertificates.CERTIFICATE));
    clock.set(START.plus(Duration.ofDays(340)));
    ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();

    try (SelfSignedRenewal ignored = SelfSignedRenewal.start(dir, NAMES, clock, Duration.ofMillis(50), scheduler)) {
      await().atMost(Duration.ofSeconds(20)).until(() ->
          !Arrays.equals(Files.readAllBytes(dir.resolve(SelfSignedCertificates.CERTIFICATE)), before));
    } finally {
      scheduler.shutdownNow();
    }
    assertThat(KeyCertPair.read(dir.resolve(SelfSignedCertificates.CERTIFICATE), dir.resolve(SelfSignedCertificates.KEY))
        .certificate().getNotAfter().toInstant()).isAfter(START.plus(Duration.ofDays(700)));
  }
}
