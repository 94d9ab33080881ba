package io.revisor.apiserver.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Top-level members located in the bytes: exact offsets whatever the layout, and nothing nested matched. */
class JsonMemberTest {
  static Stream<Arguments> members() {
    return Stream.of(
        Arguments.argumentSet("first member, compact", "{\"apiVersion\":\"a/v1\",\"kind\":\"K\"}", "apiVersion",
            "\"a/v1\""),
        Arguments.argumentSet("after nested objects with a member of the same name",
            "{\"spec\":{\"apiVersion\":\"nested\",\"list\":[{\"apiVersion\":\"x\"}]},\"apiVersion\":\"a/v1\"}",
            "apiVersion", "\"a/v1\""),
        Arguments.argumentSet("pretty-printed", "{\n  \"kind\" : \"K\",\n  \"apiVersion\" : \"a/v1\" \n}\n",
            "apiVersion", "\"a/v1\""),
        Arguments.argumentSet("escapes and non-ASCII text before and inside",
            "{\"note\":\"caf\u00e9 \\\"q\\\" \\u00e9\",\"apiVersion\":\"g\\u002fv1 \u00e9\"}", "apiVersion",
            "\"g\\u002fv1 \u00e9\""),
        Arguments.argumentSet("an object value", "{\"kind\":\"K\",\"metadata\":{\"name\":\"a\",\"labels\":{\"x\":\"}\"}},"
            + "\"spec\":{}}", "metadata", "{\"name\":\"a\",\"labels\":{\"x\":\"}\"}}"),
        Arguments.argumentSet("an empty object, last", "{\"kind\":\"K\",\"metadata\":{}}", "metadata", "{}"),
        Arguments.argumentSet("an array value", "{\"items\":[1,[2],{\"a\":\"]\"}],\"kind\":\"K\"}", "items",
            "[1,[2],{\"a\":\"]\"}]"));
  }

  @ParameterizedTest
  @MethodSource("members")
  void locatesTheValue(String json, String name, String value) throws IOException {
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);

    JsonMember member = JsonMember.find(bytes, name);

    assertThat(new String(bytes, member.start(), member.end() - member.start(), StandardCharsets.UTF_8))
        .isEqualTo(value);
    assertThat(member.isString()).isEqualTo(value.startsWith("\""));
    if (member.isString()) {
      assertThat(member.text()).isEqualTo(Json.parse(value.getBytes(StandardCharsets.UTF_8)).textValue());
    }
  }

  @Test
  void replaceSplicesTheValueAndKeepsEveryOtherByte() throws IOException {
    byte[] json = "{\"apiVersion\":\"g/v1beta1\",\"kind\":\"K\",\"spec\":{\"n\":1.50,\"s\":\"\\u00e9\"}}"
        .getBytes(StandardCharsets.UTF_8);

    byte[] replaced = JsonMember.find(json, "apiVersion").replace(json, "\"g/v1\"".getBytes(StandardCharsets.UTF_8));

    assertThat(new String(replaced, StandardCharsets.UTF_8))
        .isEqualTo("{\"apiVersion\":\"g/v1\",\"kind\":\"K\",\"spec\":{\"n\":1.50,\"s\":\"\\u00e9\"}}");
  }

  @Test
  void absentMemberIsNull() throws IOException {
    assertThat(JsonMember.find("{\"spec\":{\"apiVersion\":\"x\"}}".getBytes(StandardCharsets.UTF_8), "apiVersion"))
        .isNull();
    assertThat(JsonMember.find("{}".getBytes(StandardCharsets.UTF_8), "apiVersion")).isNull();
  }

  @Test
  void refusesWhatItCannotLocate() {
    assertThatThrownBy(() -> JsonMember.find("[1]".getBytes(StandardCharsets.UTF_8), "a"))
        .isInstanceOf(IOException.class);
    assertThatThrownBy(() -> JsonMember.find("{\"a\":".getBytes(StandardCharsets.UTF_8), "a"))
        .isInstanceOf(IOException.class);
    assertThatThrownBy(() -> JsonMember.find("{\"a\":12}".getBytes(StandardCharsets.UTF_8), "a"))
        .isInstanceOf(IOException.class);
  }
}
