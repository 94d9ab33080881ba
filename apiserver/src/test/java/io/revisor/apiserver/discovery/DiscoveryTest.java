package io.revisor.apiserver.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.APIGroup;
import io.fabric8.kubernetes.api.model.APIGroupList;
import io.fabric8.kubernetes.api.model.APIResource;
import io.fabric8.kubernetes.api.model.APIResourceList;
import io.fabric8.kubernetes.api.model.GroupVersionForDiscovery;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.revisor.apiserver.crd.ResourceRegistry;
import io.revisor.apiserver.crd.TestRegistries;
import io.revisor.apiserver.json.Json;
import io.revisor.apiserver.json.JsonDocument;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

class DiscoveryTest {
  private static final KubernetesSerialization KUBE = new KubernetesSerialization();
  private static final List<String> CRD_VERBS =
      List.of("delete", "deletecollection", "get", "list", "patch", "create", "update", "watch");

  private final Discovery demo = Discovery.of(TestRegistries.demo());
  private final Discovery gadgets = Discovery.of(TestRegistries.gadgets());

  @Test
  void legacyGroupListDeserializesIntoTheKubeType() {
    APIGroupList list = KUBE.unmarshal(text(demo.apis(DiscoveryFormat.LEGACY)), APIGroupList.class);

    assertThat(list.getKind()).isEqualTo("APIGroupList");
    assertThat(list.getApiVersion()).isEqualTo("v1");
    assertThat(list.getAdditionalProperties()).isEmpty();
    assertThat(list.getGroups()).singleElement().satisfies(group -> {
      assertThat(group.getName()).isEqualTo("demo.revisor.io");
      assertThat(group.getVersions()).extracting(GroupVersionForDiscovery::getGroupVersion)
          .containsExactly("demo.revisor.io/v1");
      assertThat(group.getPreferredVersion().getVersion()).isEqualTo("v1");
      assertThat(group.getAdditionalProperties()).isEmpty();
    });
    assertThat(demo.apis(DiscoveryFormat.LEGACY).contentType()).isEqualTo("application/json");
  }

  @Test
  void groupListsServedVersionsPreferredFirst() {
    APIGroup group = KUBE.unmarshal(text(gadgets.group("test.revisor.io").orElseThrow()), APIGroup.class);

    assertThat(group.getKind()).isEqualTo("APIGroup");
    assertThat(group.getApiVersion()).isEqualTo("v1");
    // v1alpha1 is not served; v1 is preferred over v1beta1 even though v1beta1 is the storage version.
    assertThat(group.getVersions()).extracting(GroupVersionForDiscovery::getGroupVersion)
        .containsExactly("test.revisor.io/v1", "test.revisor.io/v1beta1");
    assertThat(group.getPreferredVersion().getGroupVersion()).isEqualTo("test.revisor.io/v1");
  }

  @Test
  void resourceListHasUpstreamVerbsOrderAndTheStatusEntry() {
    APIResourceList list =
        KUBE.unmarshal(text(demo.resources("demo.revisor.io", "v1").orElseThrow()), APIResourceList.class);

    assertThat(list.getKind()).isEqualTo("APIResourceList");
    assertThat(list.getGroupVersion()).isEqualTo("demo.revisor.io/v1");
    assertThat(list.getResources()).extracting(APIResource::getName)
        .containsExactly("dashboards", "dashboards/status", "folders", "organizations");
    APIResource dashboards = list.getResources().get(0);
    assertThat(dashboards.getSingularName()).isEqualTo("dashboard");
    assertThat(dashboards.getNamespaced()).isTrue();
    assertThat(dashboards.getKind()).isEqualTo("Dashboard");
    assertThat(dashboards.getVerbs()).containsExactlyElementsOf(CRD_VERBS);
    assertThat(dashboards.getShortNames()).containsExactly("dash");
    assertThat(dashboards.getCategories()).containsExactly("revisor");
    assertThat(dashboards.getAdditionalProperties()).isEmpty();
    APIResource status = list.getResources().get(1);
    assertThat(status.getKind()).isEqualTo("Dashboard");
    assertThat(status.getNamespaced()).isTrue();
    assertThat(status.getVerbs()).containsExactly("get", "patch", "update");
    assertThat(status.getStorageVersionHash()).isNull();
    APIResource organizations = list.getResources().get(3);
    assertThat(organizations.getNamespaced()).isFalse();
  }

