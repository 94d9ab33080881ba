package io.revisor.apiserver.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Named.named;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Pruning: what is removed, what is reported (kube's {@code unknown field} paths), what is kept. */
class PruningTest {

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void prunesLikeKubeApiserver(Case c) {
    SchemaAdmission admission = SchemaAdmission.compile(Yaml.parse(c.schema));
    ObjectNode object = Yaml.object(c.input);

    List<String> unknown = admission.prune(object);

    assertThat(unknown).containsExactlyElementsOf(c.unknown);
    assertThat(object).isEqualTo(Yaml.object(c.output));
  }

  static Stream<Arguments> cases() {
    return Stream.of(
        prune("nested objects, reported in sorted order", """
            type: object
            properties:
              spec:
                type: object
                properties:
                  a: {type: string}
                  b:
                    type: object
                    properties:
                      c: {type: string}
            """, """
            apiVersion: example.com/v1
            kind: Widget
            metadata: {name: w}
            spec: {z: 1, a: x, b: {c: y, d: 2}}
            """, """
            apiVersion: example.com/v1
            kind: Widget
            metadata: {name: w}
            spec: {a: x, b: {c: y}}
            """, "spec.b.d", "spec.z"),
        prune("array items", """
            type: object
            properties:
              spec:
                type: object
                properties:
                  list:
                    type: array
                    items:
                      type: object
                      properties:
                        name: {type: string}
            """, """
            spec: {list: [{name: a, extra: 1}, {name: b}]}
            """, """
            spec: {list: [{name: a}, {name: b}]}
            """, "spec.list[0].extra"),
        prune("map values (additionalProperties)", """
            type: object
            properties:
              spec:
                type: object
                properties:
                  m:
                    type: object
                    additionalProperties:
                      type: object
                      properties:
                        v: {type: integer}
            """, """
            spec: {m: {k1: {v: 1, w: 2}, k2: {v: 3}}}
            """, """
            spec: {m: {k1: {v: 1}, k2: {v: 3}}}
            """, "spec.m.k1.w"),
        prune("unknown root fields; apiVersion, kind and metadata stay", """
            type: object
            properties:
              spec: {type: object}
            """, """
            apiVersion: example.com/v1
            kind: Widget
            metadata: {name: w}
            spec: {}
            extra: {a: 1}
            """, """
            apiVersion: example.com/v1
            kind: Widget
            metadata: {name: w}
            spec: {}
            """, "extra"),
        prune("an object without properties loses all its fields", """
            type: object
            properties:
              spec: {type: object}
            """, """
            spec: {a: 1, b: {c: 2}}
            """, """
            spec: {}
            """, "spec.a", "spec.b"),
        prune("root metadata keeps only ObjectMeta fields; empty optional ones go silently", """
            type: object
            properties:
              spec: {type: object}
            """, """
            metadata:
              name: w
              namespace: ''
              labels: {}
              foo: bar
              ownerReferences:
              - {apiVersion: v1, kind: ConfigMap, name: c, uid: u, color: red}
            """, """
            metadata:
              name: w
              ownerReferences:
              - {apiVersion: v1, kind: ConfigMap, name: c, uid: u}
            """, "metadata.foo", "metadata.ownerReferences[0].color"),
        prune("x-kubernetes-preserve-unknown-fields keeps everything below", """
            type: object
            properties:
              spec:
                type: object
                x-kubernetes-preserve-unknown-fields: true
            """, """
            spec: {free: {form: [1, {x: 2}]}}
            """, """
            spec: {free: {form: [1, {x: 2}]}}
            """),
        prune("x-kubernetes-preserve-unknown-fields still prunes inside specified properties", """
            type: object
            properties:
              spec:
                type: object
                x-kubernetes-preserve-unknown-fields: true
                properties:
                  known:
                    type: object
                    properties:
                      a: {type: string}
            """, """
            spec: {free: {x: 1}, known: {a: s, b: t}}
            """, """
            spec: {free: {x: 1}, known: {a: s}}
            """, "spec.known.b"),
        prune("x-kubernetes-embedded-resource keeps apiVersion, kind and metadata (coerced)", """
            type: object
            properties:
              spec:
                type: object
                properties:
                  template:
                    type: object
                    x-kubernetes-embedded-resource: true
                    properties:
                      spec:
                        type: object
                        properties:
                          replicas: {type: integer}
            """, """
            spec:
              template:
                apiVersion: v1
                kind: Pod
                metadata: {name: p, bogus: 1}
                spec: {replicas: 1, other: 2}
                extra: 3
            """, """
            spec:
              template:
                apiVersion: v1
                kind: Pod
                metadata: {name: p}
                spec: {replicas: 1}
            """, "spec.template.extra", "spec.template.spec.other", "spec.template.metadata.bogus"),
        prune("nulls of non-nullable fields without default go silently", """
            type: object
            properties:
              spec:
                type: object
                properties:
                  plain: {type: string}
                  nullable: {type: string, nullable: true}
                  defaulted: {type: string, default: d}
            """, """
            spec: {plain: null, nullable: null, defaulted: null}
            """, """
            spec: {nullable: null, defaulted: null}
            """));
  }

  record Case(String schema, String input, String output, List<String> unknown) {}

  private static Arguments prune(String name, String schema, String input, String output, String... unknown) {
    return Arguments.of(named(name, new Case(schema, input, output, List.of(unknown))));
  }
}
