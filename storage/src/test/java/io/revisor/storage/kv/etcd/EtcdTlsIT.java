package io.revisor.storage.kv.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.revisor.storage.kv.KvErrorCode;
import io.revisor.storage.kv.KvException;
import io.revisor.storage.kv.KvStore;
import io.revisor.storage.testing.EtcdCluster;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The etcd backend over TLS with client certificates, against an etcd that requires them. Certificates are made
 * with the {@code openssl} command: a CA, a server certificate for 127.0.0.1, and a client certificate.
 */
class EtcdTlsIT {
  @TempDir static Path pki;
  private static EtcdCluster etcd;

  @BeforeAll
  static void startEtcdWithTls() throws Exception {
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=revisor-test-ca",
        "-keyout", "ca.key", "-out", "ca.crt");
    issue("server", "/CN=127.0.0.1", "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth");
    issue("client", "/CN=revisor", "extendedKeyUsage=clientAuth");
    etcd = EtcdCluster.start(1, new EtcdCluster.ClientTls(
        pki.resolve("ca.crt"), pki.resolve("server.crt"), pki.resolve("server.key")));
  }

  @AfterAll
  static void stopEtcd() {
    if (etcd != null) {
      etcd.close();
    }
  }

  private static void issue(String name, String subject, String extensions) throws Exception {
    Files.writeString(pki.resolve(name + ".ext"), extensions + "\n");
    openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", subject, "-keyout", name + ".key", "-out",
        name + ".csr");
    openssl("x509", "-req", "-in", name + ".csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
        "-days", "2", "-extfile", name + ".ext", "-out", name + ".crt");
  }

  private static void openssl(String... args) throws IOException, InterruptedException {
    List<String> command = new java.util.ArrayList<>();
    command.add("openssl");
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).directory(pki.toFile()).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException("openssl " + String.join(" ", args) + " failed:\n" + output);
    }
  }

  private static EtcdKvStoreOptions.Builder options() {
    return EtcdKvStoreOptions.builder().endpoints(etcd.clientEndpoints())
        .requestTimeout(Duration.ofSeconds(3)).connectTimeout(Duration.ofSeconds(2));
  }

  @Test
  void readsAndWritesWithAClientCertificate() throws Exception {
    assertThat(etcd.clientEndpoints()).allMatch(url -> url.startsWith("https://"));
    try (KvStore kv = EtcdKvStore.connect(options()
        .tls(pki.resolve("ca.crt"), pki.resolve("client.crt"), pki.resolve("client.key")).build())) {
      long revision = kv.put("/tls/a", "secure".getBytes(StandardCharsets.UTF_8))
          .toCompletableFuture().get(10, TimeUnit.SECONDS);
      assertThat(revision).isPositive();
      assertThat(new String(kv.get("/tls/a").toCompletableFuture().get(10, TimeUnit.SECONDS).value(),
          StandardCharsets.UTF_8)).isEqualTo("secure");
    }
  }

  @Test
  void aClientWithoutCertificateIsRefusedPromptly() {
    try (KvStore kv = EtcdKvStore.connect(options().tls(pki.resolve("ca.crt"), null, null).build())) {
      long started = System.nanoTime();
      assertThatThrownBy(() -> kv.get("/tls/a").toCompletableFuture().get(20, TimeUnit.SECONDS))
          .satisfies(e -> assertThat(KvException.unwrap(e).code())
              .isIn(KvErrorCode.UNAVAILABLE, KvErrorCode.TIMEOUT));
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(15));
    }
  }

  @Test
  void aClientThatDoesNotTrustTheServerIsRefused() {
    try (KvStore kv = EtcdKvStore.connect(options()
        .tls(null, pki.resolve("client.crt"), pki.resolve("client.key")).build())) {
      assertThatThrownBy(() -> kv.get("/tls/a").toCompletableFuture().get(20, TimeUnit.SECONDS))
          .satisfies(e -> assertThat(KvException.unwrap(e).code())
              .isIn(KvErrorCode.UNAVAILABLE, KvErrorCode.TIMEOUT));
    }
  }
}