  static Stream<Arguments> storageVersionHashes() {
    return Stream.of(
        Arguments.argumentSet("Dashboard", TestRegistries.demo(), "demo.revisor.io", "v1", "dashboards",
            "demo.revisor.io/v1/Dashboard"),
        Arguments.argumentSet("Organization", TestRegistries.demo(), "demo.revisor.io", "v1", "organizations",
            "demo.revisor.io/v1/Organization"),
        Arguments.argumentSet("Gadget at v1 hashes its storage version v1beta1", TestRegistries.gadgets(),
            "test.revisor.io", "v1", "gadgets", "test.revisor.io/v1beta1/Gadget"),
        Arguments.argumentSet("Gadget at v1beta1", TestRegistries.gadgets(), "test.revisor.io", "v1beta1", "gadgets",
            "test.revisor.io/v1beta1/Gadget"));
  }

  @ParameterizedTest
  @MethodSource("storageVersionHashes")
  void storageVersionHashIsTheFirstEightBytesOfSha256OfTheStorageGroupVersionKind(
      ResourceRegistry registry, String group, String version, String plural, String gvk)
      throws Exception {
    byte[] sha = MessageDigest.getInstance("SHA-256").digest(gvk.getBytes(StandardCharsets.UTF_8));
    byte[] first8 = new byte[8];
    System.arraycopy(sha, 0, first8, 0, 8);
    String expected = Base64.getEncoder().encodeToString(first8);

    APIResourceList list = KUBE.unmarshal(
        text(Discovery.of(registry).resources(group, version).orElseThrow()), APIResourceList.class);

    assertThat(list.getResources()).filteredOn(r -> r.getName().equals(plural)).singleElement()
        .extracting(APIResource::getStorageVersionHash).isEqualTo(expected);
  }

  @Test
  void storageVersionHashMatchesValuesComputedOutsideJava() {
    // sha256("demo.revisor.io/v1/Dashboard") starts 29 79 ad 54 2f 35 29 29 (computed with Python's hashlib).
    assertThat(Discovery.storageVersionHash("demo.revisor.io", "v1", "Dashboard")).isEqualTo("KXmtVC81KSk=");
    assertThat(Discovery.storageVersionHash("demo.revisor.io", "v1", "Organization")).isEqualTo("E/XE3NXf9eY=");
  }

  @Test
  void aggregatedDocumentHasTheUpstreamShape() {
    JsonNode list = tree(demo.apis(DiscoveryFormat.AGGREGATED_V2));

    assertThat(list.get("kind").asText()).isEqualTo("APIGroupDiscoveryList");
    assertThat(list.get("apiVersion").asText()).isEqualTo("apidiscovery.k8s.io/v2");
    JsonNode group = list.get("items").get(0);
    assertThat(group.get("metadata").get("name").asText()).isEqualTo("demo.revisor.io");
    JsonNode version = group.get("versions").get(0);
    assertThat(version.get("version").asText()).isEqualTo("v1");
    assertThat(version.get("freshness").asText()).isEqualTo("Current");
    JsonNode dashboards = version.get("resources").get(0);
    assertThat(dashboards).isEqualTo(parse("""
        {"resource": "dashboards",
         "responseKind": {"group": "demo.revisor.io", "version": "v1", "kind": "Dashboard"},
         "scope": "Namespaced",
         "singularResource": "dashboard",
         "verbs": ["delete", "deletecollection", "get", "list", "patch", "create", "update", "watch"],
         "shortNames": ["dash"],
         "categories": ["revisor"],
         "subresources": [{"subresource": "status",
                           "responseKind": {"group": "demo.revisor.io", "version": "v1", "kind": "Dashboard"},
                           "verbs": ["get", "patch", "update"]}]}
        """));
    assertThat(version.get("resources")).extracting(r -> r.get("resource").asText())
        .containsExactly("dashboards", "folders", "organizations");
    JsonNode organizations = version.get("resources").get(2);
    assertThat(organizations.get("scope").asText()).isEqualTo("Cluster");
    assertThat(organizations.has("subresources")).isFalse();
  }

