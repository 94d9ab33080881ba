package io.revisor.apiserver.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceList;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.dsl.FilterWatchListDeletable;
import io.fabric8.kubernetes.client.dsl.NonNamespaceOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Fabric8 client, unchanged, on Revisor's own kinds as {@link GenericKubernetesResource}s (found through
 * discovery by apiVersion and kind): Revisions listed with field selectors and paged, one fetched by its name (which
 * has an {@code @}), the trash, Restores created with their outcome in the answer, and watches of Revisions over
 * WebSocket and HTTP that send the history and then one ADDED Revision per change.
 */
abstract class AbstractHistoryFabric8Test extends Fabric8TestBase {
  /** The resource the Revisions are about, as in their {@code spec.resource}. */
  private static final String RESOURCE = "dashboards.demo.revisor.io";

  private static String namespace() {
    return "f8h-" + UUID.randomUUID().toString().substring(0, 8);
  }

  @Test
  void historyTrashRestoreAndRollback() throws Exception {
    String ns = namespace();
    try (KubernetesClient client = client(false)) {
      NonNamespaceOperation<GenericKubernetesResource, GenericKubernetesResourceList,
          Resource<GenericKubernetesResource>> dashboards =
          client.genericKubernetesResources(DASHBOARDS).inNamespace(ns);
      GenericKubernetesResource created = dashboards.resource(dashboard(ns, "sales", "Sales")).create();
      String v2 = retitle(dashboards, "sales", "Sales v2");
      retitle(dashboards, "sales", "Sales v3");
      assertThat(dashboards.withName("sales").delete()).hasSize(1);

      var revisions = client.genericKubernetesResources("revisor.io/v1", "Revision").inNamespace(ns);
      List<GenericKubernetesResource> history = history(revisions, "sales").list().getItems();
      assertThat(history).extracting(r -> spec(r).get("action"))
          .containsExactly("deleted", "updated", "updated", "created");
      assertThat(history).extracting(r -> r.getKind()).containsOnly("Revision");
      assertThat(history.get(3).getMetadata().getName())
          .isEqualTo("sales." + created.getMetadata().getResourceVersion() + "@" + RESOURCE);

      GenericKubernetesResource second = revisions.withName("sales." + v2 + "@" + RESOURCE).get();
      assertThat(second).as("a Revision by its name").isNotNull();
      assertThat(spec(second)).containsEntry("action", "updated").containsEntry("resourceVersion", v2)
          .containsEntry("resource", RESOURCE).containsEntry("name", "sales").containsEntry("user", "admin");
      assertThat(map(map(spec(second).get("object")).get("spec"))).containsEntry("title", "Sales v2");
      assertThat(map(second.getAdditionalProperties().get("status")))
          .containsEntry("previousResourceVersion", created.getMetadata().getResourceVersion())
          .containsEntry("changedFields", List.of("/metadata/generation", "/spec/title"));
      assertThat(revisions.withName("sales.1" + v2 + "9@" + RESOURCE).get()).as("no such version").isNull();

      GenericKubernetesResourceList page =
          history(revisions, "sales").list(new ListOptionsBuilder().withLimit(3L).build());
      assertThat(page.getItems()).hasSize(3);
      assertThat(page.getMetadata().getContinue()).isNotEmpty();
      GenericKubernetesResourceList rest = history(revisions, "sales")
          .list(new ListOptionsBuilder().withLimit(3L).withContinue(page.getMetadata().getContinue()).build());
      assertThat(rest.getItems()).extracting(r -> r.getMetadata().getName())
          .containsExactly(history.get(3).getMetadata().getName());
      assertThat(rest.getMetadata().getContinue()).isNullOrEmpty();

      var trash = client.genericKubernetesResources("revisor.io/v1", "DeletedObject").inNamespace(ns);
      assertThat(trash.list().getItems()).extracting(r -> r.getMetadata().getName())
          .containsExactly("sales@" + RESOURCE);
      GenericKubernetesResource deleted = trash.withName("sales@" + RESOURCE).get();
      assertThat(spec(deleted)).containsEntry("lastResourceVersion", spec(history.get(1)).get("resourceVersion"));
      assertThat(map(map(spec(deleted).get("object")).get("spec"))).containsEntry("title", "Sales v3");

      var restores = client.genericKubernetesResources("revisor.io/v1", "Restore").inNamespace(ns);
      GenericKubernetesResource undelete =
          restores.resource(restore(ns, "sales-undelete", "sales", null, null)).create();
      Map<String, Object> outcome = map(undelete.getAdditionalProperties().get("status"));
      assertThat(outcome).containsEntry("phase", "Succeeded")
          .containsEntry("sourceResourceVersion", spec(history.get(1)).get("resourceVersion"));
      GenericKubernetesResource back = dashboards.withName("sales").get();
      assertThat(back.getMetadata().getUid()).isEqualTo(created.getMetadata().getUid());
      assertThat(back.getMetadata().getResourceVersion()).isEqualTo(outcome.get("restoredResourceVersion"));
      assertThat(trash.list().getItems()).isEmpty();

      GenericKubernetesResource rollback = restores.resource(restore(ns, "sales-rollback", "sales",
          created.getMetadata().getResourceVersion(), back.getMetadata().getResourceVersion())).create();
      assertThat(map(rollback.getAdditionalProperties().get("status"))).containsEntry("phase", "Succeeded");
      assertThat(map(dashboards.withName("sales").get().getAdditionalProperties().get("spec")))
          .containsEntry("title", "Sales");
      GenericKubernetesResource stale = restores.resource(restore(ns, "sales-stale", "sales",
          v2, back.getMetadata().getResourceVersion())).create();
      assertThat(map(stale.getAdditionalProperties().get("status")))
          .containsEntry("phase", "Failed").containsEntry("reason", "Conflict");
      assertThat(restores.withName("sales-stale").get()).as("the Restore is kept, with its outcome").isNotNull();
      assertThat(history(revisions, "sales").list().getItems()).extracting(r -> spec(r).get("action"))
          .containsExactly("restored", "restored", "deleted", "updated", "updated", "created");
    }
  }

