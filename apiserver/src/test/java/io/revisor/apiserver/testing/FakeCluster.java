package io.revisor.apiserver.testing;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenReview;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewStatusBuilder;
import io.fabric8.kubernetes.api.model.authentication.UserInfoBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewSpec;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.revisor.apiserver.cluster.ClusterClients;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A stand-in for kube-apiserver, on Fabric8's mock server (loopback, plain HTTP): it answers TokenReviews from a
 * token table, SubjectAccessReviews from simple rules, and keeps ConfigMaps, APIServices and anything else in CRUD
 * mode with watches; expectations set on {@link #server()} are answered first. It records the reviews it answers and
 * can be told to fail or delay them. Its {@link #client()} is built the way the server builds its own (no automatic
 * retries).
 */
public final class FakeCluster implements AutoCloseable {
  private static final KubernetesSerialization JSON = new KubernetesSerialization();
  /** The mock server logs every request at INFO through java.util.logging; held so the level sticks. */
  private static final java.util.logging.Logger MOCK_LOG = quiet("io.fabric8.mockwebserver");

  private final KubernetesMockServer server;
  private final KubernetesClient client;
  private final Map<String, io.fabric8.kubernetes.api.model.authentication.UserInfo> tokens = new ConcurrentHashMap<>();
  private final List<Rule> rules = new CopyOnWriteArrayList<>();
  private final List<TokenReview> tokenReviews = new CopyOnWriteArrayList<>();
  private final List<SubjectAccessReviewSpec> accessReviews = new CopyOnWriteArrayList<>();
  private volatile int failReviewsWith;
  private volatile Duration reviewDelay = Duration.ZERO;

  /**
   * Who may do what: a user (or {@code group:<name>}) may use these verbs on these resources of a group in a
   * namespace; {@code *} matches anything, an empty namespace means cluster-wide requests only.
   */
  public record Rule(String subject, Set<String> verbs, String group, String resource, String namespace) {
    boolean matches(SubjectAccessReviewSpec spec) {
      boolean who = subject.startsWith("group:")
          ? spec.getGroups() != null && spec.getGroups().contains(subject.substring(6))
          : subject.equals(spec.getUser());
      var attributes = spec.getResourceAttributes();
      if (!who || attributes == null) {
        return false;
      }
      String what = attributes.getSubresource() == null || attributes.getSubresource().isEmpty()
          ? attributes.getResource() : attributes.getResource() + "/" + attributes.getSubresource();
      return (verbs.contains("*") || verbs.contains(attributes.getVerb()))
          && (group.equals("*") || group.equals(nullToEmpty(attributes.getGroup())))
          && (resource.equals("*") || resource.equals(what))
          && (namespace.equals("*") || namespace.equals(nullToEmpty(attributes.getNamespace())));
    }
  }

  private final Path directory;

  private FakeCluster() {
    Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
    server = new KubernetesMockServer(new Context(), new MockWebServer(), responses, new Dispatcher(responses), false);
    server.init(InetAddress.getLoopbackAddress(), 0);
    try {
      directory = Files.createTempDirectory("fake-cluster");
    } catch (IOException e) {
      server.destroy();
      throw new UncheckedIOException(e);
    }
    client = new ClusterClients(Map.of(), directory.resolve("no-service-account"))
        .connect(Duration.ofSeconds(10), writeKubeconfig(directory)).orElseThrow();
  }

  public static FakeCluster start() {
    return new FakeCluster();
  }

  /** The mock server, e.g. to set expectations ({@code server().expect()...}). */
  public KubernetesMockServer server() {
    return server;
  }

  /** A kubeconfig for this cluster (its current context, a token). */
  public Path kubeconfig() {
    return directory.resolve("cluster.kubeconfig");
  }

  /** The requests received since the last call (or the start), in order, as "METHOD path". */
  public List<String> takeRequests() {
    List<String> requests = new java.util.ArrayList<>();
    try {
      for (RecordedRequest request = server.takeRequest(100, TimeUnit.MILLISECONDS); request != null;
          request = server.takeRequest(100, TimeUnit.MILLISECONDS)) {
        requests.add(request.getMethod() + " " + request.getPath());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return requests;
  }

  /** A token the cluster accepts for {@code user} in {@code groups}. */
  public FakeCluster token(String token, String user, String... groups) {
    tokens.put(token, new UserInfoBuilder().withUsername(user).withUid(user + "-uid").withGroups(List.of(groups)).build());
    return this;
  }

  /** Allows {@code subject} (a user, or {@code group:<name>}) the verbs ("get,list" or "*") on a resource. */
  public FakeCluster allow(String subject, String verbs, String group, String resource, String namespace) {
    rules.add(new Rule(subject, Set.of(verbs.split(",")), group, resource, namespace));
    return this;
  }

  /** Answers every review with this HTTP status from now on (0: answer normally). */
  public void failReviewsWith(int status) {
    failReviewsWith = status;
  }

  /** Delays every review answer. */
  public void delayReviews(Duration delay) {
    reviewDelay = delay;
  }

  /** The TokenReviews answered so far. */
  public List<TokenReview> tokenReviews() {
    return List.copyOf(tokenReviews);
  }

  /** The SubjectAccessReview specs answered so far. */
  public List<SubjectAccessReviewSpec> accessReviews() {
    return List.copyOf(accessReviews);
  }

  /** A client of this cluster (admin). */
  public KubernetesClient client() {
    return client;
  }

  public String url() {
    return "http://127.0.0.1:" + server.getPort();
  }

  /** Creates or replaces {@code kube-system/extension-apiserver-authentication} with {@code data}. */
  public void authenticationConfigMap(Map<String, String> data) {
    client.configMaps().inNamespace("kube-system").resource(new ConfigMapBuilder()
            .withNewMetadata().withName("extension-apiserver-authentication").withNamespace("kube-system").endMetadata()
            .withData(data).build())
        .createOr(existing -> existing.update());
  }

  /** Writes a kubeconfig pointing at this cluster into {@code directory}; returns its path. */
  public Path writeKubeconfig(Path directory) {
    Path file = directory.resolve("cluster.kubeconfig");
    try {
      Files.writeString(file, """
          apiVersion: v1
          kind: Config
          clusters:
          - name: fake
            cluster:
              server: %s
          users:
          - name: revisor
            user:
              token: revisor-service-account-token
          contexts:
          - name: fake
            context: {cluster: fake, user: revisor}
          current-context: fake
          """.formatted(url()));
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    client.close();
    server.destroy();
    try (var files = Files.walk(directory)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException e) {
      // Best effort: a temporary directory.
    }
  }

  private static java.util.logging.Logger quiet(String name) {
    java.util.logging.Logger logger = java.util.logging.Logger.getLogger(name);
    logger.setLevel(java.util.logging.Level.WARNING);
    return logger;
  }

  private static String nullToEmpty(String value) {
    return value == null ? "" : value;
  }

  /** Reviews answered here; everything else by expectations, then by the CRUD store. */
  private final class Dispatcher extends KubernetesMixedDispatcher {
    Dispatcher(Map<ServerRequest, Queue<ServerResponse>> responses) {
      super(responses);
    }

    @Override
    public MockResponse dispatch(RecordedRequest request) {
      String path = request.getPath();
      boolean tokenReview = path.startsWith("/apis/authentication.k8s.io/v1/tokenreviews");
      boolean accessReview = path.startsWith("/apis/authorization.k8s.io/v1/subjectaccessreviews");
      if (!tokenReview && !accessReview) {
        return super.dispatch(request);
      }
      if (failReviewsWith != 0) {
        return delayed(new MockResponse().setResponseCode(failReviewsWith).setBody("{\"kind\":\"Status\",\"code\":"
            + failReviewsWith + "}"));
      }
      String body = tokenReview ? answerTokenReview(request.getUtf8Body()) : answerAccessReview(request.getUtf8Body());
      return delayed(new MockResponse().setResponseCode(201).setBody(body));
    }

    private MockResponse delayed(MockResponse response) {
      Duration delay = reviewDelay;
      return delay.isZero() ? response : response.setBodyDelay(delay);
    }

    private String answerTokenReview(String body) {
      TokenReview review = JSON.unmarshal(body, TokenReview.class);
      tokenReviews.add(review);
      var user = tokens.get(review.getSpec().getToken());
      review.setStatus(user == null
          ? new TokenReviewStatusBuilder().withAuthenticated(false).withError("token not recognized").build()
          : new TokenReviewStatusBuilder().withAuthenticated(true).withUser(user)
              .withAudiences(review.getSpec().getAudiences()).build());
      return JSON.asJson(review);
    }

    private String answerAccessReview(String body) {
      SubjectAccessReview review = JSON.unmarshal(body, SubjectAccessReview.class);
      accessReviews.add(review.getSpec());
      boolean allowed = rules.stream().anyMatch(rule -> rule.matches(review.getSpec()));
      review.setStatus(new SubjectAccessReviewStatusBuilder().withAllowed(allowed)
          .withReason(allowed ? "allowed by a test rule" : "no test rule allows it").build());
      return JSON.asJson(review);
    }
  }
}
