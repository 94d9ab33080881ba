package io.revisor.storage.selection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

import io.revisor.storage.selection.LabelSelector.Operator;
import io.revisor.storage.selection.LabelSelector.Requirement;
import io.revisor.storage.selection.LabelSelectorParser.Item;
import io.revisor.storage.selection.LabelSelectorParser.Token;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Label selector grammar, validation and matching, mirroring apimachinery's {@code labels} tests. */
class LabelSelectorTest {
  /** apimachinery's label value rule, verbatim (including its double spaces). */
  private static final String VALUE_RULE = "a valid label must be an empty string or consist of alphanumeric "
      + "characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or "
      + "'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
  private static final String NAME_RULE = "must consist of alphanumeric characters, '-', '_' or '.', and must start "
      + "and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for "
      + "validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
  private static final String SUBDOMAIN_RULE = "a lowercase RFC 1123 subdomain must consist of lower case "
      + "alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. "
      + "'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
  private static final String PARSE = "unable to parse requirement: ";

  static Stream<Arguments> validSelectors() {
    return Stream.of(
        argumentSet("empty", "", ""),
        argumentSet("blank", " \t\r\n", ""),
        argumentSet("three equalities", "x=a,y=b,z=c", "x=a,y=b,z=c"),
        argumentSet("sorted by key", "z=c,x=a,y=b", "x=a,y=b,z=c"),
        argumentSet("same key kept in written order", "x=b,x=a", "x=b,x=a"),
        argumentSet("not equals", "x!=a,y=b", "x!=a,y=b"),
        argumentSet("double equals kept", "x==a", "x==a"),
        argumentSet("empty value", "x=", "x="),
        argumentSet("empty value before blank", "x= ", "x="),
        argumentSet("two empty values", "x=,z= ", "x=,z="),
        argumentSet("two blank empty values", "x= ,z= ", "x=,z="),
        argumentSet("empty not equals", "x!=", "x!="),
        argumentSet("does not exist", "!x", "!x"),
        argumentSet("does not exist with blanks", " ! x ", "!x"),
        argumentSet("exists", "x", "x"),
        argumentSet("exists and does not exist", "!x,y", "!x,y"),
        argumentSet("blank after comma", "x, y", "x,y"),
        argumentSet("greater than", "x>1", "x>1"),
        argumentSet("greater and less", "x>1,z<5", "x>1,z<5"),
        argumentSet("max int64", "x>9223372036854775807", "x>9223372036854775807"),
        argumentSet("in", "x in (a,b)", "x in (a,b)"),
        argumentSet("in sorted and distinct", "x in (b,a,b)", "x in (a,b)"),
        argumentSet("in without blanks", "x in(a)", "x in (a)"),
        argumentSet("notin", "x notin (a)", "x notin (a)"),
        argumentSet("upstream example", "x in (foo,,baz),y,z notin ()", "x in (,baz,foo),y,z notin ()"),
        argumentSet("upstream toString example", "x notin (foo,,baz),y,z in ()", "x notin (,baz,foo),y,z in ()"),
        argumentSet("mixed", "x=a,y!=b,z in (h,i)", "x=a,y!=b,z in (h,i)"),
        argumentSet("leading comma in set", "x in (,a)", "x in (,a)"),
        argumentSet("trailing comma in set", "x in (a,)", "x in (,a)"),
        argumentSet("only comma in set", "x in (,)", "x in ()"),
        argumentSet("double comma in set", "x in (a,,b)", "x in (,a,b)"),
        argumentSet("empty set", "x in ()", "x in ()"),
        argumentSet("keywords as values", "x in (in, notin)", "x in (in,notin)"),
        argumentSet("keyword as key", "in in (in)", "in in (in)"),
        argumentSet("notin as key and value", "notin=notin", "notin=notin"),
        argumentSet("all whitespace kinds", "\tx\n=\r a ", "x=a"),
        argumentSet("prefixed key", "example.com/app=web", "example.com/app=web"),
        argumentSet("allowed characters", "a.B_c-9=A.b_C-9", "a.B_c-9=A.b_C-9"),
        argumentSet("63 character name", "a".repeat(63) + "=" + "b".repeat(63), "a".repeat(63) + "=" + "b".repeat(63)),
        argumentSet("253 character prefix", "a".repeat(253) + "/x", "a".repeat(253) + "/x"));
  }

