package io.revisor.apiserver.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Named.named;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Schemas kube-apiserver refuses in a CustomResourceDefinition, with the field each error names. */
class SchemaCompileTest {

  @ParameterizedTest(name = "{0}")
  @MethodSource("rejected")
  void refusesWhatKubeRefuses(Case c) {
    assertThatThrownBy(() -> SchemaAdmission.compile(Yaml.parse(c.schema)))
        .isInstanceOfSatisfying(InvalidSchemaException.class, e -> {
          assertThat(e.errors()).extracting(FieldError::line).containsExactlyElementsOf(c.lines);
          assertThat(e.getMessage()).isEqualTo(c.lines.size() == 1 ? c.lines.get(0)
              : "[" + String.join(", ", c.lines) + "]");
        });
  }

  static Stream<Arguments> rejected() {
    return Stream.of(
        reject("a property without type", spec("""
            type: object
            properties:
              size: {minimum: 1}
            """), "openAPIV3Schema.properties[spec].properties[size].type: Required value: must not be empty for "
            + "specified object fields"),
        reject("no type at the root", """
            properties:
              spec: {type: object}
            """, "openAPIV3Schema.type: Required value: must not be empty at the root"),
        reject("a root that is not an object", "type: array\nitems: {type: string}",
            "openAPIV3Schema.type: Invalid value: \"array\": must be object at the root"),
        reject("an array without items", spec("type: array"),
            "openAPIV3Schema.properties[spec].items: Required value: must be specified"),
        reject("items without type", spec("type: array\nitems: {maxLength: 3}"),
            "openAPIV3Schema.properties[spec].items.type: Required value: must not be empty for specified array items"),
        reject("an unknown type", spec("type: date"),
            "openAPIV3Schema.properties[spec].type: Unsupported value: \"date\": supported values: \"array\", "
                + "\"boolean\", \"integer\", \"number\", \"object\", \"string\""),
        reject("lookahead, which RE2 does not have", spec("type: string\npattern: '(?=a)b'"),
            "openAPIV3Schema.properties[spec].pattern: Invalid value: \"(?=a)b\": must be a valid regular expression, "
                + "but isn't: error parsing regexp: invalid or unsupported Perl syntax: `(?=`"),
        reject("a backreference", spec("type: string\npattern: '(a)\\1'"),
            "openAPIV3Schema.properties[spec].pattern: Invalid value: \"(a)\\\\1\": must be a valid regular "
                + "expression, but isn't: error parsing regexp: invalid escape sequence: `\\1`"),
        reject("a possessive quantifier", spec("type: string\npattern: 'a*+'"),
            "openAPIV3Schema.properties[spec].pattern: Invalid value: \"a*+\": must be a valid regular expression, "
                + "but isn't: error parsing regexp: invalid nested repetition operator: `*+`"),
        reject("a default of the wrong type", spec("""
            type: object
            properties:
              size: {type: integer, default: big}
            """), "openAPIV3Schema.properties[spec].properties[size].default: Invalid value: \"string\":  in body "
            + "must be of type integer: \"string\""),
        reject("a default that breaks its own constraints", spec("""
            type: object
            properties:
              size: {type: integer, maximum: 5, default: 9}
            """), "openAPIV3Schema.properties[spec].properties[size].default: Invalid value: 9:  in body should be "
            + "less than or equal to 5"),
        reject("a default with fields the schema would prune", spec("""
            type: object
            properties:
              ref:
                type: object
                default: {name: a, kind: b}
                properties:
                  name: {type: string}
            """), "openAPIV3Schema.properties[spec].properties[ref].default: Invalid value: {\"kind\":\"b\",\"name\":"
            + "\"a\"}: must not have unknown fields"),
        reject("a default in top-level metadata", """
            type: object
            properties:
              metadata: {type: object, default: {}}
            """, "openAPIV3Schema.properties[metadata].default: Forbidden: must not be set in top-level metadata"),
        reject("metadata restricted beyond name and generateName", """
            type: object
            properties:
              metadata:
                type: object
                properties:
                  labels: {type: object}
            """, "openAPIV3Schema.properties[metadata]: Forbidden: must not specify anything other than name and "
            + "generateName, but metadata is implicitly specified"),
        reject("uniqueItems", spec("type: array\nitems: {type: string}\nuniqueItems: true"),
            "openAPIV3Schema.properties[spec].uniqueItems: Forbidden: uniqueItems cannot be set to true since the "
                + "runtime complexity becomes quadratic"),
        reject("properties and additionalProperties together", spec("""
            type: object
            properties:
              a: {type: string}
            additionalProperties: {type: string}
            """), "openAPIV3Schema.properties[spec].additionalProperties: Forbidden: additionalProperties and "
            + "properties are mutual exclusive"),
        reject("$ref", spec("type: object\n$ref: '#/definitions/x'"),
            "openAPIV3Schema.properties[spec].$ref: Forbidden: $ref is not supported"),
        reject("an unknown keyword", spec("type: string\nmaxlength: 3"),
            "openAPIV3Schema.properties[spec].maxlength: Forbidden: unknown schema keyword"),
        reject("a keyword of the wrong JSON type", spec("type: string\nmaxLength: three"),
            "openAPIV3Schema.properties[spec].maxLength: Invalid value: \"three\": must be an integer"),
        reject("a type inside anyOf", spec("type: string\nanyOf:\n- type: string\n  minLength: 1"),
            "openAPIV3Schema.properties[spec].anyOf[0].type: Forbidden: must be empty to be structural"),
        reject("a property only specified in a value validation", spec("""
            type: object
            properties:
              a: {type: string}
            anyOf:
            - required: [a]
            - properties:
                c: {minLength: 1}
            """), "openAPIV3Schema.properties[spec].properties[c]: Required value: because it is defined in "
            + "openAPIV3Schema.properties[spec].anyOf[1].properties[c]"),
        reject("a list-type map without keys", spec("""
            type: array
            x-kubernetes-list-type: map
            items:
              type: object
              properties:
                name: {type: string}
            """), "openAPIV3Schema.properties[spec].x-kubernetes-list-map-keys: Required value: must not be empty if "
            + "x-kubernetes-list-type is map"),
        reject("a list-map key that is neither required nor defaulted", spec("""
            type: array
            x-kubernetes-list-type: map
            x-kubernetes-list-map-keys: [name]
            items:
              type: object
              properties:
                name: {type: string}
            """), "openAPIV3Schema.properties[spec].items.properties[name].default: Required value: this property is "
            + "in x-kubernetes-list-map-keys, so it must have a default or be a required property"),
        reject("a list type on an object", spec("type: object\nx-kubernetes-list-type: set"),
            "openAPIV3Schema.properties[spec].type: Invalid value: \"object\": must be array if "
                + "x-kubernetes-list-type is specified"),
        reject("an embedded resource with nothing specified", spec("""
            type: object
            properties:
              template: {type: object, x-kubernetes-embedded-resource: true}
            """), "openAPIV3Schema.properties[spec].properties[template].properties: Required value: must not be "
            + "empty if x-kubernetes-embedded-resource is true without x-kubernetes-preserve-unknown-fields"),
        reject("several problems are aggregated", spec("""
            type: object
            properties:
              a: {}
              b: {type: array}
            """), "openAPIV3Schema.properties[spec].properties[a].type: Required value: must not be empty for "
                + "specified object fields",
            "openAPIV3Schema.properties[spec].properties[b].items: Required value: must be specified"));
  }

