package io.revisor.storage.resource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class ObjectJsonTest {
  private static final ResourceType WIDGETS = ResourceType.namespaced("example.com", "widgets");
  private static final ObjectKey KEY = new ObjectKey(WIDGETS, "ns", "w");
  private static final ObjectKey CLUSTER_KEY = new ObjectKey(new ResourceType("example.com", "things", false), "", "w");

  private static String normalize(ObjectKey key, String json) {
    return new String(ObjectJson.normalize(key, json.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
  }

  @Test
  void storageFormIsCompactWithoutResourceVersion() {
    assertThat(normalize(KEY, """
        { "kind" : "Widget",
          "metadata": {"name": "w", "resourceVersion": "12", "namespace": "ns", "labels": {"a": "b"}},
          "spec": {"n": [1, 2.5, -3e2, true, null, {"x": "\\u00e9\\n"}]} }
        """)).isEqualTo("{\"kind\":\"Widget\",\"metadata\":{\"name\":\"w\",\"namespace\":\"ns\",\"labels\":{\"a\":\"b\"}},"
        + "\"spec\":{\"n\":[1,2.5,-300.0,true,null,{\"x\":\"é\\n\"}]}}");
  }

  /** The streaming path and the tree path give the same bytes for whatever the stream takes. */
  @ParameterizedTest
  @ValueSource(strings = {
      "{}",
      "{\"metadata\":{}}",
      "{\"metadata\":{\"resourceVersion\":{\"odd\":[1]}},\"b\":1}",
      "{\"a\":12345678901234567890,\"b\":1.0E-7,\"c\":0.1,\"d\":-0,\"e\":1e400}",
      "{\"s\":\"quote \\\" backslash \\\\ tab \\t control \\u0001 astral \\ud83d\\ude00\"}",
      "{\"metadata\":{\"name\":\"w\",\"namespace\":null},\"deep\":[[[[{}]]],[]]}",
      "{\"metadata\":{\"name\":\"w\"}} trailing",
      "{\"a\":1,\"a\":2}",
      "{\"metadata\":{\"name\":\"other\"},\"metadata\":{\"name\":\"w\"}}",
      "{\"metadata\":{\"name\":\"other\",\"name\":\"w\"}}",
      "{\"metadata\":1,\"metadata\":{\"name\":\"w\"}}",
  })
  void sameAsTheTree(String json) {
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    assertThat(new String(ObjectJson.normalize(KEY, bytes), StandardCharsets.UTF_8))
        .isEqualTo(new String(ObjectJson.normalizeTree(KEY, bytes), StandardCharsets.UTF_8));
  }

  @Test
  void duplicateKeysKeepTheLastValue() {
    assertThat(normalize(KEY, "{\"a\":1,\"b\":2,\"a\":3}")).isEqualTo("{\"a\":3,\"b\":2}");
    assertThat(normalize(KEY, "{\"metadata\":{\"name\":\"other\"},\"metadata\":{\"name\":\"w\"}}"))
        .isEqualTo("{\"metadata\":{\"name\":\"w\"}}");
  }

  @Test
  void anotherNameOrNamespaceIsInvalid() {
    assertThatThrownBy(() -> normalize(KEY, "{\"metadata\":{\"name\":\"x\"}}"))
        .isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.code()).isEqualTo(StorageErrorCode.INVALID))
        .hasMessageContaining("metadata.name \"x\" does not match the key \"w\"");
    assertThatThrownBy(() -> normalize(KEY, "{\"metadata\":{\"name\":\"w\",\"namespace\":\"other\"}}"))
        .hasMessageContaining("metadata.namespace \"other\" does not match the key \"ns\"");
    assertThatThrownBy(() -> normalize(KEY, "{\"metadata\":{\"name\":{\"a\":1}}}"))
        .hasMessageContaining("metadata.name \"\" does not match");
    assertThatThrownBy(() -> normalize(KEY, "{\"metadata\":{\"name\":\"x\"},\"a\":1,\"a\":2}"))
        .hasMessageContaining("metadata.name \"x\" does not match");
  }

  @Test
  void clusterScopedObjectsIgnoreTheNamespace() {
    assertThat(normalize(CLUSTER_KEY, "{\"metadata\":{\"name\":\"w\",\"namespace\":\"any\"}}"))
        .isEqualTo("{\"metadata\":{\"name\":\"w\",\"namespace\":\"any\"}}");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "[]", "\"w\"", "{\"metadata\":\"w\"}", "{\"metadata\":null}", "{\"a\":", "{\"a\" 1}"})
  void whatIsNoObjectIsInvalid(String json) {
    assertThatThrownBy(() -> normalize(KEY, json))
        .isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.code()).isEqualTo(StorageErrorCode.INVALID));
  }
}
