package io.revisor.apiserver.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/** Go's duration syntax as kube flags take it, plus days. */
class DurationConverterTest {
  static Stream<Arguments> valid() {
    return Stream.of(
        Arguments.of("0", Duration.ZERO),
        Arguments.of("0s", Duration.ZERO),
        Arguments.of("90s", Duration.ofSeconds(90)),
        Arguments.of("5m", Duration.ofMinutes(5)),
        Arguments.of("1h30m", Duration.ofMinutes(90)),
        Arguments.of("250ms", Duration.ofMillis(250)),
        Arguments.of("1.5h", Duration.ofMinutes(90)),
        Arguments.of(".5s", Duration.ofMillis(500)),
        Arguments.of("1us", Duration.ofNanos(1_000)),
        Arguments.of("1µs", Duration.ofNanos(1_000)),
        Arguments.of("3ns", Duration.ofNanos(3)),
        Arguments.of("30d", Duration.ofDays(30)),
        Arguments.of("1d12h", Duration.ofHours(36)),
        Arguments.of("168h", Duration.ofDays(7)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("valid")
  void parses(String text, Duration expected) {
    assertThat(new DurationConverter().convert(text)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "\"{0}\"")
  @ValueSource(strings = {"", "5", "1x", "-1s", "+1s", "1h 30m", "1w", "forever", "s", "1.2.3s", "h1",
      "99999999999999999999d", "300000d"})
  void refuses(String text) {
    assertThatThrownBy(() -> new DurationConverter().convert(text))
        .isInstanceOf(CommandLine.TypeConversionException.class)
        .hasMessageContaining("invalid duration '" + text + "'");
  }

  @Test
  void aBadFlagIsAParameterErrorNamingTheFlag() {
    assertThatThrownBy(() -> new CommandLine(new ServerOptions()).parseArgs("--request-timeout=30 days"))
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessageContaining("--request-timeout")
        .hasMessageContaining("use e.g. 90s, 5m, 1h30m, 30d");
  }
}
