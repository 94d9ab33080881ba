package io.revisor.apiserver.admission;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/**
 * How kube-apiserver sees a decoded JSON value: a number is an int64 when its text parses as one, a float64
 * otherwise ({@code 5.0} and {@code 1e3} are floats, as Jackson also reads them). Stateless.
 */
final class Json {
  private Json() {}

  /** True for a JSON number that Go decodes to int64. */
  static boolean isInteger(JsonNode n) {
    return n.isIntegralNumber() && n.canConvertToLong();
  }

  /** The JSON Schema type name of a value, as kube-openapi infers it from the decoded Go value. */
  static String typeName(JsonNode n) {
    if (n.isTextual()) {
      return "string";
    }
    if (n.isBoolean()) {
      return "boolean";
    }
    if (isInteger(n)) {
      return "integer";
    }
    if (n.isNumber()) {
      return "number";
    }
    if (n.isArray()) {
      return "array";
    }
    if (n.isObject()) {
      return "object";
    }
    return "null";
  }

  /**
   * Go's {@code reflect.DeepEqual} on decoded JSON: an int64 never equals a float64, objects compare by key set.
   */
  static boolean deepEqual(JsonNode a, JsonNode b) {
    if (a.isNull() || b.isNull()) {
      return a.isNull() && b.isNull();
    }
    if (a.isNumber() || b.isNumber()) {
      if (!a.isNumber() || !b.isNumber() || isInteger(a) != isInteger(b)) {
        return false;
      }
      return isInteger(a) ? a.longValue() == b.longValue() : a.doubleValue() == b.doubleValue();
    }
    if (a.isTextual() || b.isTextual()) {
      return a.isTextual() && b.isTextual() && a.textValue().equals(b.textValue());
    }
    if (a.isBoolean() || b.isBoolean()) {
      return a.isBoolean() && b.isBoolean() && a.booleanValue() == b.booleanValue();
    }
    if (a.isArray() && b.isArray()) {
      if (a.size() != b.size()) {
        return false;
      }
      for (int i = 0; i < a.size(); i++) {
        if (!deepEqual(a.get(i), b.get(i))) {
          return false;
        }
      }
      return true;
    }
    if (a.isObject() && b.isObject()) {
      if (a.size() != b.size()) {
        return false;
      }
      for (Map.Entry<String, JsonNode> e : a.properties()) {
        JsonNode other = b.get(e.getKey());
        if (other == null || !deepEqual(e.getValue(), other)) {
          return false;
        }
      }
      return true;
    }
    return false;
  }

  /** The UTF-8 length of a string, which is what Go's {@code len} counts. */
  static long utf8Length(String s) {
    long n = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        n += 1;
      } else if (c < 0x800) {
        n += 2;
      } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        n += 4;
        i++;
      } else {
        n += 3;
      }
    }
    return n;
  }
}
