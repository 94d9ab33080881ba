package io.revisor.apiserver.table;

import static io.revisor.apiserver.table.JsonPathTest.json;
import static io.revisor.apiserver.table.JsonPathTest.wire;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.revisor.apiserver.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code PartialObjectMetadata} and {@code PartialObjectMetadataList} as the metadata client reads them. */
class PartialObjectMetadataTest {
  static final JsonNode OBJECT = json("""
      {"apiVersion":"demo.revisor.io/v1","kind":"Folder",
       "metadata":{"name":"infra","namespace":"team-a","uid":"u1","resourceVersion":"5",
                   "finalizers":["demo.revisor.io/cleanup"],"ownerReferences":[{"kind":"Organization","name":"acme"}]},
       "spec":{"displayName":"Infrastructure"}}""");

  @Test
  void objectKeepsAllOfItsMetadataAndNothingElse() {
    assertThat(new String(Json.bytes(PartialObjectMetadata.of(OBJECT)), StandardCharsets.UTF_8)).isEqualTo(
        "{\"kind\":\"PartialObjectMetadata\",\"apiVersion\":\"meta.k8s.io/v1\",\"metadata\":"
            + OBJECT.get("metadata") + "}");
  }

  @Test
  void objectWithoutMetadataHasEmptyMetadata() {
    assertThat(PartialObjectMetadata.of(json("{\"kind\":\"Folder\"}")).get("metadata")).isEqualTo(json("{}"));
  }

  @Test
  void listCarriesListMetadataAndItemKinds() {
    JsonNode list = json("""
        {"apiVersion":"demo.revisor.io/v1","kind":"FolderList",
         "metadata":{"resourceVersion":"12","continue":"next","remainingItemCount":3},"items":[%s,%s]}"""
        .formatted(OBJECT, OBJECT));

    JsonNode partial = PartialObjectMetadata.listOf(list);

    assertThat(partial.get("kind").asText()).isEqualTo("PartialObjectMetadataList");
    assertThat(partial.get("apiVersion").asText()).isEqualTo("meta.k8s.io/v1");
    assertThat(wire(partial.get("metadata")))
        .isEqualTo("{\"resourceVersion\":\"12\",\"continue\":\"next\",\"remainingItemCount\":3}");
    assertThat(partial.get("items")).hasSize(2).allSatisfy(item -> {
      assertThat(item.get("kind").asText()).isEqualTo("PartialObjectMetadata");
      assertThat(item.get("metadata")).isEqualTo(OBJECT.get("metadata"));
      assertThat(item.has("spec")).isFalse();
    });
  }

  @Test
  void emptyListHasEmptyItemsAndOnlyTheMetadataThatIsSet() {
    JsonNode partial = PartialObjectMetadata.listOf(List.of(), new ListMeta("3", "", null));

    assertThat(partial.get("items")).isEqualTo(json("[]"));
    assertThat(partial.get("metadata")).isEqualTo(json("{\"resourceVersion\":\"3\"}"));
  }
}
