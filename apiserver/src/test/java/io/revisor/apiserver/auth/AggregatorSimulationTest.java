package io.revisor.apiserver.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.revisor.apiserver.testing.ApiClient;
import io.revisor.apiserver.testing.ApiClient.Response;
import io.revisor.apiserver.testing.FakeCluster;
import io.revisor.apiserver.testing.RevisorServer;
import io.revisor.apiserver.tls.CertificateAuthority;
import io.revisor.apiserver.tls.ClientCertificates;
import io.revisor.apiserver.tls.IssuedCertificate;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * kube-aggregator in front of Revisor, simulated: a client holding the front-proxy certificate (signed by the
 * requestheader CA given by flags) that sends {@code X-Remote-User}/{@code X-Remote-Group} as the aggregator does,
 * over HTTP/2. The aggregator's own calls (discovery, the availability probe, OpenAPI) come as
 * {@code system:kube-aggregator} in {@code system:masters}; users' calls come as themselves and are reviewed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AggregatorSimulationTest {
  static final String GV = "/apis/demo.revisor.io/v1";
  static final String AGGREGATED_DISCOVERY = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,"
      + "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json";

  @TempDir
  static Path dir;

  FakeCluster cluster;
  RevisorServer server;
  ApiClient aggregator;
  ApiClient proxy;

  @BeforeAll
  void start() throws IOException {
    Clock clock = Clock.systemUTC();
    CertificateAuthority requestHeaderCa = CertificateAuthority.generate("front-proxy-ca", Duration.ofDays(30), clock);
    Path caFile = dir.resolve("front-proxy-ca.crt");
    Files.writeString(caFile, requestHeaderCa.certificatePem());
    cluster = FakeCluster.start().allow("erin", "*", "demo.revisor.io", "*", "shop");
    server = RevisorServer.embedded("--kubeconfig=" + cluster.writeKubeconfig(dir), "--authorization-mode=Delegated",
        "--authentication-skip-lookup", "--requestheader-client-ca-file=" + caFile,
        "--requestheader-allowed-names=front-proxy-client,aggregator");
    IssuedCertificate proxyCertificate =
        ClientCertificates.issue(requestHeaderCa, "front-proxy-client", List.of(), Duration.ofDays(1), clock);
    proxy = ApiClient.withClientCertificate(server.url(), server.caFile(), proxyCertificate.certificate(),
        proxyCertificate.privateKey());
    aggregator = proxy.withHeaders(Map.of("X-Remote-User", "system:kube-aggregator", "X-Remote-Group", "system:masters"));
  }

  @AfterAll
  void stop() {
    if (server != null) {
      server.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  /** A user's request as the aggregator forwards it. */
  private ApiClient as(String user, String... groups) {
    return proxy.withHeaders(Map.of("X-Remote-User", user, "X-Remote-Group", String.join(",", groups),
        "X-Remote-Extra-Authentication.kubernetes.io%2fcredential-id", "JTI=abc", "X-Forwarded-Proto", "https"));
  }

  @Test
  void aggregatedDiscoveryWithTheAggregatorsAcceptHeader() {
    Response discovery = aggregator.get("/apis", AGGREGATED_DISCOVERY);
    assertThat(discovery.code()).as(discovery.toString()).isEqualTo(200);
    assertThat(discovery.header("Content-Type"))
        .isEqualTo("application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList");
    JsonNode group = discovery.json().path("items").get(0);
    assertThat(group.path("metadata").path("name").asText()).isEqualTo("demo.revisor.io");
    assertThat(group.path("versions").get(0).path("freshness").asText()).isEqualTo("Current");
    assertThat(aggregator.conditionalGet("/apis", discovery.header("ETag")).code()).isIn(200, 304);
  }

  @Test
  void availabilityProbe() {
    Response probe = aggregator.get(GV);
    assertThat(probe.code()).as(probe.toString()).isEqualTo(200);
    assertThat(probe.json().path("kind").asText()).isEqualTo("APIResourceList");
    assertThat(cluster.accessReviews()).as("system:masters needs no review")
        .noneMatch(spec -> "system:kube-aggregator".equals(spec.getUser()));
  }

  @Test
  void openApiFetches() {
    Response index = aggregator.get("/openapi/v3");
    assertThat(index.code()).isEqualTo(200);
    String url = index.json().path("paths").path("apis/demo.revisor.io/v1").path("serverRelativeURL").asText();
    Response document = aggregator.get(url);
    assertThat(document.code()).isEqualTo(200);
    assertThat(document.json().path("components").path("schemas").size()).isPositive();
    assertThat(aggregator.get("/openapi/v2").code()).isEqualTo(200);
  }

  @Test
  void usersCrudAndWatchThroughTheProxy() throws Exception {
    ApiClient erin = as("erin", "shoppers");
    String collection = GV + "/namespaces/shop/dashboards";
    try (ApiClient.Watch watch = erin.watch(collection + "?watch=true&timeoutSeconds=10", null)) {
      assertThat(watch.code()).isEqualTo(200);
      Response created = erin.post(collection, "{\"apiVersion\":\"demo.revisor.io/v1\",\"kind\":\"Dashboard\","
          + "\"metadata\":{\"name\":\"sales\"},\"spec\":{\"title\":\"Sales\"}}");
      assertThat(created.code()).as(created.toString()).isEqualTo(201);
      JsonNode event = watch.next(Duration.ofSeconds(5));
      assertThat(event).isNotNull();
      assertThat(event.path("type").asText()).isEqualTo("ADDED");
      assertThat(event.path("object").path("metadata").path("name").asText()).isEqualTo("sales");
    }
    assertThat(erin.get(collection + "/sales").code()).isEqualTo(200);
    assertThat(erin.patch(collection + "/sales", "application/merge-patch+json", "{\"spec\":{\"title\":\"S\"}}").code())
        .isEqualTo(200);
    assertThat(erin.delete(collection + "/sales").code()).isEqualTo(200);

    var review = cluster.accessReviews().stream().filter(spec -> "erin".equals(spec.getUser())).findFirst().orElseThrow();
    assertThat(review.getGroups()).containsExactly("shoppers", "system:authenticated");
    assertThat(review.getExtra()).containsEntry("authentication.kubernetes.io/credential-id", List.of("JTI=abc"));

    Response elsewhere = as("erin", "shoppers").get(GV + "/namespaces/other/dashboards");
    assertThat(elsewhere.code()).isEqualTo(403);
  }

  @Test
  void theProxyHeadersAreNotTrustedWithoutTheProxyCertificate() {
    ApiClient forged = server.client(RevisorServer.USER_TOKEN)
        .withHeaders(Map.of("X-Remote-User", "system:kube-aggregator", "X-Remote-Group", "system:masters"));
    Response response = forged.get("/metrics");
    assertThat(response.code()).isEqualTo(403);
    assertThat(response.json().path("message").asText()).contains("User \"alice\" cannot get path \"/metrics\"");
  }
}
