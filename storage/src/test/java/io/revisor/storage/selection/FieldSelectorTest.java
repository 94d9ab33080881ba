package io.revisor.storage.selection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

import io.revisor.storage.selection.FieldSelector.Operator;
import io.revisor.storage.selection.FieldSelector.Requirement;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Field selector grammar, escaping and matching, mirroring apimachinery's {@code fields} tests. */
class FieldSelectorTest {
  private static Requirement eq(String field, String value) {
    return new Requirement(field, Operator.EQUALS, value);
  }

  private static Requirement ne(String field, String value) {
    return new Requirement(field, Operator.NOT_EQUALS, value);
  }

  static Stream<Arguments> validSelectors() {
    return Stream.of(
        argumentSet("empty", "", List.of(), ""),
        argumentSet("only commas", ",,", List.of(), ""),
        argumentSet("equals", "a=b", List.of(eq("a", "b")), "a=b"),
        argumentSet("double equals is equals", "a==b", List.of(eq("a", "b")), "a=b"),
        argumentSet("not equals", "a!=b", List.of(ne("a", "b")), "a!=b"),
        argumentSet("sorted by text", "b=1,a=2", List.of(eq("a", "2"), eq("b", "1")), "a=2,b=1"),
        argumentSet("empty terms skipped", "a=b,,c!=d,", List.of(eq("a", "b"), ne("c", "d")), "a=b,c!=d"),
        argumentSet("empty value", "a=", List.of(eq("a", "")), "a="),
        argumentSet("empty field", "=b", List.of(eq("", "b")), "=b"),
        argumentSet("dotted field", "status.phase!=Running", List.of(ne("status.phase", "Running")),
            "status.phase!=Running"),
        argumentSet("bang in value", "a=!b", List.of(eq("a", "!b")), "a=!b"),
        argumentSet("bang inside value", "a=b!c", List.of(eq("a", "b!c")), "a=b!c"),
        argumentSet("blanks kept", " a = b ", List.of(eq(" a ", " b ")), " a = b "),
        argumentSet("escaped comma", "a=b\\,c", List.of(eq("a", "b,c")), "a=b\\,c"),
        argumentSet("escaped equals", "a=b\\=c", List.of(eq("a", "b=c")), "a=b\\=c"),
        argumentSet("escaped backslash", "a=b\\\\c", List.of(eq("a", "b\\c")), "a=b\\\\c"),
        argumentSet("escaped backslash before comma", "a=b\\\\,c=d", List.of(eq("a", "b\\"), eq("c", "d")),
            "a=b\\\\,c=d"),
        argumentSet("all escapes", "a!=\\,\\=\\\\", List.of(ne("a", ",=\\")), "a!=\\,\\=\\\\"),
        argumentSet("escaped comma across terms", "x=\\,,a=b", List.of(eq("a", "b"), eq("x", ",")), "a=b,x=\\,"),
        argumentSet("metadata fields", "metadata.namespace=ns,metadata.name==n",
            List.of(eq("metadata.name", "n"), eq("metadata.namespace", "ns")), "metadata.name=n,metadata.namespace=ns"));
  }

  @ParameterizedTest
  @MethodSource("validSelectors")
  void parsesValidSelectors(String input, List<Requirement> requirements, String canonical) {
    FieldSelector selector = FieldSelector.parse(input);

    assertThat(selector.requirements()).containsExactlyElementsOf(requirements);
    assertThat(selector).hasToString(canonical);
    assertThat(selector.isEverything()).isEqualTo(requirements.isEmpty());
    assertThat(FieldSelector.parse(canonical)).isEqualTo(selector);
  }

  static Stream<Arguments> invalidSelectors() {
    return Stream.of(
        argumentSet("no operator", "a", "invalid selector: 'a'; can't understand 'a'"),
        argumentSet("second term without operator", "a=b,c", "invalid selector: 'a=b,c'; can't understand 'c'"),
        argumentSet("unsupported operator", "a<b", "invalid selector: 'a<b'; can't understand 'a<b'"),
        argumentSet("bang alone is no operator", "a!b", "invalid selector: 'a!b'; can't understand 'a!b'"),
        argumentSet("unescaped equals in value", "a=b=c", "invalid field selector: unescaped character in value: ="),
        argumentSet("unescaped equals after not equals", "a!=b=c",
            "invalid field selector: unescaped character in value: ="),
        argumentSet("escaped bang", "a=b\\!c", "invalid field selector: invalid escape sequence: \\!"),
        argumentSet("escaped letter", "a=b\\x", "invalid field selector: invalid escape sequence: \\x"),
        argumentSet("trailing backslash", "a=b\\", "invalid field selector: invalid escape sequence: \\"),
        argumentSet("escaped equals in field", "a\\=b=c", "invalid field selector: unescaped character in value: ="));
  }

  @ParameterizedTest
  @MethodSource("invalidSelectors")
  void rejectsInvalidSelectors(String input, String message) {
    assertThatThrownBy(() -> FieldSelector.parse(input))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessage(message);
  }

