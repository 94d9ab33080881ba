package io.revisor.apiserver.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Named.named;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Metadata validation on create and update, with apimachinery's messages. */
class ObjectMetaValidationTest {
  private static final String SUBDOMAIN = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric "
      + "characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex "
      + "used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
  private static final String LABEL = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters "
      + "or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used "
      + "for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
  private static final String QUALIFIED = "must consist of alphanumeric characters, '-', '_' or '.', and must start "
      + "and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for "
      + "validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";

  @ParameterizedTest(name = "{0}")
  @MethodSource("creates")
  void validatesCreate(Case c) {
    assertThat(ObjectMetaValidation.validateCreate(Yaml.parse(c.metadata), c.namespaced))
        .extracting(FieldError::line)
        .containsExactlyElementsOf(c.lines);
  }

  static Stream<Arguments> creates() {
    String longName = "a".repeat(254);
    String bigAnnotation = "x".repeat(ObjectMetaValidation.TOTAL_ANNOTATION_SIZE_LIMIT_BYTES);
    return Stream.of(
        create("a valid namespaced object", "{name: web-1, namespace: team-a, labels: {app: web}}", true),
        create("a valid cluster-scoped object", "{name: example.com}", false),
        create("no name", "{namespace: ns}", true, "metadata.name: Required value: name or generateName is required"),
        create("generateName instead of a name", "{generateName: web-, namespace: ns}", true),
        create("an invalid generateName", "{generateName: 'Web-', namespace: ns}", true,
            "metadata.generateName: Invalid value: \"Web-\": " + SUBDOMAIN),
        create("an upper-case name", "{name: Foo, namespace: ns}", true, "metadata.name: Invalid value: \"Foo\": "
            + SUBDOMAIN),
        create("a name longer than 253", "{name: " + longName + ", namespace: ns}", true,
            "metadata.name: Invalid value: \"" + longName + "\": must be no more than 253 characters"),
        create("no namespace for a namespaced kind", "{name: a}", true, "metadata.namespace: Required value"),
        create("a namespace for a cluster-scoped kind", "{name: a, namespace: ns}", false,
            "metadata.namespace: Forbidden: not allowed on this type"),
        create("a namespace with dots", "{name: a, namespace: a.b}", true,
            "metadata.namespace: Invalid value: \"a.b\": must not contain dots"),
        create("an upper-case namespace", "{name: a, namespace: Team}", true,
            "metadata.namespace: Invalid value: \"Team\": " + LABEL),
        create("a label key with a space", "{name: a, labels: {'bad key': v}}", false,
            "metadata.labels: Invalid value: \"bad key\": name part " + QUALIFIED),
        create("a label key with a bad prefix", "{name: a, labels: {'Example.com/app': v}}", false,
            "metadata.labels: Invalid value: \"Example.com/app\": prefix part " + SUBDOMAIN),
        create("a label key with two slashes", "{name: a, labels: {'a/b/c': v}}", false,
            "metadata.labels: Invalid value: \"a/b/c\": a qualified name " + QUALIFIED
                + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"),
        create("a label value too long", "{name: a, labels: {k: " + "v".repeat(64) + "}}", false,
            "metadata.labels: Invalid value: \"" + "v".repeat(64) + "\": must be no more than 63 characters"),
        create("a label value that is not a qualified name", "{name: a, labels: {k: '-v'}}", false,
            "metadata.labels: Invalid value: \"-v\": a valid label must be an empty string or consist of "
                + "alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character "
                + "(e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is "
                + "'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"),
        create("annotation keys may be upper-case", "{name: a, annotations: {'Example.com/Note': v}}", false),
        create("annotations over 256 KiB", "{name: a, annotations: {k: " + bigAnnotation + "}}", false,
            "metadata.annotations: Too long: may not be more than 262144 bytes"),
        create("a finalizer with two slashes", "{name: a, finalizers: [example.com/a/b]}", false,
            "metadata.finalizers: Invalid value: \"example.com/a/b\": a qualified name " + QUALIFIED
                + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"),
        create("a finalizer without a domain is accepted", "{name: a, finalizers: [cleanup]}", false),
        create("orphan and foregroundDeletion together", "{name: a, finalizers: [orphan, foregroundDeletion]}",
            false, "metadata.finalizers: Invalid value: [\"orphan\",\"foregroundDeletion\"]: finalizer orphan and "
                + "foregroundDeletion cannot be both set"),
        create("an owner reference without uid and version", "{name: a, ownerReferences: "
            + "[{apiVersion: apps/, kind: Deployment, name: d}]}", false,
            "metadata.ownerReferences.apiVersion: Invalid value: \"apps/\": version must not be empty",
            "metadata.ownerReferences.uid: Invalid value: \"\": uid must not be empty"),
        create("two controllers", "{name: a, ownerReferences: [{apiVersion: v1, kind: A, name: x, uid: '1', "
            + "controller: true}, {apiVersion: v1, kind: B, name: y, uid: '2', controller: true}]}", false,
            "metadata.ownerReferences: Invalid value: [{\"apiVersion\":\"v1\",\"kind\":\"A\",\"name\":\"x\",\"uid\":"
                + "\"1\",\"controller\":true},{\"apiVersion\":\"v1\",\"kind\":\"B\",\"name\":\"y\",\"uid\":\"2\","
                + "\"controller\":true}]: Only one reference can have Controller set to true. Found \"true\" in "
                + "references for A/x and B/y"),
        create("a negative generation", "{name: a, generation: -1}", false,
            "metadata.generation: Invalid value: -1: must be greater than or equal to 0"),
        create("labels of the wrong type", "{name: a, labels: [x]}", false,
            "metadata.labels: Invalid value: [\"x\"]: must be an object of strings"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("updates")
  void validatesUpdate(Case c) {
    ObjectNode old = Yaml.object("""
        name: a
        namespace: ns
        uid: 7d3c2e2a-0000-4000-8000-000000000001
        resourceVersion: '10'
        generation: 2
        creationTimestamp: '2024-01-01T00:00:00Z'
        finalizers: [example.com/keep]
        """);
    ObjectNode now = old.deepCopy();
    now.setAll(Yaml.object(c.metadata));

    assertThat(ObjectMetaValidation.validateUpdate(now, old))
        .extracting(FieldError::line)
        .containsExactlyElementsOf(c.lines);
  }

  static Stream<Arguments> updates() {
    return Stream.of(
        update("nothing changed", "{labels: {a: b}}"),
        update("renamed", "{name: b}", "metadata.name: Invalid value: \"b\": field is immutable"),
        update("moved", "{namespace: other}", "metadata.namespace: Invalid value: \"other\": field is immutable"),
        update("a new uid", "{uid: other}", "metadata.uid: Invalid value: \"other\": field is immutable"),
        update("an equal creationTimestamp in another offset", "{creationTimestamp: '2024-01-01T01:00:00+01:00'}"),
        update("another creationTimestamp", "{creationTimestamp: '2024-01-02T00:00:00Z'}",
            "metadata.creationTimestamp: Invalid value: \"2024-01-02T00:00:00Z\": field is immutable"),
        update("no resourceVersion", "{resourceVersion: ''}",
            "metadata.resourceVersion: Invalid value: \"\": must be specified for an update"),
        update("a lower generation", "{generation: 1}", "metadata.generation: Invalid value: 1: must not be decremented"),
        update("an invalid label", "{labels: {'a b': c}}", "metadata.labels: Invalid value: \"a b\": name part "
            + QUALIFIED));
  }

  @Test
  void refusesNewFinalizersOnceDeleting() {
    ObjectNode old = Yaml.object("{name: a, resourceVersion: '1', deletionTimestamp: '2024-01-01T00:00:00Z', "
        + "finalizers: [example.com/a]}");
    ObjectNode now = old.deepCopy();
    now.set("finalizers", Yaml.parse("[example.com/a, example.com/c, example.com/b]"));

    assertThat(ObjectMetaValidation.validateUpdate(now, old)).extracting(FieldError::line).containsExactly(
        "metadata.finalizers: Forbidden: no new finalizers can be added if the object is being deleted, found new "
            + "finalizers []string{\"example.com/b\", \"example.com/c\"}");
  }

  @Test
  void dnsHelpers() {
    assertThat(ObjectMetaValidation.isDns1123Subdomain("web-1.example.com")).isTrue();
    assertThat(ObjectMetaValidation.isDns1123Subdomain("Web")).isFalse();
    assertThat(ObjectMetaValidation.isDns1123Subdomain("a".repeat(254))).isFalse();
    assertThat(ObjectMetaValidation.isDns1123Label("team-a")).isTrue();
    assertThat(ObjectMetaValidation.isDns1123Label("team.a")).isFalse();
    assertThat(ObjectMetaValidation.isDns1123Label("-a")).isFalse();
  }

  record Case(String metadata, boolean namespaced, List<String> lines) {}

  private static Arguments create(String name, String metadata, boolean namespaced, String... lines) {
    return Arguments.of(named(name, new Case(metadata, namespaced, List.of(lines))));
  }

  private static Arguments update(String name, String metadata, String... lines) {
    return Arguments.of(named(name, new Case(metadata, true, List.of(lines))));
  }
}
