package io.revisor.apiserver.config;

import java.math.BigInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Sizes in bytes as whole-number kube quantities: a plain count ({@code 67108864}), or a count with a binary
 * ({@code Ki}, {@code Mi}, {@code Gi}, {@code Ti}) or decimal ({@code k}, {@code M}, {@code G}, {@code T}) suffix:
 * {@code 64Mi}, {@code 1Gi}, {@code 500M}. Fractions, exponents and negative sizes are refused.
 */
public final class ByteSizeConverter implements ITypeConverter<Long> {
  private static final Pattern SIZE = Pattern.compile("(\\d+)(Ki|Mi|Gi|Ti|k|M|G|T)?");

  @Override
  public Long convert(String value) {
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
  public static long parse(String value) {
    Matcher m = SIZE.matcher(value);
    if (!m.matches()) {
      throw new IllegalArgumentException("invalid size '" + value + "': use a whole number of bytes, e.g. 67108864, "
          + "64Mi, 1Gi");
    }
    BigInteger bytes = new BigInteger(m.group(1)).multiply(BigInteger.valueOf(unit(m.group(2))));
    if (bytes.bitLength() > 63) {
      throw new IllegalArgumentException("invalid size '" + value + "': too large");
    }
    return bytes.longValue();
  }

  private static long unit(String suffix) {
    if (suffix == null) {
      return 1;
    }
    return switch (suffix) {
      case "Ki" -> 1L << 10;
      case "Mi" -> 1L << 20;
      case "Gi" -> 1L << 30;
      case "Ti" -> 1L << 40;
      case "k" -> 1_000L;
      case "M" -> 1_000_000L;
      case "G" -> 1_000_000_000L;
      default -> 1_000_000_000_000L;
    };
  }
}
