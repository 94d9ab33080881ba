package io.revisor.storage.selection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The combination of a label and a field selector. */
class SelectionPredicateTest {
  private static final ObjectAttributes WEB = new ObjectAttributes("web-1", "prod", Map.of("app", "web"),
      Map.of("status.phase", "Running"));

  static Stream<Arguments> everythingCases() {
    return Stream.of(
        argumentSet("both null", null, null),
        argumentSet("both empty", "", ""),
        argumentSet("blank labels, empty fields", "  ", ","),
        argumentSet("null labels, empty fields", null, ""),
        argumentSet("empty labels, null fields", "", null));
  }

  @ParameterizedTest
  @MethodSource("everythingCases")
  void parsesToEverything(String labels, String fields) {
    assertThat(SelectionPredicate.parse(labels, fields)).isSameAs(ObjectPredicate.EVERYTHING);
  }

  static Stream<Arguments> matchCases() {
    return Stream.of(
        argumentSet("labels only, match", "app=web", null, true),
        argumentSet("labels only, no match", "app=db", null, false),
        argumentSet("fields only, match", null, "status.phase=Running", true),
        argumentSet("fields only, no match", null, "status.phase!=Running", false),
        argumentSet("both match", "app in (web,db)", "metadata.name=web-1,metadata.namespace=prod", true),
        argumentSet("labels match, fields do not", "app", "metadata.namespace=dev", false),
        argumentSet("fields match, labels do not", "!app", "metadata.name=web-1", false));
  }

  @ParameterizedTest
  @MethodSource("matchCases")
  void matchesWhenBothMatch(String labels, String fields, boolean expected) {
    ObjectPredicate predicate = SelectionPredicate.parse(labels, fields);

    assertThat(predicate).isInstanceOf(SelectionPredicate.class);
    assertThat(predicate.isEverything()).isFalse();
    assertThat(predicate.matches(WEB)).isEqualTo(expected);
  }

  @Test
  void delegatesFieldPathsAndSingleNameToTheFieldSelector() {
    ObjectPredicate predicate =
        SelectionPredicate.parse("app=web", "metadata.name=web-1,status.phase=Running,spec.nodeName!=");

    assertThat(predicate.singleName()).isEqualTo("web-1");
    assertThat(predicate.fieldPaths()).containsExactly("spec.nodeName", "status.phase");
    assertThat(predicate).hasToString("app=web && metadata.name=web-1,spec.nodeName!=,status.phase=Running");
  }

  @Test
  void exposesBothSelectors() {
    SelectionPredicate predicate = (SelectionPredicate) SelectionPredicate.parse("b=1,a=2", "x!=y");

    assertThat(predicate.labelSelector()).isEqualTo(LabelSelector.parse("a=2,b=1"));
    assertThat(predicate.fieldSelector()).isEqualTo(FieldSelector.parse("x!=y"));
    assertThat(predicate).isEqualTo(SelectionPredicate.of(LabelSelector.parse("a=2,b=1"), FieldSelector.parse("x!=y")));
    assertThat(predicate.singleName()).isNull();
  }

  @Test
  void ofEverythingIsEverything() {
    SelectionPredicate predicate = SelectionPredicate.of(LabelSelector.everything(), FieldSelector.everything());

    assertThat(predicate.isEverything()).isTrue();
    assertThat(predicate.matches(WEB)).isTrue();
    assertThat(predicate.fieldPaths()).isEmpty();
  }

  @Test
  void rejectsInvalidSelectors() {
    assertThatThrownBy(() -> SelectionPredicate.parse("x in (a", null))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessage("unable to parse requirement: found '', expected: ',' or ')'");
    assertThatThrownBy(() -> SelectionPredicate.parse(null, "status.phase"))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessage("invalid selector: 'status.phase'; can't understand 'status.phase'");
    assertThatThrownBy(() -> SelectionPredicate.of(null, FieldSelector.everything()))
        .isInstanceOf(NullPointerException.class);
  }
}
