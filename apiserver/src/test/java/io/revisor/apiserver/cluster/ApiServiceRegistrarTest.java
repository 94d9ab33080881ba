package io.revisor.apiserver.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import io.fabric8.kubernetes.api.model.APIService;
import io.fabric8.kubernetes.api.model.APIServiceBuilder;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.revisor.apiserver.cluster.ApiServiceRegistrar.Change;
import io.revisor.apiserver.crd.ResourceDefinition;
import io.revisor.apiserver.crd.ResourceRegistry;
import io.revisor.apiserver.crd.TestRegistries;
import io.revisor.apiserver.tls.CertificateAuthority;
import io.revisor.apiserver.testing.FakeCluster;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** APIService registration against Fabric8's mock kube-apiserver in CRUD mode. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ApiServiceRegistrarTest {
  static final String PATH = "/apis/apiregistration.k8s.io/v1/apiservices/";
  static final ServiceLocation SERVICE = new ServiceLocation("revisor-system", "revisor");
  static final byte[] CA_1 = caPem("first");
  static final byte[] CA_2 = caPem("second");

  @TempDir Path dir;

  private FakeCluster cluster;
  private ApiServiceRegistrar registrar;

  /** demo.revisor.io (v1) and test.revisor.io (v1 preferred, then v1beta1). */
  static ResourceRegistry registry() {
    List<ResourceDefinition> definitions = new ArrayList<>(TestRegistries.demo().definitions());
    definitions.addAll(TestRegistries.gadgets().definitions());
    return ResourceRegistry.of(definitions);
  }

  static byte[] caPem(String name) {
    return CertificateAuthority.generate(name, Duration.ofDays(1), Clock.systemUTC()).certificatePem()
        .getBytes(StandardCharsets.US_ASCII);
  }

  @BeforeEach
  void start() {
    cluster = FakeCluster.start();
    registrar = new ApiServiceRegistrar(cluster.client(), registry(), SERVICE);
  }

  @AfterEach
  void stop() {
    cluster.close();
  }

  @Test
  void firstRunCreatesOneApiServicePerServedGroupVersion() {
    ApiServiceRegistrar.Outcome outcome = registrar.register(CA_1);

    assertThat(outcome.changes()).containsExactly(
        entry("v1.demo.revisor.io", Change.CREATED),
        entry("v1.test.revisor.io", Change.CREATED),
        entry("v1beta1.test.revisor.io", Change.CREATED));
    assertThat(cluster.takeRequests()).filteredOn(r -> r.startsWith("POST")).hasSize(3);
    assertRegistered("v1.demo.revisor.io", "demo.revisor.io", "v1", 100, CA_1);
    assertRegistered("v1.test.revisor.io", "test.revisor.io", "v1", 100, CA_1);
    assertRegistered("v1beta1.test.revisor.io", "test.revisor.io", "v1beta1", 99, CA_1);
    assertThat(cluster.client().resources(APIService.class).list().getItems()).hasSize(3);
  }

  @Test
  void aNewCaUpdatesTheCaBundle() {
    registrar.register(CA_1);
    cluster.takeRequests();

    ApiServiceRegistrar.Outcome outcome = registrar.register(CA_2);

    assertThat(outcome.changes().values()).containsOnly(Change.UPDATED);
    assertThat(cluster.takeRequests()).filteredOn(r -> !r.startsWith("GET")).hasSize(3).allMatch(r -> r.startsWith("PUT"));
    assertRegistered("v1.demo.revisor.io", "demo.revisor.io", "v1", 100, CA_2);
    assertRegistered("v1beta1.test.revisor.io", "test.revisor.io", "v1beta1", 99, CA_2);
  }

  @Test
  void anUnchangedRunWritesNothing() {
    registrar.register(CA_1);
    cluster.takeRequests();

    ApiServiceRegistrar.Outcome outcome = registrar.register(CA_1);

    assertThat(outcome.wrote()).isFalse();
    assertThat(outcome.changes().values()).containsOnly(Change.UNCHANGED);
    assertThat(cluster.takeRequests()).hasSize(3).allMatch(r -> r.startsWith("GET " + PATH));
  }

  @Test
  void fieldsItDoesNotOwnArePreservedAndOwnedOnesRestored() {
    registrar.register(CA_1);
    APIService edited = new APIServiceBuilder(get("v1.demo.revisor.io"))
        .editMetadata()
          .addToLabels("team", "dashboards")
          .addToAnnotations("note", "hand-edited")
        .endMetadata()
        .editSpec()
          .withVersionPriority(7)
        .endSpec()
        .build();
    edited.getSpec().setAdditionalProperty("futureField", "kept");
    cluster.client().resources(APIService.class).resource(edited).update();

    ApiServiceRegistrar.Outcome outcome = registrar.register(CA_2);

    assertThat(outcome.changes()).contains(entry("v1.demo.revisor.io", Change.UPDATED));
    APIService after = get("v1.demo.revisor.io");
    assertThat(after.getMetadata().getLabels())
        .containsEntry("team", "dashboards")
        .containsEntry(ApiServiceRegistrar.MANAGED_BY, ApiServiceRegistrar.MANAGER);
    assertThat(after.getMetadata().getAnnotations()).containsEntry("note", "hand-edited");
    assertThat(after.getSpec().getAdditionalProperties()).containsEntry("futureField", "kept");
    assertThat(after.getSpec().getVersionPriority()).isEqualTo(100);
    assertRegistered("v1.demo.revisor.io", "demo.revisor.io", "v1", 100, CA_2);
  }

  @Test
  void aHandMadeApiServiceIsTakenOverWithoutInsecureSkipTlsVerify() {
    cluster.client().resources(APIService.class).resource(new APIServiceBuilder()
        .withNewMetadata().withName("v1.demo.revisor.io").addToLabels("app", "demo").endMetadata()
        .withNewSpec()
          .withGroup("demo.revisor.io").withVersion("v1")
          .withInsecureSkipTLSVerify(true)
          .withNewService().withNamespace("elsewhere").withName("old").endService()
          .withGroupPriorityMinimum(100).withVersionPriority(15)
        .endSpec()
        .build()).create();

    ApiServiceRegistrar.Outcome outcome = registrar.register(CA_1);

    assertThat(outcome.changes()).contains(entry("v1.demo.revisor.io", Change.UPDATED));
    APIService after = get("v1.demo.revisor.io");
    assertThat(after.getSpec().getInsecureSkipTLSVerify()).isNull();
    assertThat(after.getMetadata().getLabels()).containsEntry("app", "demo");
    assertRegistered("v1.demo.revisor.io", "demo.revisor.io", "v1", 100, CA_1);
  }

  @Test
  void aConflictingUpdateIsReadAgainAndRedone() {
    registrar.register(CA_1);
    cluster.server().expect().put().withPath(PATH + "v1.demo.revisor.io")
        .andReturn(409, new StatusBuilder().withStatus("Failure").withReason("Conflict").withCode(409)
            .withMessage("the object has been modified").build())
        .once();
    cluster.takeRequests();

    ApiServiceRegistrar.Outcome outcome = registrar.register(CA_2);

    assertThat(outcome.changes()).contains(entry("v1.demo.revisor.io", Change.UPDATED));
    assertThat(cluster.takeRequests()).filteredOn(r -> r.equals("PUT " + PATH + "v1.demo.revisor.io")).hasSize(2);
    assertRegistered("v1.demo.revisor.io", "demo.revisor.io", "v1", 100, CA_2);
  }

  @Test
  void aFailureIsTheCallersToRetry() {
    cluster.server().expect().get().withPath(PATH + "v1.demo.revisor.io")
        .andReturn(500, new StatusBuilder().withStatus("Failure").withCode(500).withMessage("etcd is down").build())
        .once();

    assertThatThrownBy(() -> registrar.register(CA_1))
        .isInstanceOf(KubernetesClientException.class)
        .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).isEqualTo(500));
    assertThat(registrar.register(CA_1).changes().values()).containsOnly(Change.CREATED);
  }

  @ParameterizedTest(name = "version {0} of {1}: {2}")
  @CsvSource({"0, 1, 100", "1, 2, 99", "0, 150, 150", "149, 150, 1", "0, 5000, 999", "3000, 5000, 1"})
  void versionPriorities(int index, int count, int expected) {
    assertThat(ApiServiceRegistrar.versionPriority(index, count)).isEqualTo(expected);
  }

  private APIService get(String name) {
    return cluster.client().resources(APIService.class).withName(name).get();
  }

  private void assertRegistered(String name, String group, String version, int versionPriority, byte[] ca) {
    APIService apiService = get(name);
    assertThat(apiService).as(name).isNotNull();
    assertThat(apiService.getMetadata().getLabels())
        .containsEntry(ApiServiceRegistrar.MANAGED_BY, ApiServiceRegistrar.MANAGER);
    var spec = apiService.getSpec();
    assertThat(spec.getGroup()).isEqualTo(group);
    assertThat(spec.getVersion()).isEqualTo(version);
    assertThat(spec.getService().getNamespace()).isEqualTo("revisor-system");
    assertThat(spec.getService().getName()).isEqualTo("revisor");
    assertThat(spec.getService().getPort()).isEqualTo(443);
    assertThat(Base64.getDecoder().decode(spec.getCaBundle())).isEqualTo(ca);
    assertThat(spec.getGroupPriorityMinimum()).isEqualTo(1000);
    assertThat(spec.getVersionPriority()).isEqualTo(versionPriority);
    assertThat(spec.getInsecureSkipTLSVerify()).isNull();
  }
}
