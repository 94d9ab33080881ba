package io.revisor.apiserver.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Fabric8 Kubernetes client, unchanged, against a running server: generic CRUD and informers over WebSocket and
 * HTTP watches that must see every change.
 */
abstract class AbstractFabric8Test extends Fabric8TestBase {
  static final ResourceDefinitionContext RESOURCE_STATS = new ResourceDefinitionContext.Builder()
      .withGroup("revisor.io").withVersion("v1").withPlural("resourcestats").withKind("ResourceStats")
      .withNamespaced(true).build();
  static final ResourceDefinitionContext STORAGE_QUOTAS = new ResourceDefinitionContext.Builder()
      .withGroup("revisor.io").withVersion("v1").withPlural("storagequotas").withKind("StorageQuota")
      .withNamespaced(true).build();

  @Test
  void genericCrud() throws Exception {
    String ns = "f8-" + UUID.randomUUID().toString().substring(0, 8);
    try (KubernetesClient client = client(false)) {
      var dashboards = client.genericKubernetesResources(DASHBOARDS).inNamespace(ns);
      GenericKubernetesResource created = dashboards.resource(dashboard(ns, "home", "Home")).create();
      assertThat(created.getMetadata().getUid()).isNotEmpty();
      assertThat(created.getMetadata().getGeneration()).isEqualTo(1L);
      assertThat(dashboards.withName("home").get().getMetadata().getResourceVersion())
          .isEqualTo(created.getMetadata().getResourceVersion());
      assertThat(dashboards.list().getItems()).extracting(r -> r.getMetadata().getName()).containsExactly("home");

      GenericKubernetesResource edited = dashboards.withName("home")
          .edit(r -> {
            r.setAdditionalProperty("spec", Map.of("title", "Home 2"));
            return r;
          });
      assertThat(edited.getMetadata().getGeneration()).isEqualTo(2L);

      GenericKubernetesResource patched = dashboards.withName("home").patch(PatchContext.of(PatchType.JSON_MERGE),
          "{\"metadata\":{\"labels\":{\"team\":\"ops\"}}}");
      assertThat(patched.getMetadata().getLabels()).containsEntry("team", "ops");

      GenericKubernetesResource stale = dashboard(ns, "home", "stale");
      stale.getMetadata().setResourceVersion(created.getMetadata().getResourceVersion());
      assertThat(org.assertj.core.api.Assertions.catchThrowableOfType(KubernetesClientException.class,
          () -> dashboards.resource(stale).update()).getCode()).isEqualTo(409);

      assertThat(dashboards.withName("home").delete()).hasSize(1);
      await().atMost(Duration.ofSeconds(10)).until(() -> dashboards.withName("home").get() == null);
    }
  }

