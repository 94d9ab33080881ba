package io.revisor.apiserver.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Named.named;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Defaulting: where defaults apply, and where they do not. */
class DefaultingTest {
  private static final String SIZE = """
      type: object
      properties:
        spec:
          type: object
          properties:
            size: {type: integer, default: 3}
            name: {type: string}
      """;

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void defaultsLikeKubeApiserver(Case c) {
    SchemaAdmission admission = SchemaAdmission.compile(Yaml.parse(c.schema));
    ObjectNode object = Yaml.object(c.input);

    admission.applyDefaults(object);

    assertThat(object).isEqualTo(Yaml.object(c.output));
  }

  static Stream<Arguments> cases() {
    return Stream.of(
        defaults("an absent property", SIZE, "spec: {name: n}", "spec: {name: n, size: 3}"),
        defaults("a present value is kept", SIZE, "spec: {size: 7}", "spec: {size: 7}"),
        defaults("nothing when the parent is absent", SIZE, "kind: Widget", "kind: Widget"),
        defaults("a defaulted parent gets its children's defaults", """
            type: object
            properties:
              spec:
                type: object
                default: {}
                properties:
                  size: {type: integer, default: 3}
            """, "kind: Widget", "kind: Widget\nspec: {size: 3}"),
        defaults("a null that is not nullable gets the default", SIZE, "spec: {size: null}", "spec: {size: 3}"),
        defaults("a nullable null stays null", """
            type: object
            properties:
              spec:
                type: object
                properties:
                  size: {type: integer, default: 3, nullable: true}
            """, "spec: {size: null}", "spec: {size: null}"),
        defaults("inside array items", """
            type: object
            properties:
              spec:
                type: object
                properties:
                  ports:
                    type: array
                    items:
                      type: object
                      properties:
                        port: {type: integer, default: 80}
                        name: {type: string}
            """, "spec: {ports: [{name: a}, {name: b, port: 8080}]}",
            "spec: {ports: [{name: a, port: 80}, {name: b, port: 8080}]}"),
        defaults("a null item gets the items' default", """
            type: object
            properties:
              spec:
                type: object
                properties:
                  tags:
                    type: array
                    items: {type: string, default: none}
            """, "spec: {tags: [a, null]}", "spec: {tags: [a, none]}"),
        defaults("inside map values", """
            type: object
            properties:
              spec:
                type: object
                properties:
                  features:
                    type: object
                    additionalProperties:
                      type: object
                      properties:
                        enabled: {type: boolean, default: true}
            """, "spec: {features: {a: {}, b: {enabled: false}}}",
            "spec: {features: {a: {enabled: true}, b: {enabled: false}}}"));
  }

  @Test
  void defaultsAreCopiesNotShared() {
    SchemaAdmission admission = SchemaAdmission.compile(Yaml.parse("""
        type: object
        properties:
          spec:
            type: object
            properties:
              selector:
                type: object
                default: {app: web}
                additionalProperties: {type: string}
        """));
    ObjectNode first = Yaml.object("spec: {}");
    ObjectNode second = Yaml.object("spec: {}");

    admission.applyDefaults(first);
    ((ObjectNode) first.at("/spec/selector")).put("app", "changed");
    admission.applyDefaults(second);

    assertThat(second).isEqualTo(Yaml.object("spec: {selector: {app: web}}"));
  }

  @Test
  void pruneThenDefaultThenValidate() {
    SchemaAdmission admission = SchemaAdmission.compile(Yaml.parse("""
        type: object
        properties:
          spec:
            type: object
            required: [size]
            properties:
              size: {type: integer, default: 3, maximum: 5}
        """));
    ObjectNode object = Yaml.object("apiVersion: example.com/v1\nkind: Widget\nspec: {size: null, junk: 1}");

    assertThat(admission.prune(object)).containsExactly("spec.junk");
    admission.applyDefaults(object);

    assertThat(object.get("spec")).isEqualTo(Yaml.parse("{size: 3}"));
    assertThat(admission.validate(object)).isEmpty();
  }

  record Case(String schema, String input, String output) {}

  private static Arguments defaults(String name, String schema, String input, String output) {
    return Arguments.of(named(name, new Case(schema, input, output)));
  }
}
