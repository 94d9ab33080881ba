package io.revisor.apiserver.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Revisor as an aggregated API server, with Fabric8's mock server as kube-apiserver: the authentication ConfigMap
 * (front-proxy and client CAs), TokenReview and SubjectAccessReview. Every verb against every kind of caller, with the
 * exact status code, and proof that refused requests changed nothing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DelegatedAccessTest {
  static final String GV = "/apis/demo.revisor.io/v1";
  static final String NS = "team-a";
  static final String COLLECTION = GV + "/namespaces/" + NS + "/dashboards";

  @TempDir
  static Path dir;

  FakeCluster cluster;
  RevisorServer server;
  ApiClient admin;
  Map<String, ApiClient> callers;
  CertificateAuthority proxyCa;
  CertificateAuthority clientCa;

  /** Who calls, and whether the cluster allows them to edit dashboards in team-a. */
  enum Caller {
    FRONT_PROXY_ALLOWED(2),
    FRONT_PROXY_DENIED(403),
    TOKEN_VALID(2),
    TOKEN_INVALID(401),
    CLIENT_CERTIFICATE(2),
    ANONYMOUS(403),
    FORGED_REMOTE_USER(403),
    FRONT_PROXY_CN_NOT_ALLOWED(401);

    /** 2 = success (the verb's own 2xx code), else the refusal code. */
    final int expected;

    Caller(int expected) {
      this.expected = expected;
    }
  }

  @BeforeAll
  void start() throws IOException {
    Clock clock = Clock.systemUTC();
    proxyCa = CertificateAuthority.generate("front-proxy-ca", Duration.ofDays(30), clock);
    clientCa = CertificateAuthority.generate("client-ca", Duration.ofDays(30), clock);
    cluster = FakeCluster.start()
        .token("bob-token", "bob", "team-a-editors")
        .allow("alice", "*", "demo.revisor.io", "*", NS)
        .allow("group:team-a-editors", "*", "demo.revisor.io", "*", NS)
        .allow("group:developers", "*", "demo.revisor.io", "*", NS)
        .allow("group:system:authenticated", "list", "demo.revisor.io", "organizations", "")
        .token("wendy-token", "wendy", "team-a-editors")
        .token("walt-token", "walt", "team-a-editors");
    cluster.authenticationConfigMap(Map.of(
        "client-ca-file", clientCa.certificatePem(),
        "requestheader-client-ca-file", proxyCa.certificatePem(),
        "requestheader-allowed-names", "[\"front-proxy-client\"]",
        "requestheader-username-headers", "[\"X-Remote-User\"]",
        "requestheader-group-headers", "[\"X-Remote-Group\"]",
        "requestheader-extra-headers-prefix", "[\"X-Remote-Extra-\"]"));
    server = RevisorServer.embedded("--kubeconfig=" + cluster.writeKubeconfig(dir), "--authorization-mode=Delegated");
    admin = server.admin();
    await().atMost(Duration.ofSeconds(20)).until(() -> admin.get("/readyz").code() == 200);

    IssuedCertificate proxy = ClientCertificates.issue(proxyCa, "front-proxy-client", List.of(), Duration.ofDays(1), clock);
    IssuedCertificate intruder = ClientCertificates.issue(proxyCa, "intruder", List.of(), Duration.ofDays(1), clock);
    IssuedCertificate carol = ClientCertificates.issue(clientCa, "carol", List.of("developers"), Duration.ofDays(1), clock);
    ApiClient viaProxy = ApiClient.withClientCertificate(server.url(), server.caFile(), proxy.certificate(), proxy.privateKey());
    callers = Map.of(
        Caller.FRONT_PROXY_ALLOWED.name(), viaProxy.withHeaders(Map.of("X-Remote-User", "alice", "X-Remote-Group", "staff")),
        Caller.FRONT_PROXY_DENIED.name(), viaProxy.withHeaders(Map.of("X-Remote-User", "mallory", "X-Remote-Group", "staff")),
        Caller.TOKEN_VALID.name(), server.client("bob-token"),
        Caller.TOKEN_INVALID.name(), server.client("not-a-token"),
        Caller.CLIENT_CERTIFICATE.name(),
            ApiClient.withClientCertificate(server.url(), server.caFile(), carol.certificate(), carol.privateKey()),
        Caller.ANONYMOUS.name(), server.client(null),
        Caller.FORGED_REMOTE_USER.name(), server.client(null)
            .withHeaders(Map.of("X-Remote-User", "alice", "X-Remote-Group", "system:masters")),
        Caller.FRONT_PROXY_CN_NOT_ALLOWED.name(),
            ApiClient.withClientCertificate(server.url(), server.caFile(), intruder.certificate(), intruder.privateKey())
                .withHeaders(Map.of("X-Remote-User", "alice")));
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

  static Stream<Arguments> matrix() {
    List<Arguments> cases = new ArrayList<>();
    for (String verb : List.of("get", "list", "watch", "create", "update", "patch", "delete", "deletecollection")) {
      for (Caller caller : Caller.values()) {
        cases.add(Arguments.of(verb, caller));
      }
    }
    return cases.stream();
  }

  @ParameterizedTest(name = "{0} as {1}")
  @MethodSource("matrix")
  void everyVerbForEveryCaller(String verb, Caller caller) {
    String id = (verb + "-" + caller.name()).toLowerCase().replace('_', '-');
    String name = "d-" + id;
    String selector = "?labelSelector=case%3D" + id;
    if (!verb.equals("create")) {
      Response created = admin.post(COLLECTION, dashboard(name, "before", id));
      assertThat(created.code()).as(created.toString()).isEqualTo(201);
    }
    String before = state(selector);
    ApiClient client = callers.get(caller.name());

    int code = switch (verb) {
      case "get" -> client.get(COLLECTION + "/" + name).code();
      case "list" -> client.get(COLLECTION + selector).code();
      case "watch" -> {
        try (ApiClient.Watch watch = client.watch(COLLECTION + selector + "&watch=true&timeoutSeconds=1", null)) {
          yield watch.code();
        }
      }
      case "create" -> client.post(COLLECTION, dashboard(name, "created", id)).code();
      case "update" -> {
        JsonNode current = admin.get(COLLECTION + "/" + name).json();
        ((com.fasterxml.jackson.databind.node.ObjectNode) current.path("spec")).put("title", "updated");
        yield client.put(COLLECTION + "/" + name, current.toString()).code();
      }
      case "patch" -> client.patch(COLLECTION + "/" + name, "application/merge-patch+json",
          "{\"spec\":{\"title\":\"patched\"}}").code();
      case "delete" -> client.delete(COLLECTION + "/" + name).code();
      case "deletecollection" -> client.delete(COLLECTION + selector).code();
      default -> throw new IllegalArgumentException(verb);
    };

    if (caller.expected == 2) {
      assertThat(code).as("%s as %s", verb, caller).isEqualTo(verb.equals("create") ? 201 : 200);
    } else {
      assertThat(code).as("%s as %s", verb, caller).isEqualTo(caller.expected);
      assertThat(state(selector)).as("refused %s as %s changed nothing", verb, caller).isEqualTo(before);
    }
  }

  @Test
  void refusalsNameTheUserAndTheRequestInKubesWords() {
    Response denied = callers.get(Caller.FRONT_PROXY_DENIED.name()).get(COLLECTION + "/home");
    assertThat(denied.code()).isEqualTo(403);
    assertThat(denied.json().path("reason").asText()).isEqualTo("Forbidden");
    assertThat(denied.json().path("message").asText()).startsWith("dashboards.demo.revisor.io \"home\" is forbidden: "
        + "User \"mallory\" cannot get resource \"dashboards\" in API group \"demo.revisor.io\" in the namespace \"team-a\"");
    assertThat(denied.json().path("details").path("kind").asText()).isEqualTo("dashboards");

    Response forged = callers.get(Caller.FORGED_REMOTE_USER.name()).get(COLLECTION);
    assertThat(forged.json().path("message").asText()).as("headers without a proxy certificate are ignored")
        .contains("User \"system:anonymous\" cannot list resource \"dashboards\"");

    Response elsewhere = callers.get(Caller.TOKEN_VALID.name()).get(GV + "/dashboards");
    assertThat(elsewhere.code()).as("no cluster-wide list for a user of one namespace").isEqualTo(403);
    assertThat(elsewhere.json().path("message").asText()).contains("at the cluster scope");
    assertThat(callers.get(Caller.TOKEN_VALID.name()).get(GV + "/namespaces/team-b/dashboards").code()).isEqualTo(403);
  }

  @Test
  void anonymousRequestsForwardedByTheAggregatorAreNotAuthenticated() {
    ApiClient proxiedAnonymous = callers.get(Caller.FRONT_PROXY_ALLOWED.name())
        .withHeaders(Map.of("X-Remote-User", "system:anonymous", "X-Remote-Group", "system:unauthenticated"));
    Response response = proxiedAnonymous.get(GV + "/organizations");
    assertThat(response.code()).as("a grant to system:authenticated is not for anonymous users").isEqualTo(403);
    assertThat(callers.get(Caller.TOKEN_VALID.name()).get(GV + "/organizations").code()).isEqualTo(200);
    var review = cluster.accessReviews().stream().filter(spec -> "system:anonymous".equals(spec.getUser()))
        .findFirst().orElseThrow();
    assertThat(review.getGroups()).containsExactly("system:unauthenticated");
  }

  @Test
  void webSocketWatchesWhileReviewsArePendingAndWithTheBearerSubprotocol() throws Exception {
    for (String token : List.of("wendy-token", "walt-token")) {
      boolean subprotocol = token.startsWith("walt");
      var messages = new java.util.concurrent.LinkedBlockingQueue<String>();
      // A user seen for the first time: nothing cached, the reviews are pending while the upgrade waits.
      var socket = server.client(token).webSocket(COLLECTION + "?watch=true&labelSelector=ws%3D" + token.charAt(1),
          messages, subprotocol);
      try {
        Response created = admin.post(COLLECTION, "{\"apiVersion\":\"demo.revisor.io/v1\",\"kind\":\"Dashboard\","
            + "\"metadata\":{\"name\":\"ws-" + token.charAt(1) + "\",\"labels\":{\"ws\":\"" + token.charAt(1)
            + "\"}},\"spec\":{\"title\":\"ws\"}}");
        assertThat(created.code()).isEqualTo(201);
        String event = messages.poll(10, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(event).as("an event for %s", token).isNotNull().contains("\"ADDED\"").contains("ws-" + token.charAt(1));
      } finally {
        socket.abort();
      }
    }
    assertThat(cluster.accessReviews()).anyMatch(spec -> "walt".equals(spec.getUser()));
  }

  @Test
  void impersonationIsAuthorizedPartByPart() {
    Response asAlice = admin.withHeaders(Map.of("Impersonate-User", "alice")).get(COLLECTION);
    assertThat(asAlice.code()).as("system:masters may impersonate; alice may list team-a").isEqualTo(200);
    Response aliceElsewhere = admin.withHeaders(Map.of("Impersonate-User", "alice"))
        .get(GV + "/namespaces/team-b/dashboards");
    assertThat(aliceElsewhere.code()).isEqualTo(403);
    assertThat(aliceElsewhere.json().path("message").asText()).contains("User \"alice\" cannot list");

    Response refused = callers.get(Caller.TOKEN_VALID.name()).withHeaders(Map.of("Impersonate-User", "alice"))
        .get(COLLECTION);
    assertThat(refused.code()).isEqualTo(403);
    assertThat(refused.json().path("message").asText()).startsWith("users \"alice\" is forbidden: User \"bob\" "
        + "cannot impersonate resource \"users\" in API group \"\" at the cluster scope");

    Response groupsOnly = admin.withHeaders(Map.of("Impersonate-Group", "developers")).get(COLLECTION);
    assertThat(groupsOnly.code()).isEqualTo(400);
    assertThat(groupsOnly.json().path("message").asText()).contains("without impersonating a user");
  }

  @Test
  void overHttp1KeepAliveRefusedBodiesDoNotStallTheConnection() {
    ApiClient bob = callers.get(Caller.TOKEN_VALID.name()).http1();
    ApiClient mallory = callers.get(Caller.FRONT_PROXY_DENIED.name()).http1();
    for (int i = 0; i < 3; i++) {
      String body = "{\"apiVersion\":\"demo.revisor.io/v1\",\"kind\":\"Dashboard\",\"metadata\":{\"name\":\"h1-" + i
          + "\",\"annotations\":{\"bulk\":\"" + "x".repeat(200_000) + "\"}},\"spec\":{\"title\":\"big\"}}";
      assertThat(mallory.post(COLLECTION, body).code()).isEqualTo(403);
      assertThat(mallory.get(COLLECTION + "/h1-" + i).code()).isEqualTo(403);
      assertThat(bob.post(COLLECTION, body).code()).as("a large body read after an asynchronous review").isEqualTo(201);
      assertThat(bob.get(COLLECTION + "/h1-" + i).code()).isEqualTo(200);
    }
  }

  @Test
  void theUserReachesTheClusterWithGroupsExtraAndTheAttributesOfTheRequest() {
    ApiClient proxy = callers.get(Caller.FRONT_PROXY_ALLOWED.name()).withHeaders(Map.of(
        "X-Remote-User", "dave", "X-Remote-Group", "auditors", "X-Remote-Extra-Scopes%2fCluster", "view"));
    proxy.get(COLLECTION + "?fieldSelector=metadata.name%3Done-of-them&watch=false");
    var review = cluster.accessReviews().stream().filter(spec -> "dave".equals(spec.getUser())).findFirst().orElseThrow();
    assertThat(review.getGroups()).containsExactly("auditors", "system:authenticated");
    assertThat(review.getExtra()).containsEntry("scopes/cluster", List.of("view"));
    assertThat(review.getResourceAttributes().getVerb()).isEqualTo("list");
    assertThat(review.getResourceAttributes().getName()).as("name from the field selector").isEqualTo("one-of-them");
    assertThat(review.getResourceAttributes().getNamespace()).isEqualTo(NS);
    assertThat(review.getResourceAttributes().getGroup()).isEqualTo("demo.revisor.io");
    assertThat(review.getResourceAttributes().getVersion()).isEqualTo("v1");
  }

  @Test
  void healthIsOpenToAnonymousAndMetricsIsAuthorizedAsAPath() {
    ApiClient anonymous = callers.get(Caller.ANONYMOUS.name());
    assertThat(anonymous.get("/readyz").code()).isEqualTo(200);
    assertThat(anonymous.get("/livez").code()).isEqualTo(200);
    Response metrics = anonymous.get("/metrics");
    assertThat(metrics.code()).isEqualTo(403);
    assertThat(metrics.json().path("message").asText())
        .startsWith("forbidden: User \"system:anonymous\" cannot get path \"/metrics\"");
    assertThat(admin.get("/metrics").code()).as("system:masters may do everything").isEqualTo(200);
  }

  @Test
  void aFailingReviewIsARefusalNeverAnAllow() {
    ApiClient bob = callers.get(Caller.TOKEN_VALID.name());
    String path = GV + "/namespaces/" + NS + "/folders?labelSelector=review%3Dfails";
    cluster.failReviewsWith(500);
    try {
      Response response = bob.get(path);
      // The token review may be cached from earlier tests (200 then 403 from the failing SAR), or not (401).
      assertThat(response.code()).isIn(401, 403);
      Response write = bob.post(GV + "/namespaces/" + NS + "/folders",
          "{\"apiVersion\":\"demo.revisor.io/v1\",\"kind\":\"Folder\",\"metadata\":{\"name\":\"while-failing\"},"
              + "\"spec\":{\"displayName\":\"x\"}}");
      assertThat(write.code()).isIn(401, 403);
    } finally {
      cluster.failReviewsWith(0);
    }
    assertThat(admin.get(GV + "/namespaces/" + NS + "/folders/while-failing").code()).isEqualTo(404);
  }

  /** Names and resource versions of the case's objects: equal before and after means nothing changed. */
  private String state(String selector) {
    Response list = admin.get(COLLECTION + selector);
    assertThat(list.code()).as(list.toString()).isEqualTo(200);
    List<String> items = new ArrayList<>();
    for (JsonNode item : list.json().path("items")) {
      items.add(item.path("metadata").path("name").asText() + "@" + item.path("metadata").path("resourceVersion").asText()
          + ":" + item.path("spec").path("title").asText());
    }
    return items.toString();
  }

  static String dashboard(String name, String title, String caseId) {
    return "{\"apiVersion\":\"demo.revisor.io/v1\",\"kind\":\"Dashboard\",\"metadata\":{\"name\":\"" + name
        + "\",\"labels\":{\"case\":\"" + caseId + "\"}},\"spec\":{\"title\":\"" + title + "\"}}";
  }

}
