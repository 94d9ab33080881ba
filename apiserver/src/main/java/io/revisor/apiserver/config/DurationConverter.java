package io.revisor.apiserver.config;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Durations in Go's short form as kube flags take them ({@code 90s}, {@code 5m}, {@code 1h30m}, {@code 250ms},
 * {@code 1.5h}; units {@code ns}, {@code us}, {@code µs}, {@code ms}, {@code s}, {@code m}, {@code h}), plus days:
 * {@code 30d}, {@code 1d12h}. A bare {@code 0} is zero. Negative durations are refused.
 */
public final class DurationConverter implements ITypeConverter<Duration> {
  private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d*)?|\\.\\d+)(ns|us|µs|ms|s|m|h|d)");
  private static final BigDecimal MAX_NANOS = BigDecimal.valueOf(Long.MAX_VALUE);

  @Override
  public Duration convert(String value) {
    try {
      return parse(value);
    } catch (IllegalArgumentException e) {
      throw new TypeConversionException(e.getMessage());
    }
  }

  /**
   * Parses {@code value}.
   *
   * @throws IllegalArgumentException naming the value and the accepted form
   */
  public static Duration parse(String value) {
    if (value.equals("0")) {
      return Duration.ZERO;
    }
    Matcher m = PART.matcher(value);
    BigDecimal nanos = BigDecimal.ZERO;
    int end = 0;
    while (end < value.length() && m.find(end) && m.start() == end) {
      nanos = nanos.add(new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(unitNanos(m.group(2)))));
      end = m.end();
    }
    if (end != value.length() || value.isEmpty()) {
      throw new IllegalArgumentException("invalid duration '" + value + "': use e.g. 90s, 5m, 1h30m, 30d");
    }
    if (nanos.compareTo(MAX_NANOS) > 0) {
      throw new IllegalArgumentException("invalid duration '" + value + "': longer than 292 years");
    }
    return Duration.ofNanos(nanos.longValue());
  }

  private static long unitNanos(String unit) {
    return switch (unit) {
      case "ns" -> 1L;
      case "us", "µs" -> 1_000L;
      case "ms" -> 1_000_000L;
      case "s" -> 1_000_000_000L;
      case "m" -> 60_000_000_000L;
      case "h" -> 3_600_000_000_000L;
      default -> 86_400_000_000_000L;
    };
  }
}