  @ParameterizedTest(name = "onlyHttpWatches={0}")
  @ValueSource(booleans = {false, true})
  void watchSendsTheHistoryThenOneAddedRevisionPerChange(boolean onlyHttpWatches) throws Exception {
    String ns = namespace();
    try (KubernetesClient client = client(onlyHttpWatches)) {
      var dashboards = client.genericKubernetesResources(DASHBOARDS).inNamespace(ns);
      dashboards.resource(dashboard(ns, "sales", "Sales")).create();
      retitle(dashboards, "sales", "Sales v2");
      List<String> events = new CopyOnWriteArrayList<>();
      List<WatcherException> closed = new CopyOnWriteArrayList<>();
      var revisions = client.genericKubernetesResources("revisor.io/v1", "Revision").inNamespace(ns);
      try (Watch watch = history(revisions, "sales").watch(new Watcher<>() {
        @Override
        public void eventReceived(Action action, GenericKubernetesResource revision) {
          events.add(action + " " + spec(revision).get("action") + " " + spec(revision).get("resourceVersion"));
        }

        @Override
        public void onClose(WatcherException cause) {
          closed.add(cause);
        }
      })) {
        await().atMost(Duration.ofSeconds(20)).until(() -> events.size() == 2);
        List<String> expected = new ArrayList<>(events);
        assertThat(expected).extracting(e -> e.split(" ")[0] + " " + e.split(" ")[1])
            .containsExactly("ADDED created", "ADDED updated");
        for (int i = 3; i <= 5; i++) {
          expected.add("ADDED updated " + retitle(dashboards, "sales", "Sales v" + i));
        }
        dashboards.withName("sales").delete();
        await().atMost(Duration.ofSeconds(20)).until(() -> events.size() == 6);
        assertThat(events.subList(0, 5)).containsExactlyElementsOf(expected);
        assertThat(events.get(5)).startsWith("ADDED deleted ");
        assertThat(closed).isEmpty();
      }
    }
  }

  private static FilterWatchListDeletable<GenericKubernetesResource, GenericKubernetesResourceList,
      Resource<GenericKubernetesResource>> history(
      NonNamespaceOperation<GenericKubernetesResource, GenericKubernetesResourceList,
          Resource<GenericKubernetesResource>> revisions, String name) {
    return revisions.withField("spec.resource", RESOURCE).withField("spec.name", name);
  }

  /** Sets the title of dashboard {@code name}; the new resourceVersion. */
  private static String retitle(NonNamespaceOperation<GenericKubernetesResource, GenericKubernetesResourceList,
      Resource<GenericKubernetesResource>> dashboards, String name, String title) {
    return dashboards.withName(name).edit(d -> {
      d.setAdditionalProperty("spec", Map.of("title", title));
      return d;
    }).getMetadata().getResourceVersion();
  }

  private static GenericKubernetesResource restore(
      String ns, String name, String target, String resourceVersion, String expected) {
    Map<String, Object> spec = new java.util.LinkedHashMap<>(Map.of("resource", RESOURCE, "name", target));
    if (resourceVersion != null) {
      spec.put("resourceVersion", resourceVersion);
    }
    if (expected != null) {
      spec.put("expectedResourceVersion", expected);
    }
    return new GenericKubernetesResourceBuilder().withApiVersion("revisor.io/v1").withKind("Restore")
        .withNewMetadata().withName(name).withNamespace(ns).endMetadata()
        .withAdditionalProperties(Map.of("spec", spec)).build();
  }

  private static Map<String, Object> spec(GenericKubernetesResource resource) {
    return map(resource.getAdditionalProperties().get("spec"));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object value) {
    assertThat(value).isInstanceOf(Map.class);
    return (Map<String, Object>) value;
  }
}