  @Test
  void acceptsCelRulesWithoutEvaluatingThem() {
    SchemaAdmission admission = SchemaAdmission.compile(Yaml.parse(spec("""
        type: object
        x-kubernetes-validations:
        - rule: self.minReplicas <= self.maxReplicas
          message: min must not exceed max
        properties:
          minReplicas: {type: integer}
          maxReplicas: {type: integer}
        """)));

    assertThat(admission.validate(Yaml.object("spec: {minReplicas: 5, maxReplicas: 1}"))).isEmpty();
  }

  @Test
  void acceptsIntOrStringAndPreserveUnknownFieldsWithoutType() {
    SchemaAdmission admission = SchemaAdmission.compile(Yaml.parse(spec("""
        type: object
        properties:
          port:
            x-kubernetes-int-or-string: true
            anyOf:
            - type: integer
            - type: string
          raw:
            x-kubernetes-preserve-unknown-fields: true
        """)));

    assertThat(admission.validate(Yaml.object("spec: {port: http, raw: [1, {a: b}]}"))).isEmpty();
  }

  @Test
  void compiledSchemaIsSharedSafelyAcrossThreads() throws InterruptedException {
    SchemaAdmission admission = SchemaAdmission.compile(Yaml.parse(spec("""
        type: object
        properties:
          name: {type: string, pattern: '^[a-z]+$'}
        """)));
    List<Thread> threads = new java.util.ArrayList<>();
    java.util.concurrent.atomic.AtomicInteger failures = new java.util.concurrent.atomic.AtomicInteger();
    for (int t = 0; t < 4; t++) {
      Thread thread = new Thread(() -> {
        for (int i = 0; i < 500; i++) {
          boolean valid = admission.validate(Yaml.object("spec: {name: abc}")).isEmpty();
          boolean invalid = admission.validate(Yaml.object("spec: {name: ABC}")).size() == 1;
          if (!valid || !invalid) {
            failures.incrementAndGet();
          }
        }
      });
      threads.add(thread);
      thread.start();
    }
    for (Thread thread : threads) {
      thread.join();
    }
    assertThat(failures).hasValue(0);
  }

  /** A root schema whose {@code spec} property has the given schema. */
  private static String spec(String specSchema) {
    return "type: object\nproperties:\n  spec:\n" + SchemaValidationTest.indent(specSchema.strip(), 4);
  }

  record Case(String schema, List<String> lines) {}

  private static Arguments reject(String name, String schema, String... lines) {
    return Arguments.of(named(name, new Case(schema, List.of(lines))));
  }
}
