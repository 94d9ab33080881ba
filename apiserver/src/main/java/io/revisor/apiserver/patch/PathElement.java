package io.revisor.apiserver.patch;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.revisor.apiserver.json.GoStrings;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * One step of a field path, as server-side apply names the parts of an object: a field of a map ({@code f:name}),
 * an item of a map list by its keys ({@code k:{"name":"x"}}), an item of a set list by its value ({@code v:"x"}), or
 * a list item by position ({@code i:0}, only for lists kube cannot key).
 *
 * <p>Elements are ordered as structured-merge-diff orders them (fields, then keys, then values, then indexes), which
 * is also the order of {@code fieldsV1}. Values are kept in a canonical form (integral numbers as longs), so two
 * elements are equal exactly when kube considers them equal.
 */
sealed interface PathElement extends Comparable<PathElement> {
  ObjectMapper MAPPER = new ObjectMapper();

  /** The key of this element in {@code fieldsV1}. */
  String fieldsV1Key();

  /** A field of a map. */
  record Field(String name) implements PathElement {
    @Override
    public String fieldsV1Key() {
      return "f:" + name;
    }

    @Override
    public String toString() {
      return "." + name;
    }
  }

  /** An item of a map list, by its key fields sorted by name. */
  record Key(List<KeyField> fields) implements PathElement {
    public Key {
      fields = fields.stream().sorted(Comparator.comparing(KeyField::name, GoText::compareBytes)).toList();
    }

    @Override
    public String fieldsV1Key() {
      ObjectNode object = JsonNodeFactory.instance.objectNode();
      fields.forEach(f -> object.set(f.name(), f.value()));
      return "k:" + GoText.json(object);
    }

    @Override
    public String toString() {
      StringBuilder out = new StringBuilder("[");
      for (int i = 0; i < fields.size(); i++) {
        out.append(i == 0 ? "" : ",").append(fields.get(i).name()).append('=')
            .append(JsonValues.goString(fields.get(i).value()));
      }
      return out.append(']').toString();
    }
  }

  /** One key field of a map list item. */
  record KeyField(String name, JsonNode value) {
    public KeyField {
      value = JsonValues.canonical(value);
    }
  }

  /** An item of a set list, by its value. */
  record Value(JsonNode value) implements PathElement {
    public Value {
      value = JsonValues.canonical(value);
    }

    @Override
    public String fieldsV1Key() {
      return "v:" + GoText.json(value);
    }

    @Override
    public String toString() {
      return "[=" + JsonValues.goString(value) + "]";
    }
  }

  /** A list item by position. */
  record Index(int index) implements PathElement {
    @Override
    public String fieldsV1Key() {
      return "i:" + index;
    }

    @Override
    public String toString() {
      return "[" + index + "]";
    }
  }

  @Override
  default int compareTo(PathElement other) {
    int rank = Integer.compare(rank(this), rank(other));
    if (rank != 0) {
      return rank;
    }
    if (this instanceof Field a && other instanceof Field b) {
      return GoText.compareBytes(a.name(), b.name());
    }
    if (this instanceof Key a && other instanceof Key b) {
      for (int i = 0; i < Math.min(a.fields().size(), b.fields().size()); i++) {
        int c = GoText.compareBytes(a.fields().get(i).name(), b.fields().get(i).name());
        if (c == 0) {
          c = JsonValues.compare(a.fields().get(i).value(), b.fields().get(i).value());
        }
        if (c != 0) {
          return c;
        }
      }
      return Integer.compare(a.fields().size(), b.fields().size());
    }
    if (this instanceof Value a && other instanceof Value b) {
      return JsonValues.compare(a.value(), b.value());
    }
    return Integer.compare(((Index) this).index(), ((Index) other).index());
  }

  private static int rank(PathElement e) {
    if (e instanceof Field) {
      return 0;
    } else if (e instanceof Key) {
      return 1;
    } else if (e instanceof Value) {
      return 2;
    }
    return 3;
  }

  /**
   * Parses a {@code fieldsV1} key other than {@code "."}.
   *
   * @return the element, or null for a prefix this version does not know (kube skips those too)
   * @throws IllegalArgumentException when a known prefix is followed by something that does not parse
   */
  static PathElement parse(String key) {
    if (key.length() < 2 || key.charAt(1) != ':') {
      return null;
    }
    String rest = key.substring(2);
    try {
      switch (key.charAt(0)) {
        case 'f':
          return new Field(rest);
        case 'v':
          return new Value(MAPPER.readTree(rest));
        case 'i':
          return new Index(Integer.parseInt(rest));
        case 'k':
          JsonNode object = MAPPER.readTree(rest);
          if (object == null || !object.isObject()) {
            throw new IllegalArgumentException("key " + GoStrings.quote(key) + " is not a JSON object");
          }
          List<KeyField> fields = new ArrayList<>();
          object.fields().forEachRemaining(e -> fields.add(new KeyField(e.getKey(), e.getValue())));
          return new Key(fields);
        default:
          return null;
      }
    } catch (JsonProcessingException | NumberFormatException e) {
      throw new IllegalArgumentException("cannot parse " + GoStrings.quote(key) + ": " + e.getMessage(), e);
    }
  }
}
