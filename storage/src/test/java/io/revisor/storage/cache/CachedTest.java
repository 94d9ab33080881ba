package io.revisor.storage.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.revisor.storage.resource.ObjectKey;
import io.revisor.storage.resource.ResourceType;
import io.revisor.storage.resource.StoredObject;
import io.revisor.storage.selection.ObjectPredicate;
import io.revisor.storage.selection.SelectionPredicate;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CachedTest {
  private static final ResourceType DASHBOARDS = ResourceType.namespaced("demo.revisor.io", "dashboards");

  private static StoredObject object(String json) {
    ObjectKey key = DASHBOARDS.key("ns1", "one");
    return new StoredObject(key, json.getBytes(StandardCharsets.UTF_8), 7);
  }

  private static final StoredObject ONE = object("{\"apiVersion\":\"demo.revisor.io/v1\",\"kind\":\"Dashboard\","
      + "\"metadata\":{\"name\":\"one\",\"namespace\":\"ns1\",\"labels\":{\"tier\":\"web\"}},"
      + "\"spec\":{\"title\":\"One\",\"rows\":3,\"owner\":null,\"panel\":{\"kind\":\"graph\"}},"
      + "\"status\":{\"phase\":\"Ready\"}}");

  @Test
  void fieldSelectorsMatchAsTheStoreMatchesWhicheverPathsCameBefore() {
    List<ObjectPredicate> predicates = List.of(
        SelectionPredicate.parse("", "spec.title=One"),
        SelectionPredicate.parse("", "spec.title!=One"),
        SelectionPredicate.parse("tier=web", "status.phase=Ready"),
        SelectionPredicate.parse("tier=db", "status.phase=Ready"),
        SelectionPredicate.parse("", "spec.rows=3,spec.title=One"),
        SelectionPredicate.parse("", "spec.owner=null"),
        SelectionPredicate.parse("", "spec.panel=graph"),
        SelectionPredicate.parse("", "spec.panel.kind=graph"),
        SelectionPredicate.parse("", "spec.missing=x"),
        SelectionPredicate.parse("", "spec.missing!=x"),
        SelectionPredicate.parse("", "metadata.name=one,spec.title=Two"));
    // In this order and reversed: the paths a cached object has decoded before must not change an answer.
    Cached forward = new Cached(ONE);
    for (ObjectPredicate predicate : predicates) {
      assertThat(forward.matches(predicate)).as(predicate.toString()).isEqualTo(ONE.matches(predicate));
    }
    Cached backward = new Cached(ONE);
    List<ObjectPredicate> reversed = new ArrayList<>(predicates);
    Collections.reverse(reversed);
    for (ObjectPredicate predicate : reversed) {
      assertThat(backward.matches(predicate)).as(predicate.toString()).isEqualTo(ONE.matches(predicate));
    }
  }

  @Test
  void pathsAreDecodedOnceAndKept() {
    Cached cached = new Cached(ONE);
    var first = cached.attributes(Set.of("spec.title"));
    assertThat(cached.attributes(Set.of("spec.title"))).isSameAs(first);
    var wider = cached.attributes(Set.of("status.phase"));
    assertThat(wider).isNotSameAs(first);
    assertThat(wider.fields()).containsEntry("spec.title", "One").containsEntry("status.phase", "Ready");
    assertThat(cached.attributes(Set.of("spec.title", "status.phase"))).isSameAs(wider);
    assertThat(cached.attributes(Set.of("status.phase"))).isSameAs(wider);
  }
}
