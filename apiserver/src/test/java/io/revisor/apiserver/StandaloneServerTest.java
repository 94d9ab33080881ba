package io.revisor.apiserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.revisor.apiserver.config.ServerOptions;
import io.revisor.apiserver.testing.ApiClient;
import io.revisor.apiserver.testing.RevisorServer;
import io.revisor.apiserver.tls.CertificateAuthority;
import io.revisor.apiserver.tls.ClientCertificates;
import io.revisor.apiserver.tls.IssuedCertificate;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The server as a standalone process: client certificates, body limits, startup errors, the command line. */
class StandaloneServerTest {
  static final String GV = "/apis/demo.revisor.io/v1/namespaces/default/dashboards";

  @Test
  void clientCertificatesAuthenticate(@TempDir Path dir) throws Exception {
    CertificateAuthority ca = CertificateAuthority.generate("test-client-ca", Duration.ofDays(1), Clock.systemUTC());
    Path caFile = dir.resolve("client-ca.crt");
    Files.writeString(caFile, ca.certificatePem());
    IssuedCertificate carol = ClientCertificates.issue(ca, "carol", List.of("devs"), Duration.ofDays(1),
        Clock.systemUTC());
    CertificateAuthority other = CertificateAuthority.generate("other-ca", Duration.ofDays(1), Clock.systemUTC());
    try (RevisorServer server = RevisorServer.embedded("--client-ca-file=" + caFile)) {
      ApiClient client = ApiClient.withClientCertificate(server.url(), server.caFile(), carol.certificate(),
          carol.privateKey());
      ApiClient.Response created = client.post(GV, "{\"apiVersion\":\"demo.revisor.io/v1\",\"kind\":\"Dashboard\","
          + "\"metadata\":{\"name\":\"by-carol\"},\"spec\":{\"title\":\"x\"}}");
      assertThat(created.code()).as(created.toString()).isEqualTo(201);
      assertThat(server.client(null).get(GV).code()).isEqualTo(403);
      assertThat(server.admin().get(GV).code()).isEqualTo(200);
      // A certificate from another CA is not trusted: the handshake or the request fails, never succeeds.
      ApiClient stranger = ApiClient.withClientCertificate(server.url(), server.caFile(),
          ClientCertificates.issue(other, "mallory", List.of(), Duration.ofDays(1), Clock.systemUTC()).certificate(),
          ClientCertificates.issue(other, "mallory", List.of(), Duration.ofDays(1), Clock.systemUTC()).privateKey());
      Throwable failure = catchThrowableOfType(RuntimeException.class, () -> {
        ApiClient.Response r = stranger.get(GV);
        if (r.code() != 200) {
          throw new IllegalStateException("refused with " + r.code());
        }
      });
      assertThat(failure).isNotNull();
    }
  }

  @Test
  void largeObjectsWithARaisedBodyLimit() {
    try (RevisorServer server = RevisorServer.embedded("--max-request-body-bytes=8388608")) {
      String description = "d".repeat(1900);
      StringBuilder panels = new StringBuilder();
      for (int i = 0; i < 100; i++) {
        panels.append(i == 0 ? "" : ",").append("{\"name\":\"p").append(i).append("\",\"type\":\"text\",\"query\":\"")
            .append("q".repeat(40_000)).append("\"}");
      }
      String body = "{\"apiVersion\":\"demo.revisor.io/v1\",\"kind\":\"Dashboard\",\"metadata\":{\"name\":\"big\"},"
          + "\"spec\":{\"title\":\"big\",\"description\":\"" + description + "\",\"panels\":[" + panels + "]}}";
      assertThat(body.length()).isGreaterThan(3 << 20);
      ApiClient.Response created = server.admin().post(GV, body);
      assertThat(created.code()).as(created.code() + "").isEqualTo(201);
      ApiClient.Response read = server.admin().get(GV + "/big");
      assertThat(read.json().path("spec").path("panels").size()).isEqualTo(100);
      assertThat(read.json().path("spec").path("panels").get(99).path("query").asText()).hasSize(40_000);
    }
  }

  @Test
  void invalidDefinitionsStopTheStartNamingFileAndField(@TempDir Path dir) throws Exception {
    Path defs = dir.resolve("bad.yaml");
    Files.writeString(defs, """
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata:
          name: widgets.example.com
        spec:
          group: example.com
          scope: Namespaced
          names: {plural: widgets, kind: Widget}
          versions:
            - name: v1
              served: true
              storage: true
              schema:
                openAPIV3Schema:
                  type: object
                  properties:
                    spec:
                      type: object
                      properties:
                        size: {minimum: 1}
        """);
    StartupException e = catchThrowableOfType(StartupException.class,
        () -> RevisorServer.embedded("--resource-definitions=" + defs).close());
    assertThat(e.getMessage()).contains(defs.toString(), "spec.versions[0].schema", "size");
  }

  @Test
  void helpDocumentsEveryFlag() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    new CommandLine(new ServerOptions()).usage(new PrintStream(out, true, StandardCharsets.UTF_8));
    String help = out.toString(StandardCharsets.UTF_8);
    for (Field field : ServerOptions.class.getFields()) {
      CommandLine.Option option = field.getAnnotation(CommandLine.Option.class);
      if (option != null) {
        assertThat(help).contains(option.names()[0]);
        assertThat(option.description()).isNotEmpty();
      }
    }
    assertThat(help).contains("--storage-backend", "Default: embedded", "--secure-port", "Default: 8443");
  }

  @Test
  void invalidFlagCombinations() {
    ServerOptions options = new ServerOptions();
    new CommandLine(options).parseArgs("--storage-backend=etcd", "--tls-cert-file=x");
    assertThat(options.validate()).contains("--storage-backend=etcd needs --etcd-servers",
        "--tls-cert-file and --tls-private-key-file must be given together");
  }
}
