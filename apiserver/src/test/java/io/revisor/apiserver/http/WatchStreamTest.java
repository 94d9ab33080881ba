package io.revisor.apiserver.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.revisor.apiserver.testing.ApiClient;
import io.revisor.apiserver.testing.ApiClient.Response;
import io.revisor.apiserver.testing.RevisorServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTTP side of a watch stream: events that come faster than one write are written together and arrive whole and
 * in order; an initial state larger than a stream may hold arrives whole (the storage watch pauses while the client
 * reads); a client that stops reading does not make the server hold its events without bound, it gets a 410 ERROR
 * event once it reads again, and the stream ends.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WatchStreamTest {
  private static final String NOTES = "/apis/test.revisor.io/v1/namespaces/%s/notes";
  /** Notes: any content, so that an object may be large (also the kind of {@link WatchStallTest}). */
  static final String DEFINITIONS = """
      apiVersion: apiextensions.k8s.io/v1
      kind: CustomResourceDefinition
      metadata: {name: notes.test.revisor.io}
      spec:
        group: test.revisor.io
        scope: Namespaced
        names: {plural: notes, kind: Note}
        versions:
          - name: v1
            served: true
            storage: true
            schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}
      """;

  @TempDir
  static Path definitions;
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private RevisorServer server;
  private ApiClient api;

  @BeforeAll
  void start() throws IOException {
    Files.writeString(definitions.resolve("notes.yaml"), DEFINITIONS);
    // A small watcher buffer, so that a client that stops reading falls beyond it within a few writes.
    server = RevisorServer.embedded("--resource-definitions=" + definitions, "--watch-cache-watcher-buffer=50");
    api = server.admin();
  }

  @AfterAll
  void stop() {
    server.close();
  }

  @Test
  void aBurstOfEventsArrivesWholeAndInOrder() {
    String path = NOTES.formatted("burst");
    String rv = api.get(path).json().path("metadata").path("resourceVersion").asText();
    try (ApiClient.Watch watch = api.watch(path + "?watch=true&resourceVersion=" + rv, null)) {
      List<String> written = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        Response created = api.post(path, note("d" + i, "x".repeat(i * 7)));
        assertThat(created.code()).as(created.toString()).isEqualTo(201);
        written.add(created.json().path("metadata").path("resourceVersion").asText());
      }
      List<String> seen = new ArrayList<>();
      for (int i = 0; i < written.size(); i++) {
        JsonNode event = watch.next(Duration.ofSeconds(10));
        assertThat(event).as("event %d within 10 s", i).isNotNull();
        assertThat(event.path("type").asText()).isEqualTo("ADDED");
        assertThat(event.path("object").path("metadata").path("name").asText()).isEqualTo("d" + i);
        seen.add(event.path("object").path("metadata").path("resourceVersion").asText());
      }
      assertThat(seen).isEqualTo(written);
    }
  }

  @Test
  void anInitialStateLargerThanTheBacklogLimitArrivesWhole() {
    String path = NOTES.formatted("large");
    String big = "x".repeat(256 << 10);
    int objects = 48; // 12 MiB, beyond the 8 MiB a stream may hold for a client that does not read
    for (int i = 0; i < objects; i++) {
      Response created = api.post(path, note(String.format("n%02d", i), big));
      assertThat(created.code()).as(created.toString()).isEqualTo(201);
    }
    try (ApiClient.Watch watch = api.watch(path + "?watch=true", null)) {
      for (int i = 0; i < objects; i++) {
        JsonNode event = watch.next(Duration.ofSeconds(10));
        assertThat(event).as("event %d within 10 s", i).isNotNull();
        assertThat(event.path("type").asText()).isEqualTo("ADDED");
        assertThat(event.path("object").path("metadata").path("name").asText()).isEqualTo(String.format("n%02d", i));
      }
    }
  }

  @Test
  void aClientThatStopsReadingIsEndedWith410() throws Exception {
    String path = NOTES.formatted("slow");
    String rv = api.get(path).json().path("metadata").path("resourceVersion").asText();
    try (SSLSocket socket = connect()) {
      OutputStream out = socket.getOutputStream();
      out.write(("GET " + path + "?watch=true&resourceVersion=" + rv + " HTTP/1.1\r\n"
          + "Host: 127.0.0.1\r\nAuthorization: Bearer " + RevisorServer.ADMIN_TOKEN + "\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      // The client reads nothing while objects of 256 KiB are written: beyond what the sockets' buffers and the
      // stream's own queue take, the watcher falls more than its buffer (50 changes) behind.
      String big = "x".repeat(256 << 10);
      for (int i = 0; i < 100; i++) {
        Response created = api.post(path, note("d" + i, big));
        assertThat(created.code()).as(created.toString()).isEqualTo(201);
      }
      String stream = readToEnd(socket.getInputStream(), Duration.ofSeconds(30));
      assertThat(stream).startsWith("HTTP/1.1 200");
      assertThat(stream).as("the stream ended (last chunk)").endsWith("\r\n0\r\n\r\n");
      JsonNode last = lastEvent(stream);
      assertThat(last.path("type").asText()).isEqualTo("ERROR");
      assertThat(last.path("object").path("code").asInt()).isEqualTo(410);
      assertThat(last.path("object").path("reason").asText()).isEqualTo("Expired");
      assertThat(last.path("object").path("message").asText()).contains("fell too far behind");
      assertThat(stream).as("not every event was held for the client").doesNotContain("\"name\":\"d99\"");
    }
    assertThat(api.get(path + "?limit=1").code()).as("the server is well").isEqualTo(200);
  }

  private static String note(String name, String text) {
    return "{\"apiVersion\":\"test.revisor.io/v1\",\"kind\":\"Note\",\"metadata\":{\"name\":\"" + name
        + "\"},\"text\":\"" + text + "\"}";
  }

  private SSLSocket connect() throws Exception {
    KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
    trust.load(null, null);
    try (InputStream ca = Files.newInputStream(server.caFile())) {
      trust.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(ca));
    }
    TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trustManagers.init(trust);
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(null, trustManagers.getTrustManagers(), null);
    SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket();
    socket.setReceiveBufferSize(16 << 10); // keeps the kernel from taking in megabytes on the client's behalf
    socket.connect(new InetSocketAddress("127.0.0.1", server.port()), 5_000);
    socket.setSoTimeout(1_000);
    socket.startHandshake();
    return socket;
  }

  /** Everything the server sends until the stream's last chunk, or until {@code timeout}. */
  private static String readToEnd(InputStream in, Duration timeout) throws IOException {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    byte[] buffer = new byte[64 << 10];
    byte[] last = "\r\n0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    byte[] tail = new byte[last.length];
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      int n;
      try {
        n = in.read(buffer);
      } catch (SocketTimeoutException e) {
        continue;
      }
      if (n < 0) {
        break;
      }
      all.write(buffer, 0, n);
      int keep = Math.max(0, tail.length - n);
      System.arraycopy(tail, tail.length - keep, tail, 0, keep);
      System.arraycopy(buffer, n - (tail.length - keep), tail, keep, tail.length - keep);
      if (java.util.Arrays.equals(tail, last)) {
        break;
      }
    }
    return all.toString(StandardCharsets.UTF_8);
  }

  /** The last event line of a chunked stream (chunk sizes are lines of hex digits, events lines of JSON). */
  private static JsonNode lastEvent(String stream) throws IOException {
    String body = stream.substring(stream.indexOf("\r\n\r\n") + 4);
    int end = body.lastIndexOf("{\"type\":");
    assertThat(end).as("an event in the stream").isGreaterThanOrEqualTo(0);
    String line = body.substring(end, body.indexOf('\n', end));
    return MAPPER.readTree(line);
  }
}
