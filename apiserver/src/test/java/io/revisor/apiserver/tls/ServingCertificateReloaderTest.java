package io.revisor.apiserver.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** What {@link ServingCertificateReloader} hands to the server, and what it refuses. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ServingCertificateReloaderTest {
  static final Clock CLOCK = Clock.systemUTC();
  static final CertificateAuthority CA = CertificateAuthority.generate("reload-ca", Duration.ofDays(30), CLOCK);

  @TempDir Path dir;

  private final List<KeyCertPair> applied = new CopyOnWriteArrayList<>();
  private final AtomicBoolean serverRefuses = new AtomicBoolean();

  private ServingCertificateReloader reloader(IssuedCertificate serving) throws Exception {
    return new ServingCertificateReloader(dir.resolve("tls.crt"), dir.resolve("tls.key"), pair(serving), pair -> {
      if (serverRefuses.get()) {
        return CompletableFuture.failedFuture(new IllegalArgumentException("unusable key"));
      }
      applied.add(pair);
      return CompletableFuture.completedFuture(null);
    });
  }

  @Test
  void aMatchingPairIsApplied() throws Exception {
    IssuedCertificate first = issue();
    IssuedCertificate second = issue();
    ServingCertificateReloader reloader = reloader(first);

    reloader.changed(contents(second.chainPem(), second.privateKeyPem()));

    assertThat(applied).hasSize(1);
    assertThat(applied.get(0).certificate()).isEqualTo(second.certificate());
    assertThat(applied.get(0).chain()).containsExactly(second.certificate(), CA.certificate());
    assertThat(reloader.current().certificate()).isEqualTo(second.certificate());
  }

  @Test
  void aMismatchedOrBrokenPairIsIgnoredAndTheNextChangeApplies() throws Exception {
    IssuedCertificate first = issue();
    IssuedCertificate second = issue();
    ServingCertificateReloader reloader = reloader(first);

    reloader.changed(contents(second.chainPem(), first.privateKeyPem()));
    reloader.changed(contents("-----BEGIN CERTIFICATE-----\ntruncated", second.privateKeyPem()));
    reloader.changed(contents(second.chainPem(), "not a key"));
    assertThat(applied).isEmpty();
    assertThat(reloader.current().certificate()).isEqualTo(first.certificate());

    reloader.changed(contents(second.chainPem(), second.privateKeyPem()));
    assertThat(applied).extracting(KeyCertPair::certificate).containsExactly(second.certificate());
  }

  @Test
  void aPairTheServerRefusesIsNotCurrent() throws Exception {
    IssuedCertificate first = issue();
    IssuedCertificate second = issue();
    ServingCertificateReloader reloader = reloader(first);

    serverRefuses.set(true);
    reloader.changed(contents(second.chainPem(), second.privateKeyPem()));
    assertThat(reloader.current().certificate()).isEqualTo(first.certificate());

    serverRefuses.set(false);
    reloader.changed(contents(second.chainPem(), second.privateKeyPem()));
    assertThat(reloader.current().certificate()).isEqualTo(second.certificate());
  }

  @Test
  void theCurrentPairIsNotAppliedAgain() throws Exception {
    IssuedCertificate first = issue();
    ServingCertificateReloader reloader = reloader(first);

    reloader.changed(contents(first.chainPem(), first.privateKeyPem()));

    assertThat(applied).isEmpty();
  }

  @Test
  void readingNamesTheFileAtFault() throws Exception {
    IssuedCertificate first = issue();
    IssuedCertificate second = issue();
    Path crt = dir.resolve("tls.crt");
    Path key = dir.resolve("tls.key");
    first.write(crt, key);
    assertThat(KeyCertPair.read(crt, key).certificate()).isEqualTo(first.certificate());

    Files.writeString(key, second.privateKeyPem());
    assertThatThrownBy(() -> KeyCertPair.read(crt, key))
        .hasMessageContaining(key.toString()).hasMessageContaining("does not belong to the certificate");
    Files.writeString(crt, "garbage");
    assertThatThrownBy(() -> KeyCertPair.read(crt, key)).hasMessageStartingWith(crt.toString());
  }

  private static IssuedCertificate issue() {
    return SelfSignedCertificates.issue(CA, List.of("localhost", "127.0.0.1"), CLOCK);
  }

  private static KeyCertPair pair(IssuedCertificate issued) throws Exception {
    return KeyCertPair.parse(bytes(issued.chainPem()), bytes(issued.privateKeyPem()));
  }

  private static List<byte[]> contents(String certificate, String key) {
    return List.of(bytes(certificate), bytes(key));
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }
}
