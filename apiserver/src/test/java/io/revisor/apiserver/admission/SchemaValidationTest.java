package io.revisor.apiserver.admission;

import static io.revisor.apiserver.admission.FieldError.DUPLICATE;
import static io.revisor.apiserver.admission.FieldError.INVALID;
import static io.revisor.apiserver.admission.FieldError.NOT_SUPPORTED;
import static io.revisor.apiserver.admission.FieldError.REQUIRED;
import static io.revisor.apiserver.admission.FieldError.TOO_LONG;
import static io.revisor.apiserver.admission.FieldError.TOO_MANY;
import static io.revisor.apiserver.admission.FieldError.TYPE_INVALID;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Named.named;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every schema keyword, with a passing and a failing value, and kube-apiserver's exact error (type, field, message).
 * The property under test is {@code spec.x}: its schema is the first column, its value the second.
 */
class SchemaValidationTest {

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void validatesLikeKubeApiserver(Case c) {
    SchemaAdmission admission = SchemaAdmission.compile(Yaml.rootWithSpec(
        "type: object\nproperties:\n  x:\n" + indent(c.schema, 4)));
    ObjectNode object = Yaml.objectWithSpec("{}");
    ((ObjectNode) object.get("spec")).set("x", Yaml.parse(c.value));

    assertThat(admission.validate(object)).containsExactlyElementsOf(c.expected);
  }

