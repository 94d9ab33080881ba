package io.revisor.apiserver.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.revisor.apiserver.testing.ApiClient;
import io.revisor.apiserver.testing.RevisorServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A running server picks up a replaced serving certificate for new connections, while connections opened before keep
 * working; a pair that does not match is ignored.
 *
 * <p>The replacement certificates come from a second CA, and the long-lived client trusts only the first: its requests
 * after the swap can only succeed over the connection it opened before.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ServingCertificateReloadTest {
  static final Clock CLOCK = Clock.systemUTC();
  static final List<String> NAMES = List.of("localhost", "127.0.0.1");
  static final Duration RELOAD = Duration.ofSeconds(20);

  final CertificateAuthority first = CertificateAuthority.generate("first-ca", Duration.ofDays(30), CLOCK);
  final CertificateAuthority second = CertificateAuthority.generate("second-ca", Duration.ofDays(30), CLOCK);

  @TempDir Path dir;

  @Test
  void atomicallyReplacedFilesServeNewConnectionsAndOpenOnesKeepWorking() throws Exception {
    Path crt = dir.resolve("tls.crt");
    Path key = dir.resolve("tls.key");
    IssuedCertificate before = SelfSignedCertificates.issue(first, NAMES, CLOCK);
    before.write(crt, key);

    try (RevisorServer server = RevisorServer.embedded("--tls-cert-file=" + crt, "--tls-private-key-file=" + key)) {
      assertThat(served(server)).isEqualTo(before.certificate());
      HttpClient open = http2(first);
      assertThat(get(open, server).version()).isEqualTo(HttpClient.Version.HTTP_2);

      IssuedCertificate after = SelfSignedCertificates.issue(second, NAMES, CLOCK);
      after.write(crt, key); // each file renamed over the old one, the key first

      await().atMost(RELOAD).untilAsserted(() -> assertThat(served(server)).isEqualTo(after.certificate()));
      assertOpenConnectionKeepsWorking(server, open, after);
    }
  }

  @Test
  void kubernetesSecretVolumeSwapIsPickedUp() throws Exception {
    IssuedCertificate before = SelfSignedCertificates.issue(first, NAMES, CLOCK);
    SecretVolume volume = new SecretVolume(dir.resolve("secret"));
    volume.publish(before);

    try (RevisorServer server = RevisorServer.embedded("--tls-cert-file=" + volume.certificate(),
        "--tls-private-key-file=" + volume.key())) {
      assertThat(served(server)).isEqualTo(before.certificate());
      HttpClient open = http2(first);
      assertThat(get(open, server).statusCode()).isEqualTo(200);

      IssuedCertificate after = SelfSignedCertificates.issue(second, NAMES, CLOCK);
      volume.publish(after);

      await().atMost(RELOAD).untilAsserted(() -> assertThat(served(server)).isEqualTo(after.certificate()));
      assertOpenConnectionKeepsWorking(server, open, after);
    }
  }

  @Test
  void mismatchedOrBrokenFilesAreIgnoredUntilAMatchingPairArrives() throws Exception {
    Path crt = dir.resolve("tls.crt");
    Path key = dir.resolve("tls.key");
    IssuedCertificate before = SelfSignedCertificates.issue(first, NAMES, CLOCK);
    before.write(crt, key);

    try (RevisorServer server = RevisorServer.embedded("--tls-cert-file=" + crt, "--tls-private-key-file=" + key)) {
      IssuedCertificate after = SelfSignedCertificates.issue(second, NAMES, CLOCK);
      replace(crt, after.chainPem()); // the new certificate with the old key

      await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10))
          .untilAsserted(() -> assertThat(served(server)).isEqualTo(before.certificate()));
      assertThat(get(http2(first), server).statusCode()).as("still serving").isEqualTo(200);

      replace(key, "-----BEGIN PRIVATE KEY-----\ncut short\n"); // half a key
      await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10))
          .untilAsserted(() -> assertThat(served(server)).isEqualTo(before.certificate()));

      replace(key, after.privateKeyPem());
      await().atMost(RELOAD).untilAsserted(() -> assertThat(served(server)).isEqualTo(after.certificate()));
      assertThat(get(http2(second), server).statusCode()).isEqualTo(200);
    }
  }

  @Test
  void clientCertificateAuthenticationSurvivesTheReload() throws Exception {
    Path crt = dir.resolve("tls.crt");
    Path key = dir.resolve("tls.key");
    SelfSignedCertificates.issue(first, NAMES, CLOCK).write(crt, key);
    CertificateAuthority clients = CertificateAuthority.generate("client-ca", Duration.ofDays(1), CLOCK);
    Path clientCa = Files.writeString(dir.resolve("client-ca.crt"), clients.certificatePem());
    IssuedCertificate carol = ClientCertificates.issue(clients, "carol", List.of("devs"), Duration.ofDays(1), CLOCK);
    Path secondCa = Files.writeString(dir.resolve("second-ca.crt"), second.certificatePem());

    try (RevisorServer server = RevisorServer.embedded("--tls-cert-file=" + crt, "--tls-private-key-file=" + key,
        "--client-ca-file=" + clientCa)) {
      IssuedCertificate after = SelfSignedCertificates.issue(second, NAMES, CLOCK);
      after.write(crt, key);
      await().atMost(RELOAD).untilAsserted(() -> assertThat(served(server)).isEqualTo(after.certificate()));

      ApiClient asCarol = ApiClient.withClientCertificate(server.url(), secondCa, carol.certificate(),
          carol.privateKey());
      assertThat(asCarol.get("/apis").code()).as("the server still asks for client certificates").isEqualTo(200);
      assertThat(ApiClient.withClientCertificate(server.url(), secondCa, null, null).get("/apis").code())
          .as("anonymous").isEqualTo(403);
    }
  }

  @Test
  void renewedGeneratedCertificateIsServedWithTheSameCa() throws Exception {
    try (RevisorServer server = RevisorServer.embedded()) {
      Path certDir = server.caFile().getParent();
      X509Certificate ca = Pem.readCertificates(server.caFile()).get(0);
      X509Certificate before = served(server, ca);

      ServingCertificates renewed =
          SelfSignedCertificates.ensure(certDir, List.of("renewed.revisor.example"), CLOCK);
      assertThat(renewed.certificateIssued()).isTrue();
      assertThat(renewed.caIssued()).isFalse();

      await().atMost(RELOAD).untilAsserted(() -> assertThat(served(server, ca)).isEqualTo(renewed.certificate()));
      assertThat(renewed.certificate()).isNotEqualTo(before);
      assertThat(server.admin().get("/apis").code()).as("a new client trusting ca.crt").isEqualTo(200);
    }
  }

  private void assertOpenConnectionKeepsWorking(RevisorServer server, HttpClient open, IssuedCertificate after)
      throws Exception {
    HttpResponse<String> again = get(open, server);
    assertThat(again.statusCode()).isEqualTo(200);
    assertThat(again.version()).isEqualTo(HttpClient.Version.HTTP_2);
    assertThatThrownBy(() -> get(http2(first), server))
        .as("a new connection trusting only the first CA")
        .isInstanceOf(IOException.class);
    HttpResponse<String> fresh = get(http2(second), server);
    assertThat(fresh.statusCode()).isEqualTo(200);
    assertThat(fresh.version()).as("ALPN still offers h2 after the reload").isEqualTo(HttpClient.Version.HTTP_2);
    assertThat(served(server)).isEqualTo(after.certificate());
  }

  /** The certificate a new TLS handshake presents (the client trusts both test CAs, checks no host name). */
  private X509Certificate served(RevisorServer server) throws Exception {
    return served(server, first.certificate(), second.certificate());
  }

  private static X509Certificate served(RevisorServer server, X509Certificate... trusted) throws Exception {
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, trust(trusted).getTrustManagers(), null);
    try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket()) {
      socket.connect(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), server.port()), 5_000);
      socket.setSoTimeout(5_000);
      socket.startHandshake();
      return (X509Certificate) socket.getSession().getPeerCertificates()[0];
    }
  }

  /** An HTTP/2 client trusting only {@code ca}. */
  private static HttpClient http2(CertificateAuthority ca) throws Exception {
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, trust(ca.certificate()).getTrustManagers(), null);
    return HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).sslContext(context)
        .connectTimeout(Duration.ofSeconds(5)).build();
  }

  private static HttpResponse<String> get(HttpClient client, RevisorServer server) throws Exception {
    return client.send(HttpRequest.newBuilder(URI.create(server.url() + "/apis"))
            .header("Authorization", "Bearer " + RevisorServer.ADMIN_TOKEN)
            .timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static TrustManagerFactory trust(X509Certificate... authorities) throws Exception {
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    for (int i = 0; i < authorities.length; i++) {
      store.setCertificateEntry("ca" + i, authorities[i]);
    }
    TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
    factory.init(store);
    return factory;
  }

  private static void replace(Path file, String content) throws IOException {
    Path temporary = file.resolveSibling("." + file.getFileName() + ".tmp");
    Files.writeString(temporary, content);
    Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  /**
   * A directory laid out as the kubelet lays out a Secret volume: the files in a timestamped directory,
   * {@code ..data} a symbolic link to it, and {@code tls.crt}, {@code tls.key} links through {@code ..data}. Publishing
   * writes a new directory and swaps {@code ..data} with one rename.
   */
  static final class SecretVolume {
    private final Path root;
    private int generation;

    SecretVolume(Path root) throws IOException {
      this.root = Files.createDirectories(root);
    }

    Path certificate() {
      return root.resolve("tls.crt");
    }

    Path key() {
      return root.resolve("tls.key");
    }

    void publish(IssuedCertificate issued) throws IOException {
      Path data = root.resolve("..data");
      Path previous = Files.isSymbolicLink(data) ? root.resolve(Files.readSymbolicLink(data)) : null;
      Path next = Files.createDirectory(root.resolve("..2024_05_01_10_00_0" + (++generation) + ".000000001"));
      Files.writeString(next.resolve("tls.crt"), issued.chainPem());
      Files.writeString(next.resolve("tls.key"), issued.privateKeyPem());
      Path link = Files.createSymbolicLink(root.resolve("..data_tmp"), next.getFileName());
      Files.move(link, data, StandardCopyOption.ATOMIC_MOVE);
      if (!Files.exists(certificate(), java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
        Files.createSymbolicLink(certificate(), Path.of("..data/tls.crt"));
        Files.createSymbolicLink(key(), Path.of("..data/tls.key"));
      }
      if (previous != null) {
        try (Stream<Path> files = Files.walk(previous)) {
          for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
            Files.delete(p);
          }
        }
      }
    }
  }
}
