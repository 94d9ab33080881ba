package io.revisor.apiserver.patch;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Text exactly as the Go code of kube-apiserver writes it, where clients can see the difference: {@code %q} quoting
 * in messages, and {@code encoding/json} output (sorted object keys, HTML-safe escapes) in {@code fieldsV1} keys and
 * the {@code last-applied-configuration} annotation.
 */
final class GoText {
  private GoText() {}

  /** Compact JSON as Go's {@code encoding/json} writes a decoded value: object keys sorted, {@code <>&} escaped. */
  static String json(JsonNode node) {
    StringBuilder out = new StringBuilder();
    writeJson(node, out);
    return out.toString();
  }

  private static void writeJson(JsonNode node, StringBuilder out) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      out.append("null");
    } else if (node.isObject()) {
      List<String> keys = new ArrayList<>();
      node.fieldNames().forEachRemaining(keys::add);
      keys.sort(GoText::compareBytes);
      out.append('{');
      for (int i = 0; i < keys.size(); i++) {
        if (i > 0) {
          out.append(',');
        }
        writeString(keys.get(i), out);
        out.append(':');
        writeJson(node.get(keys.get(i)), out);
      }
      out.append('}');
    } else if (node.isArray()) {
      out.append('[');
      Iterator<JsonNode> items = node.elements();
      for (boolean first = true; items.hasNext(); first = false) {
        if (!first) {
          out.append(',');
        }
        writeJson(items.next(), out);
      }
      out.append(']');
    } else if (node.isTextual()) {
      writeString(node.textValue(), out);
    } else if (node.isBoolean()) {
      out.append(node.booleanValue());
    } else if (node.isIntegralNumber()) {
      out.append(node.bigIntegerValue());
    } else if (node.isNumber()) {
      out.append(jsonFloat(node.decimalValue()));
    } else {
      writeString(node.asText(), out);
    }
  }

  private static void writeString(String s, StringBuilder out) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        case '<', '>', '&', '\u2028', '\u2029' -> unicodeEscape(c, out);
        default -> {
          if (c < 0x20) {
            unicodeEscape(c, out);
          } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
            out.append(c).append(s.charAt(++i));
          } else if (Character.isSurrogate(c)) {
            out.append("\\ufffd");
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }

  private static void unicodeEscape(char c, StringBuilder out) {
    out.append(String.format("\\u%04x", (int) c));
  }

  /** Go's {@code encoding/json} float64 form: plain between 1e-6 and 1e21, else exponent form like {@code 1e+21}. */
  static String jsonFloat(BigDecimal value) {
    BigDecimal abs = value.abs();
    if (abs.signum() == 0
        || (abs.compareTo(new BigDecimal("1e-6")) >= 0 && abs.compareTo(new BigDecimal("1e21")) < 0)) {
      return value.stripTrailingZeros().toPlainString();
    }
    return exponentForm(value);
  }

  /** Go's {@code %v} for a float64: the shortest form, with an exponent below 1e-4 and from 1e21 on. */
  static String formatFloat(double value) {
    if (Double.isNaN(value)) {
      return "NaN";
    }
    if (Double.isInfinite(value)) {
      return value > 0 ? "+Inf" : "-Inf";
    }
    BigDecimal decimal = new BigDecimal(Double.toString(value));
    BigDecimal abs = decimal.abs();
    if (abs.signum() == 0
        || (abs.compareTo(new BigDecimal("1e-4")) >= 0 && abs.compareTo(new BigDecimal("1e21")) < 0)) {
      return decimal.stripTrailingZeros().toPlainString();
    }
    return exponentForm(decimal);
  }

  private static String exponentForm(BigDecimal value) {
    BigDecimal stripped = value.stripTrailingZeros();
    String digits = stripped.unscaledValue().abs().toString();
    int exponent = digits.length() - 1 - stripped.scale();
    StringBuilder out = new StringBuilder();
    if (stripped.signum() < 0) {
      out.append('-');
    }
    out.append(digits.charAt(0));
    if (digits.length() > 1) {
      out.append('.').append(digits, 1, digits.length());
    }
    out.append('e').append(exponent < 0 ? '-' : '+');
    int e = Math.abs(exponent);
    if (e < 10) {
      out.append('0');
    }
    return out.append(e).toString();
  }

  /** Orders strings as Go compares them: by UTF-8 bytes (code points), not by UTF-16 units. */
  static int compareBytes(String a, String b) {
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      int ca = a.codePointAt(i);
      int cb = b.codePointAt(j);
      if (ca != cb) {
        return Integer.compare(ca, cb);
      }
      i += Character.charCount(ca);
      j += Character.charCount(cb);
    }
    return Integer.compare(a.length() - i, b.length() - j);
  }

  /** The name Go's {@code encoding/json} uses for the JSON type of a value in its type errors. */
  static String jsonType(JsonNode node) {
    if (node.isObject()) {
      return "object";
    } else if (node.isArray()) {
      return "array";
    } else if (node.isTextual()) {
      return "string";
    } else if (node.isBoolean()) {
      return "bool";
    } else if (node.isNumber()) {
      return "number";
    }
    return "null";
  }

  /** The entries of an object in the order Go iterates a decoded map when it prints it (sorted keys). */
  static List<Map.Entry<String, JsonNode>> sortedFields(JsonNode object) {
    List<Map.Entry<String, JsonNode>> fields = new ArrayList<>();
    object.fields().forEachRemaining(fields::add);
    fields.sort((x, y) -> compareBytes(x.getKey(), y.getKey()));
    return fields;
  }
}
