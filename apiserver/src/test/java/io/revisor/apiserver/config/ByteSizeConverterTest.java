package io.revisor.apiserver.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/** Byte sizes as whole-number kube quantities. */
class ByteSizeConverterTest {
  static Stream<Arguments> valid() {
    return Stream.of(
        Arguments.of("0", 0L),
        Arguments.of("67108864", 64L << 20),
        Arguments.of("512Ki", 512L << 10),
        Arguments.of("64Mi", 64L << 20),
        Arguments.of("1Gi", 1L << 30),
        Arguments.of("2Ti", 2L << 40),
        Arguments.of("100k", 100_000L),
        Arguments.of("500M", 500_000_000L),
        Arguments.of("1G", 1_000_000_000L),
        Arguments.of("3T", 3_000_000_000_000L));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("valid")
  void parses(String text, long expected) {
    assertThat(new ByteSizeConverter().convert(text)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "\"{0}\"")
  @ValueSource(strings = {"", "-1", "1.5Gi", "1e6", "64MB", "64mi", "Mi", " 64Mi", "9999999999Ti"})
  void refuses(String text) {
    assertThatThrownBy(() -> new ByteSizeConverter().convert(text))
        .isInstanceOf(CommandLine.TypeConversionException.class)
        .hasMessageContaining("invalid size '" + text + "'");
  }

  @Test
  void tableCacheSizeDefaultsTo64MiB() {
    ServerOptions options = new ServerOptions();
    new CommandLine(options).parseArgs();
    assertThat(options.tableCacheSize).isEqualTo(64L << 20);
    new CommandLine(options).parseArgs("--table-cache-size=0");
    assertThat(options.tableCacheSize).isZero();
  }
}