  @ParameterizedTest
  @MethodSource("validSelectors")
  void parsesValidSelectors(String input, String canonical) {
    LabelSelector selector = LabelSelector.parse(input);

    assertThat(selector).hasToString(canonical);
    assertThat(selector.isEverything()).isEqualTo(canonical.isEmpty());
    assertThat(LabelSelector.parse(canonical)).isEqualTo(selector);
  }

  static Stream<Arguments> invalidSelectors() {
    return Stream.of(
        argumentSet("or is not an operator", "x=a||y=b", PARSE + "values[0][x]: Invalid value: \"a||y\": " + VALUE_RULE),
        argumentSet("double equals twice", "x==a==b", "found '==', expected: ',' or 'end of string'"),
        argumentSet("equals twice", "x=a=b", "found '=', expected: ',' or 'end of string'"),
        argumentSet("does not exist with value", "!x=a", "found '=', expected: ',' or 'end of string'"),
        argumentSet("two values", "x=a b", "found 'b', expected: ',' or 'end of string'"),
        argumentSet("stray parenthesis", "x=a)", "found ')', expected: ',' or 'end of string'"),
        argumentSet("lone comma", ",", "found ',', expected: !, identifier, or 'end of string'"),
        argumentSet("leading operator", "=a", "found '=', expected: !, identifier, or 'end of string'"),
        argumentSet("trailing comma", "x=a,", "found '', expected: identifier after ','"),
        argumentSet("double comma", "x=a,,y", "found ',', expected: identifier after ','"),
        argumentSet("missing operator", "x y", PARSE + "found 'y', expected: in, notin, =, ==, !=, gt, lt"),
        argumentSet("opening parenthesis as operator", "x (a)", PARSE + "found '(', expected: in, notin, =, ==, !=, gt, lt"),
        argumentSet("lone bang", "!", PARSE + "found '', expected: identifier"),
        argumentSet("double bang", "!!x", PARSE + "found '!', expected: identifier"),
        argumentSet("parenthesis as exact value", "x=(a)", PARSE + "found '(', expected: identifier"),
        argumentSet("in without parentheses", "x in a", PARSE + "found 'a' expected: '('"),
        argumentSet("notin at end", "x notin", PARSE + "found '' expected: '('"),
        argumentSet("unclosed set", "x in (a", PARSE + "found '', expected: ',' or ')'"),
        argumentSet("set without comma", "x in (a b)", PARSE + "found 'b', expected: ',' or ')'"),
        argumentSet("operator opening set", "x in (=)", PARSE + "found '=', expected: ',', ')' or identifier"),
        argumentSet("operator inside set", "x in (a,=)", PARSE + "found '=', expected: ',', or identifier"),
        argumentSet("invalid value in set", "x in (a,-b)", PARSE + "values[0][x]: Invalid value: \"-b\": " + VALUE_RULE),
        argumentSet("less than non-integer", "x<a",
            PARSE + "values[0]: Invalid value: \"a\": for 'Gt', 'Lt' operators, the value must be an integer"),
        argumentSet("greater than nothing", "x>",
            PARSE + "values[0]: Invalid value: \"\": for 'Gt', 'Lt' operators, the value must be an integer"),
        argumentSet("greater than decimal", "x>1.5",
            PARSE + "values[0]: Invalid value: \"1.5\": for 'Gt', 'Lt' operators, the value must be an integer"),
        argumentSet("greater than overflow", "x>9223372036854775808", PARSE
            + "values[0]: Invalid value: \"9223372036854775808\": for 'Gt', 'Lt' operators, the value must be an integer"),
        argumentSet("negative integer is not a label value", "x>-1",
            PARSE + "values[0][x]: Invalid value: \"-1\": " + VALUE_RULE),
        argumentSet("two errors aggregated", "x<-a", PARSE + "[values[0]: Invalid value: \"-a\": for 'Gt', 'Lt' "
            + "operators, the value must be an integer, values[0][x]: Invalid value: \"-a\": " + VALUE_RULE + "]"),
        argumentSet("value too long", "x=" + "b".repeat(64),
            PARSE + "values[0][x]: Invalid value: \"" + "b".repeat(64) + "\": must be no more than 63 characters"),
        argumentSet("two slashes in key", "a/b/c", PARSE + "<nil>: Invalid value: \"a/b/c\": a qualified name "
            + NAME_RULE + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"),
        argumentSet("empty prefix", "/a=b", PARSE + "<nil>: Invalid value: \"/a\": prefix part must be non-empty"),
        argumentSet("upper-case prefix", "Example.com/a",
            PARSE + "<nil>: Invalid value: \"Example.com/a\": prefix part " + SUBDOMAIN_RULE),
        argumentSet("prefix too long", "a".repeat(254) + "/x", PARSE + "<nil>: Invalid value: \"" + "a".repeat(254)
            + "/x\": prefix part must be no more than 253 characters"),
        argumentSet("empty name", "a/", PARSE + "<nil>: Invalid value: \"a/\": name part must be non-empty; name part "
            + NAME_RULE),
        argumentSet("name starting with dash", "-a", PARSE + "<nil>: Invalid value: \"-a\": name part " + NAME_RULE),
        argumentSet("name too long", "a".repeat(64), PARSE + "<nil>: Invalid value: \"" + "a".repeat(64)
            + "\": name part must be no more than 63 characters"),
        argumentSet("key with invalid character", "a~b=c", PARSE + "<nil>: Invalid value: \"a~b\": name part "
            + NAME_RULE));
  }

  @ParameterizedTest
  @MethodSource("invalidSelectors")
  void rejectsInvalidSelectors(String input, String message) {
    assertThatThrownBy(() -> LabelSelector.parse(input))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessage(message);
  }

  static Stream<Arguments> lexerCases() {
    return Stream.of(
        argumentSet("empty", "", List.of()),
        argumentSet("comma", ",", List.of(Token.COMMA)),
        argumentSet("notin", "notin", List.of(Token.NOT_IN)),
        argumentSet("in", "in", List.of(Token.IN)),
        argumentSet("equals", "=", List.of(Token.EQUALS)),
        argumentSet("double equals", "==", List.of(Token.DOUBLE_EQUALS)),
        argumentSet("greater than", ">", List.of(Token.GREATER_THAN)),
        argumentSet("less than", "<", List.of(Token.LESS_THAN)),
        argumentSet("bang", "!", List.of(Token.DOES_NOT_EXIST)),
        argumentSet("not equals is the longest match", "!=", List.of(Token.NOT_EQUALS)),
        argumentSet("open parenthesis", "(", List.of(Token.OPEN_PAR)),
        argumentSet("closed parenthesis", ")", List.of(Token.CLOSED_PAR)),
        argumentSet("tilde is an identifier", "~", List.of(Token.IDENTIFIER)),
        argumentSet("pipes are an identifier", "||", List.of(Token.IDENTIFIER)),
        argumentSet("in set", "key in ( value )",
            List.of(Token.IDENTIFIER, Token.IN, Token.OPEN_PAR, Token.IDENTIFIER, Token.CLOSED_PAR)),
        argumentSet("notin set", "key notin ( value )",
            List.of(Token.IDENTIFIER, Token.NOT_IN, Token.OPEN_PAR, Token.IDENTIFIER, Token.CLOSED_PAR)),
        argumentSet("two values", "key in ( value1, value2 )", List.of(Token.IDENTIFIER, Token.IN, Token.OPEN_PAR,
            Token.IDENTIFIER, Token.COMMA, Token.IDENTIFIER, Token.CLOSED_PAR)),
        argumentSet("key", "key", List.of(Token.IDENTIFIER)),
        argumentSet("not key", "!key", List.of(Token.DOES_NOT_EXIST, Token.IDENTIFIER)),
        argumentSet("parentheses", "()", List.of(Token.OPEN_PAR, Token.CLOSED_PAR)),
        argumentSet("empty set then key", "x in (),y",
            List.of(Token.IDENTIFIER, Token.IN, Token.OPEN_PAR, Token.CLOSED_PAR, Token.COMMA, Token.IDENTIFIER)),
        argumentSet("operators only", "== != (), = notin", List.of(Token.DOUBLE_EQUALS, Token.NOT_EQUALS,
            Token.OPEN_PAR, Token.CLOSED_PAR, Token.COMMA, Token.EQUALS, Token.NOT_IN)),
        argumentSet("greater than integer", "key>2", List.of(Token.IDENTIFIER, Token.GREATER_THAN, Token.IDENTIFIER)),
        argumentSet("less than integer", "key<1", List.of(Token.IDENTIFIER, Token.LESS_THAN, Token.IDENTIFIER)),
        argumentSet("not equals then equals", "!==", List.of(Token.NOT_EQUALS, Token.EQUALS)),
        argumentSet("equals then bang", "=!", List.of(Token.EQUALS, Token.DOES_NOT_EXIST)),
        argumentSet("triple equals", "===", List.of(Token.DOUBLE_EQUALS, Token.EQUALS)),
        argumentSet("less than equals", "<=", List.of(Token.LESS_THAN, Token.EQUALS)),
        argumentSet("in inside word", "inside", List.of(Token.IDENTIFIER)));
  }

  @ParameterizedTest
  @MethodSource("lexerCases")
  void lexes(String input, List<Token> tokens) {
    List<Item> items = LabelSelectorParser.lex(input);

    assertThat(items).last().isEqualTo(new Item(Token.END_OF_STRING, ""));
    assertThat(items.subList(0, items.size() - 1)).extracting(Item::token).containsExactlyElementsOf(tokens);
  }

  @Test
  void lexerKeepsLiterals() {
    assertThat(LabelSelectorParser.lex(" a!=b, c in (d) "))
        .containsExactly(
            new Item(Token.IDENTIFIER, "a"),
            new Item(Token.NOT_EQUALS, "!="),
            new Item(Token.IDENTIFIER, "b"),
            new Item(Token.COMMA, ","),
            new Item(Token.IDENTIFIER, "c"),
            new Item(Token.IN, "in"),
            new Item(Token.OPEN_PAR, "("),
            new Item(Token.IDENTIFIER, "d"),
            new Item(Token.CLOSED_PAR, ")"),
            new Item(Token.END_OF_STRING, ""));
  }

  static Stream<Arguments> validRequirements() {
    return Stream.of(
        argumentSet("in one value", "x3", Operator.IN, List.of("foo"), "x3 in (foo)"),
        argumentSet("notin one value", "x4", Operator.NOT_IN, List.of("foo"), "x4 notin (foo)"),
        argumentSet("exists", "x6", Operator.EXISTS, List.of(), "x6"),
        argumentSet("does not exist", "x7", Operator.DOES_NOT_EXIST, List.of(), "!x7"),
        argumentSet("in values sorted", "x9", Operator.IN, List.of("bar", "a", "bar"), "x9 in (a,bar)"),
        argumentSet("greater than", "x11", Operator.GREATER_THAN, List.of("1"), "x11>1"),
        argumentSet("less than", "x12", Operator.LESS_THAN, List.of("6"), "x12<6"),
        argumentSet("prefixed key", "k8s.io/app", Operator.EQUALS, List.of("web"), "k8s.io/app=web"),
        argumentSet("empty value", "x", Operator.NOT_EQUALS, List.of(""), "x!="));
  }

  @ParameterizedTest
  @MethodSource("validRequirements")
  void constructsValidRequirements(String key, Operator operator, List<String> values, String text) {
    assertThat(new Requirement(key, operator, values)).hasToString(text);
  }

  static Stream<Arguments> invalidRequirements() {
    return Stream.of(
        argumentSet("in without values", "x1", Operator.IN, null,
            "values: Invalid value: []string{}: for 'in', 'notin' operators, values set can't be empty"),
        argumentSet("notin without values", "x2", Operator.NOT_IN, List.of(),
            "values: Invalid value: []string{}: for 'in', 'notin' operators, values set can't be empty"),
        argumentSet("equals with two values", "x5", Operator.EQUALS, List.of("foo", "bar"),
            "values: Invalid value: []string{\"foo\", \"bar\"}: exact-match compatibility requires one single value"),
        argumentSet("exists with a value", "x8", Operator.EXISTS, List.of("foo"),
            "values: Invalid value: []string{\"foo\"}: values set must be empty for exists and does not exist"),
        argumentSet("greater than without value", "x13", Operator.GREATER_THAN, null,
            "values: Invalid value: []string{}: for 'Gt', 'Lt' operators, exactly one value is required"),
        argumentSet("greater than non-integer", "x14", Operator.GREATER_THAN, List.of("a"),
            "values[0]: Invalid value: \"a\": for 'Gt', 'Lt' operators, the value must be an integer"),
        argumentSet("less than negative", "x15", Operator.LESS_THAN, List.of("-1"),
            "values[0][x15]: Invalid value: \"-1\": " + VALUE_RULE),
        argumentSet("key too long", "a".repeat(254), Operator.EXISTS, null, "key: Invalid value: \"" + "a".repeat(254)
            + "\": name part must be no more than 63 characters"),
        argumentSet("value too long", "x1", Operator.IN, List.of("a".repeat(254)), "values[0][x1]: Invalid value: \""
            + "a".repeat(254) + "\": must be no more than 63 characters"),
        argumentSet("value with blank", "x1", Operator.IN, List.of("a b"),
            "values[0][x1]: Invalid value: \"a b\": " + VALUE_RULE),
        argumentSet("value with quote", "x", Operator.EQUALS, List.of("a\"b"),
            "values[0][x]: Invalid value: \"a\\\"b\": " + VALUE_RULE));
  }

  @ParameterizedTest
  @MethodSource("invalidRequirements")
  void rejectsInvalidRequirements(String key, Operator operator, List<String> values, String message) {
    assertThatThrownBy(() -> new Requirement(key, operator, values))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessage(message);
  }

  static Stream<Arguments> matchCases() {
    return Stream.of(
        argumentSet("equals, same value", "x=a", labels("x", "a"), true),
        argumentSet("equals, other value", "x=a", labels("x", "b"), false),
        argumentSet("equals, missing label", "x=a", labels(), false),
        argumentSet("double equals, same value", "x==a", labels("x", "a"), true),
        argumentSet("double equals, missing label", "x==a", labels(), false),
        argumentSet("equals empty, empty value", "x=", labels("x", ""), true),
        argumentSet("equals empty, missing label", "x=", labels(), false),
        argumentSet("not equals, same value", "x!=a", labels("x", "a"), false),
        argumentSet("not equals, other value", "x!=a", labels("x", "b"), true),
        argumentSet("not equals, missing label", "x!=a", labels(), true),
        argumentSet("in, member", "x in (a,b)", labels("x", "b"), true),
        argumentSet("in, non-member", "x in (a,b)", labels("x", "c"), false),
        argumentSet("in, missing label", "x in (a,b)", labels(), false),
        argumentSet("in empty set, empty value", "x in ()", labels("x", ""), true),
        argumentSet("notin, member", "x notin (a,b)", labels("x", "b"), false),
        argumentSet("notin, non-member", "x notin (a,b)", labels("x", "c"), true),
        argumentSet("notin, missing label", "x notin (a,b)", labels(), true),
        argumentSet("notin empty set, empty value", "x notin ()", labels("x", ""), false),
        argumentSet("exists, present", "x", labels("x", ""), true),
        argumentSet("exists, missing", "x", labels("y", "a"), false),
        argumentSet("does not exist, present", "!x", labels("x", "a"), false),
        argumentSet("does not exist, missing", "!x", labels("y", "a"), true),
        argumentSet("greater than, greater", "x>1", labels("x", "2"), true),
        argumentSet("greater than, equal", "x>1", labels("x", "1"), false),
        argumentSet("greater than, smaller", "x>1", labels("x", "0"), false),
        argumentSet("greater than, not an integer", "x>1", labels("x", "a"), false),
        argumentSet("greater than, missing label", "x>1", labels(), false),
        argumentSet("greater than, beyond int64", "x>1", labels("x", "9223372036854775808"), false),
        argumentSet("less than, smaller", "x<1", labels("x", "0"), true),
        argumentSet("less than, negative label", "x<1", labels("x", "-5"), true),
        argumentSet("less than, equal", "x<1", labels("x", "1"), false),
        argumentSet("less than, missing label", "x<1", labels(), false),
        argumentSet("conjunction, all hold", "x=a,y!=b,!z", labels("x", "a", "y", "c"), true),
        argumentSet("conjunction, one fails", "x=a,y!=b,!z", labels("x", "a", "y", "b"), false),
        argumentSet("contradiction on one key", "x=a,x=b", labels("x", "a"), false),
        argumentSet("everything, no labels", "", labels(), true),
        argumentSet("everything, some labels", "", labels("x", "a"), true),
        argumentSet("prefixed key", "example.com/app=web", labels("example.com/app", "web", "app", "db"), true));
  }

  @ParameterizedTest
  @MethodSource("matchCases")
  void matches(String selector, Map<String, String> labels, boolean expected) {
    ObjectAttributes attributes = new ObjectAttributes("name", "ns", labels, Map.of());

    assertThat(LabelSelector.parse(selector).matches(attributes)).isEqualTo(expected);
  }

  @Test
  void everythingIsTheEmptySelector() {
    assertThat(LabelSelector.everything().isEverything()).isTrue();
    assertThat(LabelSelector.everything()).hasToString("");
    assertThat(LabelSelector.everything().requirements()).isEmpty();
    assertThat(LabelSelector.parse("  ")).isSameAs(LabelSelector.everything());
    assertThat(LabelSelector.parse("x").isEverything()).isFalse();
  }

  @Test
  void exposesSortedRequirements() {
    assertThat(LabelSelector.parse("z in (b,a),!y,x>3").requirements())
        .containsExactly(
            new Requirement("x", Operator.GREATER_THAN, List.of("3")),
            new Requirement("y", Operator.DOES_NOT_EXIST, List.of()),
            new Requirement("z", Operator.IN, List.of("a", "b")));
  }

  @Test
  void labelSelectorReadsNoFields() {
    LabelSelector selector = LabelSelector.parse("x=a");

    assertThat(selector.fieldPaths()).isEmpty();
    assertThat(selector.singleName()).isNull();
  }

  @Test
  void rejectsNull() {
    assertThatThrownBy(() -> LabelSelector.parse(null)).isInstanceOf(NullPointerException.class);
  }

  private static Map<String, String> labels(String... keysAndValues) {
    Map<String, String> map = new HashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      map.put(keysAndValues[i], keysAndValues[i + 1]);
    }
    return Map.copyOf(map);
  }
}
