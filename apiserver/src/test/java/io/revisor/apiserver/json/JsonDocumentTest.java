package io.revisor.apiserver.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class JsonDocumentTest {
  private static final JsonDocument DOCUMENT = JsonDocument.of(Json.object().put("b", 1).put("a", "x"));

  @Test
  void serializesCompactlyInFieldOrder() {
    assertThat(new String(DOCUMENT.bytes(), StandardCharsets.UTF_8)).isEqualTo("{\"b\":1,\"a\":\"x\"}");
    assertThat(DOCUMENT.contentType()).isEqualTo("application/json");
    assertThat(DOCUMENT.hash()).matches("[0-9A-F]{128}");
    assertThat(DOCUMENT.etag()).isEqualTo("\"" + DOCUMENT.hash() + "\"");
  }

  static Stream<Arguments> ifNoneMatch() {
    String etag = DOCUMENT.etag();
    return Stream.of(
        argumentSet("the tag", etag, true),
        argumentSet("in a list", "\"other\", " + etag, true),
        argumentSet("weak form", "W/" + etag, true),
        argumentSet("any", "*", true),
        argumentSet("unquoted hash", DOCUMENT.hash(), false),
        argumentSet("another tag", "\"0123\"", false),
        argumentSet("empty", "", false),
        argumentSet("absent", null, false));
  }

  @ParameterizedTest
  @MethodSource("ifNoneMatch")
  void matchesIfNoneMatch(String header, boolean matches) {
    assertThat(DOCUMENT.matches(header)).isEqualTo(matches);
  }
}
