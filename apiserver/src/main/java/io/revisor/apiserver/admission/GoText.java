package io.revisor.apiserver.admission;

import com.fasterxml.jackson.databind.JsonNode;
import io.revisor.apiserver.json.GoStrings;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;

/**
 * Renders values the way Go prints them in kube-apiserver messages, so that Revisor's texts match byte for byte:
 * {@code strconv.Quote} ({@code %q}), {@code %v} of a float64, and {@code encoding/json} of unstructured values
 * (keys sorted, HTML characters escaped). Stateless.
 */
final class GoText {
  private GoText() {}

  private static String hex(int value, int width) {
    String h = Integer.toHexString(value);
    return "0".repeat(Math.max(0, width - h.length())) + h;
  }

  /** Go's {@code %v} of a float64 ({@code strconv.FormatFloat(f, 'g', -1, 64)}): {@code 1.5}, {@code 1e+06}. */
  static String formatFloat(double f) {
    if (Double.isNaN(f)) {
      return "NaN";
    }
    if (Double.isInfinite(f)) {
      return f > 0 ? "+Inf" : "-Inf";
    }
    if (f == 0) {
      return 1 / f < 0 ? "-0" : "0";
    }
    Digits d = Digits.of(Math.abs(f));
    int exp = d.point - 1;
    String body = exp < -4 || exp >= 6 ? d.exponential(exp) : d.plain();
    return f < 0 ? "-" + body : body;
  }

  /** Go's {@code encoding/json} number text for a float64: plain unless below 1e-6 or from 1e21 on. */
  static String jsonFloat(double f) {
    if (Double.isNaN(f) || Double.isInfinite(f)) {
      return "null"; // encoding/json refuses these; they cannot come from parsed JSON
    }
    if (f == 0) {
      return 1 / f < 0 ? "-0" : "0";
    }
    double abs = Math.abs(f);
    Digits d = Digits.of(abs);
    String body;
    if (abs < 1e-6 || abs >= 1e21) {
      body = d.exponential(d.point - 1);
      // encoding/json shortens e-07 to e-7
      int n = body.length();
      if (n >= 4 && body.charAt(n - 4) == 'e' && body.charAt(n - 3) == '-' && body.charAt(n - 2) == '0') {
        body = body.substring(0, n - 2) + body.charAt(n - 1);
      }
    } else {
      body = d.plain();
    }
    return f < 0 ? "-" + body : body;
  }

  /** Go's {@code json.Marshal} of the unstructured form of {@code node}: object keys sorted, no spaces. */
  static String json(JsonNode node) {
    StringBuilder b = new StringBuilder();
    writeJson(b, node);
    return b.toString();
  }

  private static void writeJson(StringBuilder b, JsonNode n) {
    if (n == null || n.isNull() || n.isMissingNode()) {
      b.append("null");
    } else if (n.isBoolean()) {
      b.append(n.booleanValue());
    } else if (Json.isInteger(n)) {
      b.append(n.longValue());
    } else if (n.isNumber()) {
      b.append(jsonFloat(n.doubleValue()));
    } else if (n.isArray()) {
      b.append('[');
      for (int i = 0; i < n.size(); i++) {
        if (i > 0) {
          b.append(',');
        }
        writeJson(b, n.get(i));
      }
      b.append(']');
    } else if (n.isObject()) {
      List<String> keys = new ArrayList<>(n.size());
      for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
        keys.add(it.next());
      }
      Collections.sort(keys);
      b.append('{');
      boolean first = true;
      for (String k : keys) {
        if (!first) {
          b.append(',');
        }
        first = false;
        jsonString(b, k);
        b.append(':');
        writeJson(b, n.get(k));
      }
      b.append('}');
    } else {
      jsonString(b, n.asText());
    }
  }

  /** A JSON string as Go's encoding/json writes it (HTML-safe). */
  static String jsonString(String s) {
    StringBuilder b = new StringBuilder(s.length() + 2);
    jsonString(b, s);
    return b.toString();
  }

  private static void jsonString(StringBuilder b, String s) {
    b.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        case '<', '>', '&', '\u2028', '\u2029' -> b.append("\\u").append(hex(c, 4));
        default -> {
          if (c < 0x20) {
            b.append("\\u").append(hex(c, 4));
          } else {
            b.append(c);
          }
        }
      }
    }
    b.append('"');
  }

  /**
   * A field error's bad value as apimachinery's {@code field.Error.ErrorBody} prints it: strings quoted, numbers
   * and booleans plain, anything else (objects, arrays, null) as JSON.
   */
  static String value(Object v) {
    if (v == null) {
      return "null";
    }
    if (v instanceof Rendered r) {
      return r.text();
    }
    if (v instanceof String s) {
      return GoStrings.quote(s);
    }
    if (v instanceof Long || v instanceof Integer || v instanceof Boolean) {
      return v.toString();
    }
    if (v instanceof Double d) {
      return formatFloat(d);
    }
    if (v instanceof JsonNode n) {
      if (n.isTextual()) {
        return GoStrings.quote(n.textValue());
      }
      if (Json.isInteger(n)) {
        return Long.toString(n.longValue());
      }
      if (n.isNumber()) {
        return formatFloat(n.doubleValue());
      }
      if (n.isBoolean()) {
        return Boolean.toString(n.booleanValue());
      }
      return json(n);
    }
    return GoStrings.quote(v.toString());
  }

  /** A bad value already rendered as Go would (for example a struct marshalled in field order). */
  record Rendered(String text) {}

  /** {@code json.Marshal} of a Go struct held as an object node: keys in the node's (field) order. */
  static String jsonStruct(JsonNode object) {
    StringBuilder b = new StringBuilder("{");
    boolean first = true;
    for (Iterator<String> it = object.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (!first) {
        b.append(',');
      }
      first = false;
      jsonString(b, k);
      b.append(':');
      writeJson(b, object.get(k));
    }
    return b.append('}').toString();
  }

  /** apimachinery's aggregate error text: the message alone, or {@code [a, b]} for several. */
  static String aggregate(List<String> messages) {
    return messages.size() == 1 ? messages.get(0) : "[" + String.join(", ", messages) + "]";
  }

  /** The shortest decimal digits of a positive finite double: value = 0.digits x 10^point. */
  private record Digits(String digits, int point) {
    static Digits of(double positive) {
      BigDecimal bd = new BigDecimal(Double.toString(positive)).stripTrailingZeros();
      String digits = bd.unscaledValue().toString();
      return new Digits(digits, digits.length() - bd.scale());
    }

    String plain() {
      int nd = digits.length();
      if (point <= 0) {
        return "0." + "0".repeat(-point) + digits;
      }
      if (point >= nd) {
        return digits + "0".repeat(point - nd);
      }
      return digits.substring(0, point) + "." + digits.substring(point);
    }

    String exponential(int exp) {
      StringBuilder b = new StringBuilder().append(digits.charAt(0));
      if (digits.length() > 1) {
        b.append('.').append(digits, 1, digits.length());
      }
      int abs = Math.abs(exp);
      return b.append('e').append(exp < 0 ? '-' : '+').append(abs < 10 ? "0" : "").append(abs).toString();
    }
  }
}
