package io.revisor.apiserver.patch;

import static io.revisor.apiserver.patch.TestJson.bytes;
import static io.revisor.apiserver.patch.TestJson.json;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.InstanceOfAssertFactories.type;
import static org.junit.jupiter.api.Named.named;

import io.revisor.apiserver.patch.PatchException.Cause;
import io.revisor.apiserver.patch.PatchException.Kind;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The {@code fieldManager} parameter and the decoding of apply bodies. */
class RequestChecksTest {
  static Stream<Arguments> invalidFieldManagers() {
    String long129 = "m".repeat(129);
    return Stream.of(
        Arguments.of(named("missing for apply", ""), true,
            "PatchOptions.meta.k8s.io \"\" is invalid: fieldManager: Required value: is required for apply patch",
            List.of(new Cause("FieldValueRequired", "Required value: is required for apply patch", "fieldManager"))),
        Arguments.of(named("longer than 128 bytes", long129), false,
            "PatchOptions.meta.k8s.io \"\" is invalid: fieldManager: Too long: may not be more than 128 bytes",
            List.of(new Cause("FieldValueTooLong", "Too long: may not be more than 128 bytes", "fieldManager"))),
        Arguments.of(named("unprintable character", "a\tb"), false,
            "PatchOptions.meta.k8s.io \"\" is invalid: fieldManager: Invalid value: \"a\\tb\": "
                + "invalid character U+0009 (at position 1)",
            List.of(new Cause("FieldValueInvalid", "Invalid value: \"a\\tb\": invalid character U+0009 (at position 1)",
                "fieldManager"))));
  }

  @ParameterizedTest
  @MethodSource
  void invalidFieldManagers(String fieldManager, boolean apply, String message, List<Cause> causes) {
    assertThatThrownBy(() -> FieldManager.validateFieldManager(fieldManager, "PatchOptions", apply))
        .asInstanceOf(type(PatchException.class))
        .satisfies(e -> {
          assertThat(e.kind()).isEqualTo(Kind.INVALID);
          assertThat(e.kind().code()).isEqualTo(422);
          assertThat(e.getMessage()).isEqualTo(message);
          assertThat(e.causes()).isEqualTo(causes);
          assertThat(e.detailsGroup()).isEqualTo("meta.k8s.io");
          assertThat(e.detailsKind()).isEqualTo("PatchOptions");
        });
  }

  @Test
  void severalErrorsAreListed() {
    assertThatThrownBy(() -> FieldManager.validateFieldManager("\u0001".repeat(129), "UpdateOptions", false))
        .asInstanceOf(type(PatchException.class))
        .satisfies(e -> {
          assertThat(e.getMessage()).startsWith("UpdateOptions.meta.k8s.io \"\" is invalid: [fieldManager: Too long:"
              + " may not be more than 128 bytes, fieldManager: Invalid value: \"\\x01");
          assertThat(e.causes()).hasSize(130);
        });
  }

  @Test
  void validFieldManagers() {
    assertThatCode(() -> FieldManager.validateFieldManager("kubectl", "PatchOptions", true)).doesNotThrowAnyException();
    assertThatCode(() -> FieldManager.validateFieldManager("", "CreateOptions", false)).doesNotThrowAnyException();
    assertThatCode(() -> FieldManager.validateFieldManager("m".repeat(128), "PatchOptions", true))
        .doesNotThrowAnyException();
  }

  @Test
  void managerFromUserAgent() {
    assertThat(FieldManager.managerOrUserAgent("mine", "kubectl/v1.32.0")).isEqualTo("mine");
    assertThat(FieldManager.managerOrUserAgent("", "kubectl/v1.32.0 (linux/amd64) kubernetes/abc"))
        .isEqualTo("kubectl");
    assertThat(FieldManager.managerOrUserAgent(null, "my\ttool")).isEqualTo("mytool");
    assertThat(FieldManager.managerOrUserAgent(null, "x".repeat(200))).hasSize(128);
  }

  static Stream<Arguments> decodesApplyBodies() {
    return Stream.of(
        Arguments.of(named("JSON", "{'apiVersion':'v1','kind':'K','spec':{'a':[1,2]}}"),
            "{'apiVersion':'v1','kind':'K','spec':{'a':[1,2]}}"),
        Arguments.of(named("YAML", "apiVersion: v1\nkind: K\nspec:\n  a:\n  - 1\n  - 2\n  b: text\n"),
            "{'apiVersion':'v1','kind':'K','spec':{'a':[1,2],'b':'text'}}"),
        Arguments.of(named("empty body", ""), "{}"),
        Arguments.of(named("null", "null"), "{}"));
  }

  @ParameterizedTest
  @MethodSource
  void decodesApplyBodies(String body, String expected) {
    assertThat(Patches.decodeApplyConfiguration(bytes(body))).isEqualTo(json(expected));
  }

  @Test
  void applyBodiesMustBeMappings() {
    assertThatThrownBy(() -> Patches.decodeApplyConfiguration("- a\n- b\n".getBytes(UTF_8)))
        .asInstanceOf(type(PatchException.class))
        .satisfies(e -> {
          assertThat(e.kind()).isEqualTo(Kind.BAD_REQUEST);
          assertThat(e.getMessage()).isEqualTo("error decoding YAML: error unmarshaling JSON: while decoding JSON: "
              + "json: cannot unmarshal array into Go value of type map[string]interface {}");
        });
    assertThatThrownBy(() -> Patches.decodeApplyConfiguration("a: [b".getBytes(UTF_8)))
        .asInstanceOf(type(PatchException.class))
        .satisfies(e -> assertThat(e.getMessage()).startsWith("error decoding YAML: error converting YAML to JSON: "));
  }
}
