package io.revisor.apiserver.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;
import io.revisor.apiserver.json.GoStrings;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/** The Go behaviours messages and checks depend on: number and string printing, RE2 patterns, string formats. */
class GoCompatibilityTest {

  @ParameterizedTest(name = "%v of {0} is {1}")
  @CsvSource({"1.5, 1.5", "10, 10", "100000, 100000", "1000000, 1e+06", "1234567, 1.234567e+06", "0.0001, 0.0001",
      "0.00001, 1e-05", "-2.5, -2.5", "3e20, 3e+20"})
  void formatsFloatsAsGoPercentV(double value, String expected) {
    assertThat(GoText.formatFloat(value)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "json of {0} is {1}")
  @CsvSource({"1000000, 1000000", "1.5, 1.5", "0.0000001, 1e-7", "1e21, 1e+21", "123456789, 123456789"})
  void formatsFloatsAsEncodingJson(double value, String expected) {
    assertThat(GoText.jsonFloat(value)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "quote case {index}")
  @MethodSource("quotes")
  void quotesAsStrconvQuote(String input, String expected) {
    assertThat(GoStrings.quote(input)).isEqualTo(expected);
  }

  static Stream<Arguments> quotes() {
    return Stream.of(arguments("plain", "\"plain\""), arguments("a\"b\\c", "\"a\\\"b\\\\c\""),
        arguments("tab\tnew\n", "\"tab\\tnew\\n\""), arguments("bell\u0007", "\"bell\\a\""),
        arguments("\u0001", "\"\\x01\""), arguments("héllo ✓", "\"héllo ✓\""), arguments("\u00a0", "\"\\u00a0\""));
  }

  @ParameterizedTest(name = "json {0}")
  @CsvSource(delimiter = '|', value = {"{\"b\":1,\"a\":[true,null,\"<x>\"]}|{\"a\":[true,null,\"\\u003cx\\u003e\"],\"b\":1}",
      "{\"z\":{\"y\":1.0,\"x\":2}}|{\"z\":{\"x\":2,\"y\":1}}"})
  void marshalsJsonAsGo(String input, String expected) {
    assertThat(GoText.json(Yaml.json(input))).isEqualTo(expected);
  }

  @ParameterizedTest(name = "/{0}/ on {1} matches: {2}")
  @MethodSource("patterns")
  void matchesAsRe2(String pattern, String input, boolean matches) {
    assertThat(GoRegexp.compile(pattern).matches(input)).isEqualTo(matches);
  }

  static Stream<Arguments> patterns() {
    return Stream.of(
        arguments("^[a-z]+$", "abc", true), arguments("^[a-z]+$", "ab1", false),
        arguments("b", "abc", true), // MatchString searches
        arguments("^a$", "a\n", false), // Go's $ is the end of the text
        arguments("(?m)^a$", "a\nb", true),
        arguments("(?i)^ABC$", "abc", true), arguments("^[[:alpha:]]+$", "abC", true),
        arguments("^[[:digit:]]+$", "12a", false), arguments("^[[:^digit:]]+$", "ab", true),
        arguments("(?P<word>\\w+)-\\d", "ab-1", true), arguments("^\\s$", "\u000b", false),
        arguments("^a.c$", "a\rc", true), arguments("^a.c$", "a\nc", false), arguments("^a{2,3}$", "aaa", true),
        arguments("x{,3}", "x{,3}", true), arguments("^[]a]+$", "]a", true), arguments("^[a&&b]$", "&", true),
        arguments("\\pL", "é", true), arguments("\\p{Greek}", "λ", true), arguments("\\x41", "A", true),
        arguments("\\x{1F600}", "\uD83D\uDE00", true), arguments("\\101", "A", true),
        arguments("^\\Qa.b\\E$", "a.b", true), arguments("^\\Qa.b\\E$", "axb", false));
  }

  @ParameterizedTest(name = "/{0}/ is refused: {1}")
  @CsvSource(delimiter = '|', value = {
      "a(?!b)|error parsing regexp: invalid or unsupported Perl syntax: `(?!`",
      "(?<=a)b|error parsing regexp: invalid or unsupported Perl syntax: `(?<=`",
      "(?>a)|error parsing regexp: invalid or unsupported Perl syntax: `(?>`",
      "a++|error parsing regexp: invalid nested repetition operator: `++`",
      "a{1001}|error parsing regexp: invalid repeat count: `{1001}`",
      "\\Z|error parsing regexp: invalid escape sequence: `\\Z`",
      "(?U)a*|error parsing regexp: the ungreedy flag (?U) is not supported here: `(?U)a*`"})
  void refusesWhatRe2OrJavaCannotDo(String pattern, String message) {
    assertThatThrownBy(() -> GoRegexp.compile(pattern)).hasMessage(message);
  }

  @ParameterizedTest(name = "{0}: \"{1}\" is valid: {2}")
  @CsvSource(delimiter = '|', value = {
      "email|user@example.com|true", "email|Jane Doe <jane@example.com>|true", "email|not-an-email|false",
      "hostname|api.example.com|true", "hostname|-bad-.com|false", "hostname|localhost|true",
      "ipv4|10.0.0.1|true", "ipv4|010.0.0.1|true", "ipv4|256.0.0.1|false", "ipv4|::1|false",
      "ipv6|::1|true", "ipv6|2001:db8::8a2e:370:7334|true", "ipv6|::ffff:10.0.0.1|true", "ipv6|10.0.0.1|false",
      "ipv6|1::2::3|false", "cidr|10.0.0.0/8|true", "cidr|2001:db8::/32|true", "cidr|10.0.0.0/33|false",
      "mac|00:1a:2b:3c:4d:5e|true", "mac|001a.2b3c.4d5e|true", "mac|00:1a:2b:3c:4d|false",
      "uri|https://example.com/a?b=c|true", "uri|/relative/path|true", "uri|mailto:someone|true",
      "uri|no-scheme|false", "uri|http://exa mple.com|false", "uri|http://example.com:80x|false",
      "uuid|123E4567-E89B-12D3-A456-426614174000|true", "uuid4|123e4567-e89b-42d3-a456-426614174000|true",
      "uuid4|123e4567-e89b-12d3-a456-426614174000|false", "byte|aGVsbG8=|true", "byte|aGVsbG8|false",
      "date|2024-02-29|true", "date|2023-02-29|false", "date|2024-1-01|false",
      "date-time|2024-01-31T23:59:59.123+02:00|true", "date-time|2024-01-31 23:59:59Z|false",
      "date-time|2024-01-31T24:00:00Z|false", "duration|1h30m|true", "duration|-1.5s|true", "duration|5 minutes|true",
      "duration|3 days|true", "duration|5|false", "duration|5x|false", "quantity|500Mi|true", "quantity|1.5|true",
      "quantity|2e3|true", "quantity|1.5Gb|false", "isbn10|0-306-40615-2|true", "isbn13|978-0-306-40615-7|true",
      "isbn13|978-0-306-40615-6|false", "creditcard|4111 1111 1111 1111|true", "creditcard|4111111111111112|false",
      "ssn|123-45-6789|true", "ssn|123456789|false", "hexcolor|#fff|true", "hexcolor|#ffff|false",
      "rgbcolor|rgb(255, 0, 10)|true", "rgbcolor|rgb(256,0,0)|false", "bsonobjectid|507f1f77bcf86cd799439011|true",
      "password|anything|true"})
  void checksFormatsAsStrfmt(String format, String value, boolean valid) {
    assertThat(Formats.stringCheck(format, "string").test(value)).isEqualTo(valid);
  }

  @ParameterizedTest(name = "format {0} on a {1} schema is kept as \"{2}\"")
  @CsvSource({"date-time, string, date-time", "color, string, ''", "int32, integer, int32", "uuid, integer, ''",
      "double, number, double", "int64, number, ''", "email, object, ''", "uuid, '', uuid"})
  void keepsOnlyTheFormatsKubeSupports(String format, String type, String kept) {
    assertThat(Formats.retained(format, type)).isEqualTo(kept);
  }
}
