package io.revisor.bench.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ListBodiesTest {
  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void readsTheListMetadataFromTheEnd() {
    String item = "{\"metadata\":{\"resourceVersion\":\"7\",\"name\":\"a\"},\"spec\":{}}";
    String list = "{\"apiVersion\":\"v1\",\"items\":[" + item + "," + item + "],\"kind\":\"DashboardList\","
        + "\"metadata\":{\"resourceVersion\":\"9\",\"continue\":\"abc.def\",\"remainingItemCount\":3}}";
    assertThat(ListBodies.tail(bytes(list))).isEqualTo(new ListBodies.ListMeta("9", "abc.def", -1));
    assertThat(ListBodies.fullList(bytes(list))).isEqualTo(new ListBodies.ListMeta("9", "abc.def", 2));
    String last = "{\"items\":[],\"kind\":\"L\",\"metadata\":{\"resourceVersion\":\"9\"}}";
    assertThat(ListBodies.tail(bytes(last))).isEqualTo(new ListBodies.ListMeta("9", null, -1));
  }

  @Test
  void readsAResourceVersion() {
    assertThat(ListBodies.resourceVersion(bytes("{\"kind\":\"Dashboard\",\"metadata\":{\"name\":\"a\","
        + "\"labels\":{\"resourceVersion\":\"x\"},\"resourceVersion\":\"42\"}}"))).isEqualTo("42");
    assertThat(ListBodies.resourceVersion(bytes("{\"kind\":\"Dashboard\"}"))).isNull();
  }

  @Test
  void readsAWatchEventsTypeNameAndResourceVersion() {
    assertThat(ListBodies.event(bytes("{\"type\":\"ADDED\",\"object\":{\"apiVersion\":\"v1\",\"kind\":\"K\","
        + "\"metadata\":{\"resourceVersion\":\"5\",\"name\":\"e-000001\"},\"spec\":{\"x\":[1,2]}}}")))
        .containsExactly("ADDED", "e-000001", "5");
    assertThat(ListBodies.event(bytes("{\"type\":\"ADDED\",\"object\":{\"metadata\":{\"name\":\"a\","
        + "\"labels\":{\"resourceVersion\":\"x\"},\"resourceVersion\":\"7\"}}}")))
        .containsExactly("ADDED", "a", "7");
    assertThat(ListBodies.event(bytes("{\"type\":\"ADDED\",\"object\":{\"metadata\":{\"name\":\"a\"},"
        + "\"spec\":{\"metadata\":{\"resourceVersion\":\"9\"}}}}")))
        .containsExactly("ADDED", "a", null);
    assertThat(ListBodies.event(bytes("{\"object\":{\"metadata\":{\"name\":\"b\",\"resourceVersion\":\"3\"}},"
        + "\"type\":\"MODIFIED\"}")))
        .containsExactly("MODIFIED", "b", "3");
    assertThat(ListBodies.event(bytes("{\"type\":\"ERROR\",\"object\":{\"kind\":\"Status\",\"code\":410}}")))
        .containsExactly("ERROR", null, null);
  }

  @Test
  void objectsAreExactly1KiBOfValidJson() throws Exception {
    ObjectMapper mapper = new ObjectMapper();
    for (Objects1k kind : Objects1k.values()) {
      byte[] create = kind.body("bench-create-c64", "o-000001", 0, null);
      byte[] update = kind.body("bench-update", "o-000001", 123456, "987654321");
      assertThat(create).hasSize(1024);
      assertThat(update).hasSize(1024);
      JsonNode node = mapper.readTree(update);
      assertThat(node.path("apiVersion").asText()).isEqualTo("demo.revisor.io/v1");
      assertThat(node.path("metadata").path("resourceVersion").asText()).isEqualTo("987654321");
      assertThat(node.path("metadata").path("namespace").asText()).isEqualTo("bench-update");
      assertThat(mapper.readTree(create).path("metadata").has("resourceVersion")).isFalse();
      assertThat(update).isNotEqualTo(kind.body("bench-update", "o-000001", 123457, "987654321"));
    }
    assertThat(Objects1k.DASHBOARD.path("ns", "a")).isEqualTo("/apis/demo.revisor.io/v1/namespaces/ns/dashboards/a");
  }

  @Test
  void rawPrefixEnd() {
    assertThat(RawEtcd.prefixEnd("/bench-raw/read/")).isEqualTo("/bench-raw/read0");
  }
}
