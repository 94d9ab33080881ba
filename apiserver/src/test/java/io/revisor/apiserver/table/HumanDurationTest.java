package io.revisor.apiserver.table;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Named.named;

import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Kubernetes' {@code duration.HumanDuration}, boundary by boundary. */
class HumanDurationTest {
  static Stream<Arguments> durations() {
    return Stream.of(
        age("two seconds ahead", Duration.ofSeconds(-2), "<invalid>"),
        age("a second and a half ahead", Duration.ofMillis(-1500), "0s"),
        age("one second ahead", Duration.ofSeconds(-1), "0s"),
        age("now", Duration.ZERO, "0s"),
        age("under a second", Duration.ofMillis(999), "0s"),
        age("seconds", Duration.ofSeconds(1), "1s"),
        age("seconds up to two minutes", Duration.ofSeconds(119), "119s"),
        age("two minutes", Duration.ofSeconds(120), "2m"),
        age("minutes and seconds", Duration.ofSeconds(190), "3m10s"),
        age("just under ten minutes", Duration.ofSeconds(599), "9m59s"),
        age("ten minutes", Duration.ofMinutes(10), "10m"),
        age("seventy minutes", Duration.ofMinutes(70), "70m"),
        age("just under three hours", Duration.ofMinutes(179), "179m"),
        age("three hours", Duration.ofHours(3), "3h"),
        age("hours and minutes", Duration.ofMinutes(3 * 60 + 20), "3h20m"),
        age("eight hours", Duration.ofHours(8).plusMinutes(59), "8h"),
        age("forty-seven hours", Duration.ofHours(47).plusMinutes(59), "47h"),
        age("two days", Duration.ofHours(48), "2d"),
        age("days and hours", Duration.ofHours(49), "2d1h"),
        age("just under eight days", Duration.ofHours(8 * 24 - 1), "7d23h"),
        age("eight days", Duration.ofHours(8 * 24 + 2), "8d"),
        age("a year and a bit in days", Duration.ofDays(367), "367d"),
        age("just under two years", Duration.ofDays(729), "729d"),
        age("two years", Duration.ofDays(730), "2y"),
        age("years and days", Duration.ofHours(365 * 2 * 24 + 25), "2y1d"),
        age("eight years", Duration.ofHours(365 * 8 * 24 + 2), "8y"),
        age("beyond Go's duration range", Duration.ofDays(365L * 1000), "292y"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource
  void durations(Duration age, String expected) {
    assertThat(HumanDuration.format(age)).isEqualTo(expected);
  }

  private static Arguments age(String name, Duration age, String expected) {
    return Arguments.of(named(name, age), expected);
  }
}