  @Test
  void aggregatedVersionsArePreferredFirstAndLeaveOutEmptyNameLists() {
    JsonNode group = tree(gadgets.apis(DiscoveryFormat.AGGREGATED_V2)).get("items").get(0);

    assertThat(group.get("versions")).extracting(v -> v.get("version").asText()).containsExactly("v1", "v1beta1");
    JsonNode v1beta1Gadgets = group.get("versions").get(1).get("resources").get(0);
    assertThat(v1beta1Gadgets.get("resource").asText()).isEqualTo("gadgets");
    assertThat(v1beta1Gadgets.get("responseKind").get("version").asText()).isEqualTo("v1beta1");
    assertThat(v1beta1Gadgets.get("singularResource").asText()).isEqualTo("gadget");
    assertThat(v1beta1Gadgets.has("shortNames")).isFalse();
    assertThat(v1beta1Gadgets.has("categories")).isFalse();
    assertThat(v1beta1Gadgets.has("subresources")).isFalse();
  }

  @Test
  void v2AndV2beta1DifferOnlyInApiVersionAndContentType() {
    JsonNode v2 = tree(demo.apis(DiscoveryFormat.AGGREGATED_V2));
    JsonNode v2beta1 = tree(demo.apis(DiscoveryFormat.AGGREGATED_V2BETA1));

    assertThat(v2beta1.get("apiVersion").asText()).isEqualTo("apidiscovery.k8s.io/v2beta1");
    assertThat(v2beta1.get("items")).isEqualTo(v2.get("items"));
    assertThat(demo.apis(DiscoveryFormat.AGGREGATED_V2).contentType())
        .isEqualTo("application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList");
    assertThat(demo.apis(DiscoveryFormat.AGGREGATED_V2BETA1).contentType())
        .isEqualTo("application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList");
  }

  @Test
  void unknownGroupsAndVersionsAreEmpty() {
    assertThat(demo.group("apps")).isEmpty();
    assertThat(demo.resources("demo.revisor.io", "v2")).isEmpty();
    assertThat(gadgets.resources("test.revisor.io", "v1alpha1")).as("not served").isEmpty();
  }

  @ParameterizedTest
  @EnumSource(DiscoveryFormat.class)
  void etagIsTheQuotedUpperCaseSha512OfTheBytesAndStableAcrossBuilds(DiscoveryFormat format) throws Exception {
    JsonDocument document = demo.apis(format);
    String sha512 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-512").digest(document.bytes()))
        .toUpperCase(Locale.ROOT);

    assertThat(document.etag()).isEqualTo('"' + sha512 + '"');
    JsonDocument rebuilt = Discovery.of(TestRegistries.demo()).apis(format);
    assertThat(rebuilt.bytes()).isEqualTo(document.bytes());
    assertThat(rebuilt.etag()).isEqualTo(document.etag());
  }

  @Test
  void everyDocumentHasItsOwnEtag() {
    List<String> etags = new ArrayList<>();
    for (DiscoveryFormat format : DiscoveryFormat.values()) {
      etags.add(demo.apis(format).etag());
    }
    etags.add(demo.group("demo.revisor.io").orElseThrow().etag());
    etags.add(demo.resources("demo.revisor.io", "v1").orElseThrow().etag());
    etags.add(gadgets.apis(DiscoveryFormat.AGGREGATED_V2).etag());

    assertThat(etags).doesNotHaveDuplicates();
  }

  @Test
  void anEmptyRegistryStillAnswers() {
    Discovery empty = Discovery.of(ResourceRegistry.of(List.of()));

    assertThat(tree(empty.apis(DiscoveryFormat.LEGACY)).get("groups")).isEmpty();
    assertThat(tree(empty.apis(DiscoveryFormat.AGGREGATED_V2)).get("items")).isEmpty();
  }

  private static String text(JsonDocument document) {
    return new String(document.bytes(), StandardCharsets.UTF_8);
  }

  private static JsonNode tree(JsonDocument document) {
    return parse(text(document));
  }

  private static JsonNode parse(String json) {
    try {
      return Json.MAPPER.readTree(json);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
