package io.revisor.apiserver.patch;

import static io.revisor.apiserver.patch.TestJson.bytes;
import static io.revisor.apiserver.patch.Widgets.API_VERSION;
import static io.revisor.apiserver.patch.Widgets.fields;
import static io.revisor.apiserver.patch.Widgets.widget;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.InstanceOfAssertFactories.type;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.revisor.apiserver.patch.PatchException.Kind;
import io.revisor.apiserver.testing.ManualClock;
import org.junit.jupiter.api.Test;

/**
 * What kubectl does: {@code kubectl apply} (client-side: POST, then merge patches, by manager
 * {@code kubectl-client-side-apply}, keeping the last-applied annotation), then {@code kubectl apply --server-side}
 * (manager {@code kubectl}).
 */
class KubectlFlowTest {
  private static final String CONFLICT =
      "Apply failed with 1 conflict: conflict with \"kubectl-client-side-apply\" using demo.revisor.io/v1: .spec.title";
  private static final String LAST_APPLIED_A = "{\"apiVersion\":\"demo.revisor.io/v1\",\"kind\":\"Widget\","
      + "\"metadata\":{\"annotations\":{},\"name\":\"w\",\"namespace\":\"default\"},\"spec\":{\"title\":\"a\"}}\n";

  private final ManualClock clock = new ManualClock("2024-05-06T07:08:09Z");
  private final FieldManager manager = Widgets.manager(clock);

  /** POST by kubectl's client-side apply, with or without its annotation. */
  private ObjectNode clientSideApplied(boolean annotated) {
    ObjectNode object = widget("{'title':'a'}");
    if (annotated) {
      ((ObjectNode) object.get("metadata")).putObject("annotations")
          .put(FieldManager.LAST_APPLIED_ANNOTATION, LAST_APPLIED_A);
    }
    return manager.update(null, object, "kubectl-client-side-apply", API_VERSION, null);
  }

  private ObjectNode serverSideApply(ObjectNode live, String fieldManager, boolean force) {
    ObjectNode config = Patches.decodeApplyConfiguration(bytes(
        "{'apiVersion':'demo.revisor.io/v1','kind':'Widget','metadata':{'name':'w','namespace':'default'},"
            + "'spec':{'title':'b'}}"));
    return manager.apply(live, config, fieldManager, API_VERSION, force);
  }

  @Test
  void clientSideApplyOwnsWhatItCreated() {
    ObjectNode live = clientSideApplied(true);

    assertThat(fields(live, "kubectl-client-side-apply")).isEqualTo("{\"f:metadata\":{\"f:annotations\":{"
        + "\".\":{},\"f:kubectl.kubernetes.io/last-applied-configuration\":{}}},\"f:spec\":{\".\":{},"
        + "\"f:title\":{}}}");
  }

  @Test
  void serverSideApplyOfAChangedFieldConflictsWithClientSideApply() {
    ObjectNode live = clientSideApplied(false);

    assertThatThrownBy(() -> serverSideApply(live, "kubectl", false))
        .asInstanceOf(type(PatchException.class))
        .satisfies(e -> {
          assertThat(e.kind()).isEqualTo(Kind.CONFLICT);
          assertThat(e.getMessage()).isEqualTo(CONFLICT);
          assertThat(e.causes()).containsExactly(new PatchException.Cause("FieldManagerConflict",
              "conflict with \"kubectl-client-side-apply\" using demo.revisor.io/v1", ".spec.title"));
        });
  }

  @Test
  void forceMovesTheFieldToKubectl() {
    ObjectNode live = clientSideApplied(false);

    ObjectNode forced = serverSideApply(live, "kubectl", true);

    assertThat(forced.path("spec").path("title").asText()).isEqualTo("b");
    assertThat(fields(forced, "kubectl")).isEqualTo("{\"f:spec\":{\"f:title\":{}}}");
    assertThat(fields(forced, "kubectl-client-side-apply"))
        .as("it keeps .spec itself, a member without children")
        .isEqualTo("{\"f:spec\":{}}");
  }

  @Test
  void kubectlTakesOverWhatTheLastAppliedAnnotationRecords() {
    ObjectNode live = clientSideApplied(true);

    ObjectNode upgraded = serverSideApply(live, "kubectl", false);

    assertThat(upgraded.path("spec").path("title").asText()).isEqualTo("b");
    assertThat(fields(upgraded, "kubectl")).isEqualTo("{\"f:spec\":{\"f:title\":{}}}");
    assertThat(upgraded.path("metadata").path("annotations").path(FieldManager.LAST_APPLIED_ANNOTATION).asText())
        .as("the annotation follows the applied configuration")
        .isEqualTo("{\"apiVersion\":\"demo.revisor.io/v1\",\"kind\":\"Widget\",\"metadata\":{\"name\":\"w\","
            + "\"namespace\":\"default\"},\"spec\":{\"title\":\"b\"}}\n");
  }

  @Test
  void aFieldChangedSinceTheLastClientSideApplyStillConflicts() {
    ObjectNode live = clientSideApplied(true);
    ObjectNode drifted = live.deepCopy();
    ((ObjectNode) drifted.get("spec")).put("title", "c");
    ObjectNode patched = manager.update(live, drifted, "kubectl-client-side-apply", API_VERSION, null);

    assertThatThrownBy(() -> serverSideApply(patched, "kubectl", false))
        .asInstanceOf(type(PatchException.class))
        .extracting(PatchException::getMessage)
        .isEqualTo(CONFLICT);
  }

  @Test
  void onlyManagerKubectlTakesOver() {
    ObjectNode live = clientSideApplied(true);

    assertThatThrownBy(() -> serverSideApply(live, "helm", false))
        .asInstanceOf(type(PatchException.class))
        .extracting(PatchException::getMessage)
        .isEqualTo(CONFLICT);
  }
}