  @ParameterizedTest(name = "onlyHttpWatches={0}")
  @ValueSource(booleans = {false, true})
  void informerSeesEveryChange(boolean onlyHttpWatches) throws Exception {
    String ns = "inf-" + UUID.randomUUID().toString().substring(0, 8);
    try (KubernetesClient client = client(onlyHttpWatches)) {
      var dashboards = client.genericKubernetesResources(DASHBOARDS).inNamespace(ns);
      dashboards.resource(dashboard(ns, "before", "Before")).create();
      List<String> events = new CopyOnWriteArrayList<>();
      Map<String, String> titles = new ConcurrentHashMap<>();
      SharedIndexInformer<GenericKubernetesResource> informer = dashboards.inform(new ResourceEventHandler<>() {
        @Override
        public void onAdd(GenericKubernetesResource obj) {
          events.add("add " + obj.getMetadata().getName());
          titles.put(obj.getMetadata().getName(), title(obj));
        }

        @Override
        public void onUpdate(GenericKubernetesResource oldObj, GenericKubernetesResource newObj) {
          events.add("update " + newObj.getMetadata().getName());
          titles.put(newObj.getMetadata().getName(), title(newObj));
        }

        @Override
        public void onDelete(GenericKubernetesResource obj, boolean deletedFinalStateUnknown) {
          events.add("delete " + obj.getMetadata().getName());
          titles.remove(obj.getMetadata().getName());
        }
      });
      try {
        await().atMost(Duration.ofSeconds(20)).until(informer::hasSynced);
        int changes = 20;
        for (int i = 0; i < changes; i++) {
          dashboards.resource(dashboard(ns, "d" + i, "v1")).create();
        }
        for (int i = 0; i < changes; i += 2) {
          dashboards.withName("d" + i).edit(r -> {
            r.setAdditionalProperty("spec", Map.of("title", "v2"));
            return r;
          });
        }
        dashboards.withName("before").delete();
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
          assertThat(titles).hasSize(changes);
          for (int i = 0; i < changes; i++) {
            assertThat(titles.get("d" + i)).isEqualTo(i % 2 == 0 ? "v2" : "v1");
          }
        });
        assertThat(events).contains("add before", "delete before");
        assertThat(events.stream().filter(e -> e.startsWith("update")).count()).isEqualTo(changes / 2);
        assertThat(informer.getStore().list()).hasSize(changes);
      } finally {
        informer.close();
      }
    }
  }

  @Test
  void storageQuotasLimitAndResourceStatsCount() throws Exception {
    String ns = "sq-" + UUID.randomUUID().toString().substring(0, 8);
    try (KubernetesClient client = client(false)) {
      var quotas = client.genericKubernetesResources(STORAGE_QUOTAS).inNamespace(ns);
      GenericKubernetesResource quota = quotas.resource(new GenericKubernetesResourceBuilder()
          .withApiVersion("revisor.io/v1").withKind("StorageQuota")
          .withNewMetadata().withName("one").withNamespace(ns).endMetadata()
          .withAdditionalProperties(Map.of("spec", Map.of("hard", Map.of("count/dashboards.demo.revisor.io", 1))))
          .build()).create();
      assertThat(quota.getAdditionalProperties().get("status")).isEqualTo(Map.of(
          "hard", Map.of("count/dashboards.demo.revisor.io", "1"),
          "used", Map.of("count/dashboards.demo.revisor.io", "0")));

      var dashboards = client.genericKubernetesResources(DASHBOARDS).inNamespace(ns);
      dashboards.resource(dashboard(ns, "home", "Home")).create();
      KubernetesClientException refused = org.assertj.core.api.Assertions.catchThrowableOfType(
          KubernetesClientException.class, () -> dashboards.resource(dashboard(ns, "second", "Second")).create());
      assertThat(refused.getCode()).isEqualTo(403);
      assertThat(refused.getStatus().getMessage()).isEqualTo("dashboards.demo.revisor.io \"second\" is forbidden: "
          + "exceeded quota: one, requested: count/dashboards.demo.revisor.io=1, used: "
          + "count/dashboards.demo.revisor.io=1, limited: count/dashboards.demo.revisor.io=1");

      List<GenericKubernetesResource> stats =
          client.genericKubernetesResources(RESOURCE_STATS).inNamespace(ns).list().getItems();
      assertThat(stats).extracting(r -> r.getMetadata().getName())
          .containsExactly("dashboards.demo.revisor.io", "folders.demo.revisor.io");
      assertThat(stats.get(0).getAdditionalProperties().get("status")).isInstanceOfSatisfying(Map.class,
          status -> assertThat(status.get("count")).isEqualTo(1));
      assertThat(quotas.withName("one").get().getAdditionalProperties().get("status")).isInstanceOfSatisfying(
          Map.class, status -> assertThat(status.get("used"))
              .isEqualTo(Map.of("count/dashboards.demo.revisor.io", "1")));
    }
  }

  @SuppressWarnings("unchecked")
  private static String title(GenericKubernetesResource r) {
    Object spec = r.getAdditionalProperties().get("spec");
    return spec instanceof Map<?, ?> m ? String.valueOf(((Map<String, Object>) m).get("title")) : null;
  }
}
