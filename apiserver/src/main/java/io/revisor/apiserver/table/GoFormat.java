package io.revisor.apiserver.table;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Text the way Go's {@code fmt.Sprint} renders a value decoded from JSON, which is what a Kubernetes printer column of
 * type {@code string} shows for a value that is not a string: {@code 3}, {@code 1.5}, {@code 1e+06}, {@code true},
 * {@code [a b]}, {@code map[k:v]} (keys sorted), {@code <nil>} inside collections.
 *
 * <p>Stateless and thread-safe.
 */
final class GoFormat {
  private GoFormat() {}

  /** The text of a string column's cell: a string as is, {@code <no value>} for an explicit null. */
  static String cellText(JsonNode value) {
    if (value.isTextual()) {
      return value.textValue();
    }
    if (value.isNull()) {
      return "<no value>";
    }
    StringBuilder out = new StringBuilder();
    append(out, value);
    return out.toString();
  }

  private static void append(StringBuilder out, JsonNode value) {
    if (value.isTextual()) {
      out.append(value.textValue());
    } else if (value.isNull()) {
      out.append("<nil>");
    } else if (value.isBoolean()) {
      out.append(value.booleanValue());
    } else if (value.isIntegralNumber() && value.canConvertToLong()) {
      out.append(value.longValue());
    } else if (value.isNumber()) {
      out.append(formatFloat(value.doubleValue()));
    } else if (value.isArray()) {
      out.append('[');
      for (int i = 0; i < value.size(); i++) {
        if (i > 0) {
          out.append(' ');
        }
        append(out, value.get(i));
      }
      out.append(']');
    } else if (value.isObject()) {
      List<Map.Entry<String, JsonNode>> entries = new ArrayList<>(value.size());
      for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
        entries.add(it.next());
      }
      Collections.sort(entries, Map.Entry.comparingByKey());
      out.append("map[");
      for (int i = 0; i < entries.size(); i++) {
        if (i > 0) {
          out.append(' ');
        }
        out.append(entries.get(i).getKey()).append(':');
        append(out, entries.get(i).getValue());
      }
      out.append(']');
    } else {
      out.append(value.asText());
    }
  }

  /**
   * Go's {@code %v} for a float64: the shortest decimal that reads back as the same double, in plain form when the
   * decimal exponent is in [-4, 6), otherwise as {@code d.ddde+XX}.
   */
  static String formatFloat(double value) {
    if (Double.isNaN(value)) {
      return "NaN";
    }
    if (Double.isInfinite(value)) {
      return value > 0 ? "+Inf" : "-Inf";
    }
    if (value == 0) {
      return (1 / value < 0) ? "-0" : "0";
    }
    BigDecimal decimal = new BigDecimal(Double.toString(Math.abs(value))).stripTrailingZeros();
    String digits = decimal.unscaledValue().toString();
    int exponent = digits.length() - 1 - decimal.scale();
    StringBuilder out = new StringBuilder();
    if (value < 0) {
      out.append('-');
    }
    if (exponent < -4 || exponent >= 6) {
      out.append(digits.charAt(0));
      if (digits.length() > 1) {
        out.append('.').append(digits, 1, digits.length());
      }
      out.append('e').append(exponent < 0 ? '-' : '+');
      int abs = Math.abs(exponent);
      if (abs < 10) {
        out.append('0');
      }
      out.append(abs);
    } else if (exponent < 0) {
      out.append("0.");
      out.append("0".repeat(-exponent - 1));
      out.append(digits);
    } else if (digits.length() <= exponent + 1) {
      out.append(digits);
      out.append("0".repeat(exponent + 1 - digits.length()));
    } else {
      out.append(digits, 0, exponent + 1).append('.').append(digits, exponent + 1, digits.length());
    }
    return out.toString();
  }

  /** Go's type name of a decoded JSON value, for evaluation failure messages. */
  static String typeName(JsonNode value) {
    if (value.isObject()) {
      return "map[string]interface {}";
    }
    if (value.isArray()) {
      return "[]interface {}";
    }
    if (value.isTextual()) {
      return "string";
    }
    if (value.isBoolean()) {
      return "bool";
    }
    if (value.isIntegralNumber() && value.canConvertToLong()) {
      return "int64";
    }
    if (value.isNumber()) {
      return "float64";
    }
    return "<nil>";
  }
}
