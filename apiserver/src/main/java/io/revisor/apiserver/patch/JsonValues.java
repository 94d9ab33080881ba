package io.revisor.apiserver.patch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.revisor.apiserver.json.GoStrings;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/** Value helpers with structured-merge-diff's semantics: numbers compare numerically, a total order over types. */
final class JsonValues {
  private JsonValues() {}

  /** The canonical form: integral numbers as longs (or big integers), other numbers as doubles, recursively. */
  static JsonNode canonical(JsonNode value) {
    if (value == null || value.isMissingNode()) {
      return JsonNodeFactory.instance.nullNode();
    }
    if (value.isNumber()) {
      BigDecimal decimal = value.decimalValue();
      if (value.isIntegralNumber() || decimal.stripTrailingZeros().scale() <= 0) {
        BigInteger integer = decimal.toBigInteger();
        return integer.bitLength() < 64 ? JsonNodeFactory.instance.numberNode(integer.longValue())
            : JsonNodeFactory.instance.numberNode(integer);
      }
      return JsonNodeFactory.instance.numberNode(value.doubleValue());
    }
    if (value.isObject()) {
      ObjectNode copy = JsonNodeFactory.instance.objectNode();
      value.fields().forEachRemaining(e -> copy.set(e.getKey(), canonical(e.getValue())));
      return copy;
    }
    if (value.isArray()) {
      ArrayNode copy = JsonNodeFactory.instance.arrayNode();
      value.forEach(item -> copy.add(canonical(item)));
      return copy;
    }
    return value;
  }

  /** Deep equality; numbers by value ({@code 1 == 1.0}), object members in any order. */
  static boolean equal(JsonNode a, JsonNode b) {
    if (a == null || b == null) {
      return a == b;
    }
    if (a.isNumber() && b.isNumber()) {
      return a.decimalValue().compareTo(b.decimalValue()) == 0;
    }
    if (a.isObject() && b.isObject()) {
      if (a.size() != b.size()) {
        return false;
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = a.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        if (!equal(e.getValue(), b.get(e.getKey()))) {
          return false;
        }
      }
      return true;
    }
    if (a.isArray() && b.isArray()) {
      if (a.size() != b.size()) {
        return false;
      }
      for (int i = 0; i < a.size(); i++) {
        if (!equal(a.get(i), b.get(i))) {
          return false;
        }
      }
      return true;
    }
    return a.equals(b);
  }

  /** structured-merge-diff's total order: numbers, strings, booleans, lists, maps, null. */
  static int compare(JsonNode a, JsonNode b) {
    int rank = Integer.compare(typeRank(a), typeRank(b));
    if (rank != 0) {
      return rank;
    }
    if (a.isNumber()) {
      return a.decimalValue().compareTo(b.decimalValue());
    } else if (a.isTextual()) {
      return GoText.compareBytes(a.textValue(), b.textValue());
    } else if (a.isBoolean()) {
      return Boolean.compare(a.booleanValue(), b.booleanValue());
    } else if (a.isArray()) {
      for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
        int c = compare(a.get(i), b.get(i));
        if (c != 0) {
          return c;
        }
      }
      return Integer.compare(a.size(), b.size());
    } else if (a.isObject()) {
      List<Map.Entry<String, JsonNode>> x = GoText.sortedFields(a);
      List<Map.Entry<String, JsonNode>> y = GoText.sortedFields(b);
      for (int i = 0; i < Math.min(x.size(), y.size()); i++) {
        int c = GoText.compareBytes(x.get(i).getKey(), y.get(i).getKey());
        if (c == 0) {
          c = compare(x.get(i).getValue(), y.get(i).getValue());
        }
        if (c != 0) {
          return c;
        }
      }
      return Integer.compare(x.size(), y.size());
    }
    return 0;
  }

  private static int typeRank(JsonNode v) {
    if (v.isNumber()) {
      return 0;
    } else if (v.isTextual()) {
      return 1;
    } else if (v.isBoolean()) {
      return 2;
    } else if (v.isArray()) {
      return 3;
    } else if (v.isObject()) {
      return 4;
    }
    return 5;
  }

  /** structured-merge-diff's {@code value.ToString}, used in field paths: strings quoted, numbers as Go prints them. */
  static String goString(JsonNode v) {
    if (v == null || v.isNull()) {
      return "null";
    } else if (v.isTextual()) {
      return GoStrings.quote(v.textValue());
    } else if (v.isIntegralNumber()) {
      return v.bigIntegerValue().toString();
    } else if (v.isNumber()) {
      return GoText.formatFloat(v.doubleValue());
    } else if (v.isBoolean()) {
      return Boolean.toString(v.booleanValue());
    } else if (v.isArray()) {
      List<String> items = new ArrayList<>();
      v.forEach(item -> items.add(goString(item)));
      return "[" + String.join(",", items) + "]";
    } else if (v.isObject()) {
      StringBuilder out = new StringBuilder();
      v.fields().forEachRemaining(e -> out.append(e.getKey()).append('=').append(goString(e.getValue())));
      return out.toString();
    }
    return v.asText();
  }
}