  static Stream<Arguments> matchCases() {
    ObjectAttributes running = new ObjectAttributes("web", "prod", Map.of("app", "web"),
        Map.of("status.phase", "Running", "spec.nodeName", "n1", "spec.note", "a,b=c\\d"));
    ObjectAttributes bare = new ObjectAttributes("db", "", Map.of(), Map.of());
    return Stream.of(
        argumentSet("name equals", "metadata.name=web", running, true),
        argumentSet("name double equals", "metadata.name==web", running, true),
        argumentSet("name differs", "metadata.name=db", running, false),
        argumentSet("name not equals", "metadata.name!=db", running, true),
        argumentSet("namespace equals", "metadata.namespace=prod", running, true),
        argumentSet("namespace differs", "metadata.namespace=dev", running, false),
        argumentSet("cluster-scoped namespace is empty", "metadata.namespace=", bare, true),
        argumentSet("cluster-scoped not in namespace", "metadata.namespace!=prod", bare, true),
        argumentSet("field equals", "status.phase=Running", running, true),
        argumentSet("field differs", "status.phase=Pending", running, false),
        argumentSet("field not equals, same", "status.phase!=Running", running, false),
        argumentSet("field not equals, other", "status.phase!=Pending", running, true),
        argumentSet("missing field equals value", "status.phase=Running", bare, false),
        argumentSet("missing field not equals value", "status.phase!=Running", bare, true),
        argumentSet("missing field equals empty", "spec.nodeName=", bare, true),
        argumentSet("present field equals empty", "spec.nodeName=", running, false),
        argumentSet("missing field not equals empty", "spec.nodeName!=", bare, false),
        argumentSet("present field not equals empty", "spec.nodeName!=", running, true),
        argumentSet("escaped value", "spec.note=a\\,b\\=c\\\\d", running, true),
        argumentSet("conjunction holds", "metadata.name=web,status.phase=Running,spec.nodeName!=", running, true),
        argumentSet("conjunction fails", "metadata.name=web,status.phase=Pending", running, false),
        argumentSet("everything", "", bare, true),
        argumentSet("labels are not fields", "app=web", running, false));
  }

  @ParameterizedTest
  @MethodSource("matchCases")
  void matches(String selector, ObjectAttributes attributes, boolean expected) {
    assertThat(FieldSelector.parse(selector).matches(attributes)).isEqualTo(expected);
  }

  @Test
  void nameAndNamespaceComeFromTheAttributesNotTheFieldMap() {
    ObjectAttributes attributes = new ObjectAttributes("web", "prod", Map.of(),
        Map.of("metadata.name", "other", "metadata.namespace", "other"));

    assertThat(FieldSelector.parse("metadata.name=web,metadata.namespace=prod").matches(attributes)).isTrue();
  }

  static Stream<Arguments> singleNameCases() {
    return Stream.of(
        argumentSet("equals", "metadata.name=foo", "foo"),
        argumentSet("double equals", "metadata.name==foo", "foo"),
        argumentSet("with namespace", "metadata.namespace=ns,metadata.name=foo", "foo"),
        argumentSet("with other fields", "status.phase!=Running,metadata.name=foo", "foo"),
        argumentSet("escaped", "metadata.name=a\\,b", "a,b"),
        argumentSet("empty name", "metadata.name=", ""),
        argumentSet("not equals", "metadata.name!=foo", null),
        argumentSet("namespace only", "metadata.namespace=foo", null),
        argumentSet("other field", "spec.name=foo", null),
        argumentSet("everything", "", null));
  }

  @ParameterizedTest
  @MethodSource("singleNameCases")
  void singleName(String selector, String expected) {
    assertThat(FieldSelector.parse(selector).singleName()).isEqualTo(expected);
  }

  static Stream<Arguments> fieldPathCases() {
    return Stream.of(
        argumentSet("everything", "", Set.of()),
        argumentSet("name and namespace only", "metadata.name=a,metadata.namespace!=b", Set.of()),
        argumentSet("one field", "status.phase=Running", Set.of("status.phase")),
        argumentSet("repeated and mixed", "status.phase=x,spec.nodeName!=,status.phase!=y,metadata.name=n",
            Set.of("spec.nodeName", "status.phase")));
  }

  @ParameterizedTest
  @MethodSource("fieldPathCases")
  void fieldPaths(String selector, Set<String> expected) {
    assertThat(FieldSelector.parse(selector).fieldPaths()).containsExactlyInAnyOrderElementsOf(expected);
  }

  static Stream<Arguments> escapeCases() {
    return Stream.of(
        argumentSet("plain", "abc", "abc"),
        argumentSet("empty", "", ""),
        argumentSet("comma", "a,b", "a\\,b"),
        argumentSet("equals", "a=b", "a\\=b"),
        argumentSet("backslash", "a\\b", "a\\\\b"),
        argumentSet("bang untouched", "a!b", "a!b"),
        argumentSet("all", "\\,=", "\\\\\\,\\="));
  }

  @ParameterizedTest
  @MethodSource("escapeCases")
  void escapesAndUnescapes(String literal, String escaped) {
    assertThat(FieldSelector.escapeValue(literal)).isEqualTo(escaped);
    assertThat(FieldSelector.unescapeValue(escaped)).isEqualTo(literal);
  }

  @Test
  void everythingIsTheEmptySelector() {
    assertThat(FieldSelector.everything().isEverything()).isTrue();
    assertThat(FieldSelector.everything()).hasToString("");
    assertThat(FieldSelector.parse("")).isSameAs(FieldSelector.everything());
    assertThat(FieldSelector.everything().singleName()).isNull();
    assertThat(FieldSelector.everything().fieldPaths()).isEmpty();
  }

  @Test
  void ofKeepsTheGivenOrder() {
    FieldSelector selector = FieldSelector.of(List.of(ne("b", "x,y"), eq("a", "")));

    assertThat(selector).hasToString("b!=x\\,y,a=");
    assertThat(selector.fieldPaths()).containsExactly("a", "b");
  }

  @Test
  void rejectsNull() {
    assertThatThrownBy(() -> FieldSelector.parse(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> new Requirement("a", Operator.EQUALS, null)).isInstanceOf(NullPointerException.class);
  }
}
