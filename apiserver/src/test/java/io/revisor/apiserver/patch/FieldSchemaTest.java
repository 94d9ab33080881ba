package io.revisor.apiserver.patch;

import static io.revisor.apiserver.patch.TestJson.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Named.named;

import io.revisor.apiserver.patch.FieldSchema.ListType;
import io.revisor.apiserver.patch.FieldSchema.MapType;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** List and map types read from a CRD's openAPIV3Schema. */
class FieldSchemaTest {
  static Stream<Arguments> listTypes() {
    return Stream.of(
        Arguments.of(named("no list type: atomic", List.of("spec", "tags")), ListType.ATOMIC, List.of()),
        Arguments.of(named("set", List.of("spec", "aliases")), ListType.SET, List.of()),
        Arguments.of(named("map with one key", List.of("spec", "ports")), ListType.MAP, List.of("name")),
        Arguments.of(named("map with two keys", List.of("spec", "routes")), ListType.MAP,
            List.of("port", "protocol")),
        Arguments.of(named("not a list", List.of("spec", "title")), ListType.ATOMIC, List.of()),
        Arguments.of(named("not in the schema", List.of("spec", "nope")), ListType.ATOMIC, List.of()),
        Arguments.of(named("metadata.finalizers is a set", List.of("metadata", "finalizers")), ListType.SET,
            List.of()),
        Arguments.of(named("metadata.ownerReferences is keyed by uid", List.of("metadata", "ownerReferences")),
            ListType.MAP, List.of("uid")));
  }

  @ParameterizedTest
  @MethodSource
  void listTypes(List<String> path, ListType type, List<String> keys) {
    String[] p = path.toArray(String[]::new);

    assertThat(Widgets.FIELDS.listType(p)).isEqualTo(type);
    assertThat(Widgets.FIELDS.listMapKeys(p)).isEqualTo(keys);
  }

  @Test
  void mapTypes() {
    assertThat(Widgets.FIELDS.mapType("spec", "selector")).isEqualTo(MapType.ATOMIC);
    assertThat(Widgets.FIELDS.mapType("spec", "settings")).isEqualTo(MapType.GRANULAR);
    assertThat(Widgets.FIELDS.mapType("metadata", "labels")).isEqualTo(MapType.GRANULAR);
  }

  @Test
  void nestedListsAreReachedThroughTheirItems() {
    FieldSchema schema = FieldSchema.fromSchema(json("{'type':'object','properties':{'spec':{'type':'object',"
        + "'properties':{'containers':{'type':'array','x-kubernetes-list-type':'map',"
        + "'x-kubernetes-list-map-keys':['name'],'items':{'type':'object','properties':{'name':{'type':'string'},"
        + "'ports':{'type':'array','x-kubernetes-list-type':'set','items':{'type':'integer'}}}}}}}}}"));

    assertThat(schema.listType("spec", "containers", "ports")).isEqualTo(ListType.SET);
  }

  @Test
  void withoutSchemaListsAreAtomicAndMapsGranular() {
    FieldSchema none = FieldSchema.fromSchema(null);

    assertThat(none.listType("spec", "anything")).isEqualTo(ListType.ATOMIC);
    assertThat(none.mapType("spec", "anything")).isEqualTo(MapType.GRANULAR);
    assertThat(none.listType("metadata", "finalizers")).isEqualTo(ListType.SET);
    assertThat(FieldSchema.fromSchema(json("null"))).isSameAs(FieldSchema.untyped());
  }
}