  static Stream<Arguments> cases() {
    return Stream.of(
        ok("type integer accepts an integer", "type: integer", "3"),
        ok("type integer accepts 1.0 (a float that is an integer)", "type: integer", "1.0"),
        bad("type integer refuses a string", "type: integer", "abc",
            e(TYPE_INVALID, "spec.x", "Invalid value: \"string\": spec.x in body must be of type integer: \"string\"")),
        bad("type integer refuses 1.5", "type: integer", "1.5",
            e(TYPE_INVALID, "spec.x", "Invalid value: \"number\": spec.x in body must be of type integer: \"number\"")),
        ok("type number accepts an integer", "type: number", "3"),
        bad("type string refuses a number", "type: string", "5",
            e(TYPE_INVALID, "spec.x", "Invalid value: \"integer\": spec.x in body must be of type string: \"integer\"")),
        bad("type boolean refuses a string", "type: boolean", "'yes'",
            e(TYPE_INVALID, "spec.x", "Invalid value: \"string\": spec.x in body must be of type boolean: \"string\"")),
        bad("type object refuses an array", "type: object", "[]",
            e(TYPE_INVALID, "spec.x", "Invalid value: \"array\": spec.x in body must be of type object: \"array\"")),
        bad("type array refuses an object", "type: array\nitems: {type: string}", "{}",
            e(TYPE_INVALID, "spec.x", "Invalid value: \"object\": spec.x in body must be of type array: \"object\"")),
        ok("nullable accepts null", "type: string\nnullable: true", "null"),
        bad("not nullable refuses null", "type: string", "null",
            e(TYPE_INVALID, "spec.x", "Invalid value: \"null\": spec.x in body must be of type string: \"null\"")),
        ok("required present", "type: object\nrequired: [a]\nproperties:\n  a: {type: string}", "{a: v}"),
        bad("required missing", "type: object\nrequired: [a, b]\nproperties:\n  a: {type: string}\n  b: {type: string}",
            "{b: v}", e(REQUIRED, "spec.x.a", "Required value")),
        ok("enum member", "type: string\nenum: [a, b]", "b"),
        bad("enum non-member", "type: string\nenum: [a, b]", "c",
            e(NOT_SUPPORTED, "spec.x", "Unsupported value: \"c\": supported values: \"a\", \"b\"")),
        bad("enum of integers", "type: integer\nenum: [1, 2]", "3",
            e(NOT_SUPPORTED, "spec.x", "Unsupported value: 3: supported values: \"1\", \"2\"")),
        ok("pattern matches", "type: string\npattern: '^[a-z]+$'", "abc"),
        ok("pattern searches, as Go's MatchString", "type: string\npattern: 'b'", "abc"),
        bad("pattern fails", "type: string\npattern: '^[a-z]+$'", "ABC",
            e(INVALID, "spec.x", "Invalid value: \"ABC\": spec.x in body should match '^[a-z]+$'")),
        bad("pattern: $ is the end of text, not before a final newline", "type: string\npattern: '^a$'", "\"a\\n\"",
            e(INVALID, "spec.x", "Invalid value: \"a\\n\": spec.x in body should match '^a$'")),
        ok("maxLength counts code points", "type: string\nmaxLength: 3", "héé"),
        ok("maxLength counts a supplementary character once", "type: string\nmaxLength: 2", "\"\\U0001F600\\U0001F600\""),
        bad("maxLength exceeded", "type: string\nmaxLength: 3", "abcd",
            e(TOO_LONG, "spec.x", "Too long: may not be more than 3 bytes")),
        bad("maxLength 1 exceeded", "type: string\nmaxLength: 1", "ab",
            e(TOO_LONG, "spec.x", "Too long: may not be more than 1 byte")),
        ok("minLength reached", "type: string\nminLength: 2", "ab"),
        bad("minLength not reached", "type: string\nminLength: 2", "a",
            e(INVALID, "spec.x", "Invalid value: \"a\": spec.x in body should be at least 2 chars long")),
        ok("minimum reached", "type: integer\nminimum: 1", "1"),
        bad("minimum", "type: integer\nminimum: 1", "0",
            e(INVALID, "spec.x", "Invalid value: 0: spec.x in body should be greater than or equal to 1")),
        bad("exclusiveMinimum", "type: integer\nminimum: 1\nexclusiveMinimum: true", "1",
            e(INVALID, "spec.x", "Invalid value: 1: spec.x in body should be greater than 1")),
        ok("maximum reached", "type: integer\nmaximum: 10", "10"),
        bad("maximum", "type: integer\nmaximum: 10", "11",
            e(INVALID, "spec.x", "Invalid value: 11: spec.x in body should be less than or equal to 10")),
        bad("exclusiveMaximum", "type: integer\nmaximum: 10\nexclusiveMaximum: true", "10",
            e(INVALID, "spec.x", "Invalid value: 10: spec.x in body should be less than 10")),
        bad("maximum of a number", "type: number\nmaximum: 1.5", "2.5",
            e(INVALID, "spec.x", "Invalid value: 2.5: spec.x in body should be less than or equal to 1.5")),
        bad("a float bound is truncated for an integer value, as in kube", "type: integer\nmaximum: 1.5", "2",
            e(INVALID, "spec.x", "Invalid value: 2: spec.x in body should be less than or equal to 1")),
        bad("a large bound prints as Go prints floats", "type: number\nminimum: 1000000", "0.5",
            e(INVALID, "spec.x", "Invalid value: 0.5: spec.x in body should be greater than or equal to 1e+06")),
        ok("multipleOf integer", "type: integer\nmultipleOf: 5", "15"),
        bad("multipleOf integer", "type: integer\nmultipleOf: 5", "12",
            e(INVALID, "spec.x", "Invalid value: 12: spec.x in body should be a multiple of 5")),
        ok("multipleOf fraction", "type: number\nmultipleOf: 0.5", "1.5"),
        bad("multipleOf fraction", "type: number\nmultipleOf: 0.5", "1.25",
            e(INVALID, "spec.x", "Invalid value: 1.25: spec.x in body should be a multiple of 0.5")),
        ok("minItems reached", "type: array\nitems: {type: string}\nminItems: 1", "[a]"),
        bad("minItems", "type: array\nitems: {type: string}\nminItems: 2", "[a]",
            e(INVALID, "spec.x", "Invalid value: 1: spec.x in body should have at least 2 items")),
        bad("maxItems", "type: array\nitems: {type: string}\nmaxItems: 1", "[a, b]",
            e(TOO_MANY, "spec.x", "Too many: 2: must have at most 1 item")),
        bad("items", "type: array\nitems: {type: integer}", "[1, a]",
            e(TYPE_INVALID, "spec.x[1]", "Invalid value: \"string\": spec.x[1] in body must be of type integer: \"string\"")),
        ok("minProperties reached", "type: object\nminProperties: 1\nadditionalProperties: {type: string}", "{a: b}"),
        bad("minProperties", "type: object\nminProperties: 2\nadditionalProperties: {type: string}", "{a: b}",
            e(INVALID, "spec.x", "Invalid value: 1: spec.x in body should have at least 2 properties")),
        bad("maxProperties", "type: object\nmaxProperties: 1\nadditionalProperties: {type: string}", "{a: b, c: d}",
            e(TOO_MANY, "spec.x", "Too many: 2: must have at most 1 item")),
        ok("additionalProperties schema", "type: object\nadditionalProperties: {type: integer}", "{a: 1}"),
        bad("additionalProperties schema", "type: object\nadditionalProperties: {type: integer}", "{a: 1, b: x}",
            e(TYPE_INVALID, "spec.x.b", "Invalid value: \"string\": spec.x.b in body must be of type integer: \"string\"")),
        bad("additionalProperties false", "type: object\nadditionalProperties: false", "{a: 1}",
            e(INVALID, "spec.x", "Invalid value: \"a\": spec.x.a in body is a forbidden property")),
        ok("allOf", "type: integer\nallOf:\n- minimum: 1\n- maximum: 5", "3"),
        bad("allOf", "type: integer\nallOf:\n- minimum: 1\n- maximum: 5", "7",
            e(INVALID, "spec.x", "Invalid value: 7: spec.x in body should be less than or equal to 5"),
            e(INVALID, "<nil>", "Invalid value: \"\": \"spec.x\" must validate all the schemas (allOf)")),
        ok("anyOf", "type: object\nproperties:\n  a: {type: string}\n  b: {type: string}\n"
            + "anyOf:\n- required: [a]\n- required: [b]", "{b: v}"),
        bad("anyOf", "type: object\nproperties:\n  a: {type: string}\n  b: {type: string}\n"
            + "anyOf:\n- required: [a]\n- required: [b]", "{}",
            e(INVALID, "<nil>", "Invalid value: \"\": \"spec.x\" must validate at least one schema (anyOf)"),
            e(REQUIRED, "spec.x.a", "Required value")),
        ok("oneOf", "type: integer\noneOf:\n- minimum: 5\n- maximum: 2", "7"),
        bad("oneOf with two matches", "type: integer\noneOf:\n- minimum: 5\n- maximum: 10", "7",
            e(INVALID, "<nil>",
                "Invalid value: \"\": \"spec.x\" must validate one and only one schema (oneOf). Found 2 valid alternatives")),
        bad("oneOf with no match", "type: integer\noneOf:\n- minimum: 5\n- maximum: 2", "3",
            e(INVALID, "<nil>", "Invalid value: \"\": \"spec.x\" must validate one and only one schema (oneOf). Found none valid"),
            e(INVALID, "spec.x", "Invalid value: 3: spec.x in body should be greater than or equal to 5")),
        ok("not", "type: string\nnot:\n  enum: [forbidden]", "fine"),
        bad("not", "type: string\nnot:\n  enum: [forbidden]", "forbidden",
            e(INVALID, "<nil>", "Invalid value: \"\": \"spec.x\" must not validate the schema (not)")),
        ok("int-or-string takes an integer", "x-kubernetes-int-or-string: true", "5"),
        ok("int-or-string takes a string", "x-kubernetes-int-or-string: true", "50%"),
        ok("int-or-string with its anyOf", "x-kubernetes-int-or-string: true\nanyOf:\n- type: integer\n- type: string",
            "5"),
        bad("int-or-string refuses a float", "x-kubernetes-int-or-string: true", "1.5",
            e(TYPE_INVALID, "spec.x",
                "Invalid value: \"number\": spec.x in body must be of type integer,string: \"number\"")),
        ok("format uuid", "type: string\nformat: uuid", "123e4567-e89b-12d3-a456-426614174000"),
        bad("format uuid", "type: string\nformat: uuid", "abc",
            e(TYPE_INVALID, "spec.x", "Invalid value: \"abc\": spec.x in body must be of type uuid: \"abc\"")),
        ok("format date-time", "type: string\nformat: date-time", "2024-01-31T10:00:00Z"),
        bad("format date-time", "type: string\nformat: date-time", "2024-02-30T10:00:00Z",
            e(TYPE_INVALID, "spec.x", "Invalid value: \"2024-02-30T10:00:00Z\": spec.x in body must be of type "
                + "date-time: \"2024-02-30T10:00:00Z\"")),
        ok("an unknown format is ignored", "type: string\nformat: colour", "not checked"),
        ok("format int32 on an integer only affects the type", "type: integer\nformat: int32", "5000000000"),
        bad("format int32 and a float", "type: integer\nformat: int32", "1.5",
            e(TYPE_INVALID, "spec.x", "Invalid value: \"float64\": spec.x in body must be of type int32: \"float64\"")),
        ok("list-type set with unique items", "type: array\nitems: {type: string}\nx-kubernetes-list-type: set", "[a, b]"),
        bad("list-type set reports each duplicate once", "type: array\nitems: {type: string}\nx-kubernetes-list-type: set",
            "[a, b, a, a]", e(DUPLICATE, "spec.x[2]", "Duplicate value: \"a\"")),
        ok("list-type map with unique keys", LIST_MAP, "[{name: a}, {name: b, port: 1}]"),
        bad("list-type map duplicate key", LIST_MAP, "[{name: a}, {name: b}, {name: a, port: 1}]",
            e(DUPLICATE, "spec.x[2]", "Duplicate value: {\"name\":\"a\"}")),
        bad("list-type map keys are required", LIST_MAP, "[{port: 1}]", e(REQUIRED, "spec.x[0].name", "Required value")),
        bad("list-type map with two keys", "type: array\nx-kubernetes-list-type: map\n"
            + "x-kubernetes-list-map-keys: [name, port]\nitems:\n  type: object\n  required: [name, port]\n"
            + "  properties:\n    name: {type: string}\n    port: {type: integer}",
            "[{name: a, port: 80}, {name: a, port: 81}, {port: 80, name: a}]",
            e(DUPLICATE, "spec.x[2]", "Duplicate value: {\"name\":\"a\",\"port\":80}")),
        ok("preserve-unknown-fields accepts anything", "type: object\nx-kubernetes-preserve-unknown-fields: true",
            "{any: {thing: [1, two]}}"),
        ok("x-kubernetes-validations are not evaluated", "type: string\nx-kubernetes-validations:\n"
            + "- rule: self.size() > 100", "short"),
        bad("an embedded resource needs apiVersion and kind", EMBEDDED, "{kind: Pod}",
            e(REQUIRED, "spec.x.apiVersion", "Required value")),
        bad("an embedded resource's metadata", EMBEDDED, "{apiVersion: v1, kind: Pod, metadata: {name: a/b}}",
            e(INVALID, "spec.x.metadata.name", "Invalid value: \"a/b\": may not contain '/'")),
        bad("an embedded resource's kind", EMBEDDED, "{apiVersion: v1, kind: 'Pod_1'}",
            e(INVALID, "spec.x.kind", "Invalid value: \"Pod_1\": may have mixed case, but should otherwise match: "
                + "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an "
                + "alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', "
                + "regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')")));
  }

  private static final String LIST_MAP = "type: array\nx-kubernetes-list-type: map\nx-kubernetes-list-map-keys: [name]\n"
      + "items:\n  type: object\n  required: [name]\n  properties:\n    name: {type: string}\n    port: {type: integer}";
  private static final String EMBEDDED = "type: object\nx-kubernetes-embedded-resource: true\n"
      + "x-kubernetes-preserve-unknown-fields: true";

  record Case(String schema, String value, List<FieldError> expected) {}

  private static Arguments ok(String name, String schema, String value) {
    return Arguments.of(named(name, new Case(schema, value, List.of())));
  }

  private static Arguments bad(String name, String schema, String value, FieldError... expected) {
    return Arguments.of(named(name, new Case(schema, value, List.of(expected))));
  }

  static FieldError e(String type, String field, String message) {
    return new FieldError(type, field, message);
  }

  static String indent(String yaml, int spaces) {
    String pad = " ".repeat(spaces);
    return pad + yaml.replace("\n", "\n" + pad) + "\n";
  }
}
