package io.revisor.apiserver.patch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.revisor.apiserver.json.GoStrings;
import io.revisor.apiserver.patch.FieldSchema.ListType;
import io.revisor.apiserver.patch.FieldSchema.MapType;
import io.revisor.apiserver.patch.FieldSchema.Node;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The operations of structured-merge-diff on JSON values typed by a {@link FieldSchema}: the field set of a value,
 * the comparison of two values, the merge of an apply configuration into an object, and the removal of a set of
 * fields. Values are never modified; results are new trees (which may share unmodified subtrees with the inputs).
 *
 * <p>A value is seen as a leaf (scalar, null, atomic list or map, or a value whose JSON type does not fit the
 * schema), a granular map, or an associative list (a set or map list whose items all have a path element).
 */
final class Typed {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private Typed() {}

  /** How a value takes part in merging and ownership. */
  private enum Kind {
    LEAF,
    MAP,
    LIST
  }

  /** Fields added, modified (leaves whose value changed) and removed between two values. */
  record Comparison(FieldSet added, FieldSet modified, FieldSet removed) {
    Comparison excluding(FieldSet ignored) {
      if (ignored.isEmpty()) {
        return this;
      }
      return new Comparison(added.recursiveDifference(ignored), modified.recursiveDifference(ignored),
          removed.recursiveDifference(ignored));
    }

    boolean isEmpty() {
      return added.isEmpty() && modified.isEmpty() && removed.isEmpty();
    }
  }

  private static Kind kindOf(JsonNode value, Node schema) {
    Node s = schema == null ? Node.ANY : schema;
    if (value.isObject() || value.isNull()) {
      boolean map = (s.shape == Node.Shape.OBJECT && s.mapType == MapType.GRANULAR)
          || (s.shape == Node.Shape.UNTYPED && value.isObject());
      return map ? Kind.MAP : Kind.LEAF;
    }
    if (value.isArray() && s.shape == Node.Shape.LIST && s.listType != ListType.ATOMIC) {
      return value.isEmpty() || indexItems(value, s).errors.isEmpty() ? Kind.LIST : Kind.LEAF;
    }
    return Kind.LEAF;
  }

  private static boolean isEmpty(JsonNode value) {
    return value == null || value.isNull() || ((value.isObject() || value.isArray()) && value.isEmpty());
  }

  private static Node field(Node schema, String name) {
    Node s = schema == null ? null : schema.field(name);
    return s == null ? Node.ANY : s;
  }

  private static boolean declares(Node schema, String name) {
    return schema != null && schema.declares(name);
  }

  private static List<PathElement> append(List<PathElement> path, PathElement element) {
    List<PathElement> out = new ArrayList<>(path.size() + 1);
    out.addAll(path);
    out.add(element);
    return out;
  }

  // ---------------------------------------------------------------------------------------------------------------
  // List items

  /** The items of an associative list by path element, in list order, and what keeps items from having one. */
  private record Items(List<PathElement> order, Map<PathElement, List<JsonNode>> byElement, List<String> errors) {
    List<JsonNode> get(PathElement pe) {
      List<JsonNode> items = byElement.get(pe);
      return items == null ? List.of() : items;
    }

    List<PathElement> elements() {
      return order;
    }
  }

  private static Items indexItems(JsonNode list, Node schema) {
    List<PathElement> order = new ArrayList<>();
    Map<PathElement, List<JsonNode>> byElement = new TreeMap<>();
    List<String> errors = new ArrayList<>();
    int i = 0;
    for (JsonNode item : list) {
      try {
        PathElement pe = itemElement(item, schema);
        order.add(pe);
        byElement.computeIfAbsent(pe, k -> new ArrayList<>()).add(item);
      } catch (IllegalArgumentException e) {
        errors.add("element " + i + ": " + e.getMessage());
      }
      i++;
    }
    return new Items(order, byElement, errors);
  }

  /** The path element of a list item (structured-merge-diff's {@code listItemToPathElement}, and its messages). */
  static PathElement itemElement(JsonNode item, Node listSchema) {
    if (listSchema.listType == ListType.SET) {
      if (item.isObject()) {
        throw new IllegalArgumentException("associative list without keys has an element that's a map type");
      } else if (item.isArray()) {
        throw new IllegalArgumentException("not supported: associative list with lists as elements");
      } else if (item.isNull()) {
        throw new IllegalArgumentException("associative list without keys has an element that's an explicit null");
      }
      return new PathElement.Value(item);
    }
    if (item.isNull()) {
      throw new IllegalArgumentException("associative list with keys may not have a null element");
    }
    if (!item.isObject()) {
      throw new IllegalArgumentException("associative list with keys may not have non-map elements");
    }
    List<PathElement.KeyField> fields = new ArrayList<>();
    for (String key : listSchema.keys) {
      JsonNode value = item.get(key);
      if (value == null) {
        Node keySchema = listSchema.items().field(key);
        value = keySchema == null ? null : keySchema.defaultValue;
      }
      if (value == null) {
        throw new IllegalArgumentException("associative list with keys has an element that omits key field "
            + GoStrings.quote(key) + " (and doesn't have default value)");
      }
      fields.add(new PathElement.KeyField(key, value));
    }
    return new PathElement.Key(fields);
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Field sets

  /** The fields a value sets (structured-merge-diff's {@code ToFieldSet}). */
  static FieldSet toFieldSet(JsonNode value, Node schema) {
    FieldSet set = new FieldSet();
    collect(value, schema, List.of(), set);
    return set;
  }

  private static void collect(JsonNode value, Node schema, List<PathElement> path, FieldSet set) {
    switch (kindOf(value, schema)) {
      case LEAF -> set.insert(path);
      case MAP -> {
        for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> e = it.next();
          List<PathElement> childPath = append(path, new PathElement.Field(e.getKey()));
          JsonNode child = e.getValue();
          collect(child, field(schema, e.getKey()), childPath, set);
          // A struct field is implied by its leaves; an empty or null one, or a map key, is a field of its own.
          if (child.isNull() || (child.isObject() && child.isEmpty()) || !declares(schema, e.getKey())) {
            set.insert(childPath);
          }
        }
      }
      case LIST -> {
        for (JsonNode item : value) {
          List<PathElement> itemPath = append(path, itemElement(item, schema));
          collect(item, schema.items(), itemPath, set);
          set.insert(itemPath);
        }
      }
    }
  }

  /** Every path under {@code value} (not its own). */
  private static void descendants(JsonNode value, Node schema, List<PathElement> path, FieldSet set) {
    switch (kindOf(value, schema)) {
      case LEAF -> {}
      case MAP -> value.fields().forEachRemaining(e -> {
        List<PathElement> childPath = append(path, new PathElement.Field(e.getKey()));
        set.insert(childPath);
        descendants(e.getValue(), field(schema, e.getKey()), childPath, set);
      });
      case LIST -> {
        for (JsonNode item : value) {
          List<PathElement> itemPath = append(path, itemElement(item, schema));
          set.insert(itemPath);
          descendants(item, schema.items(), itemPath, set);
        }
      }
    }
  }

  /**
   * Adds declared fields that only appear as prefixes as members (see {@link FieldSet#ensureNamedFieldsAreMembers}).
   */
  static FieldSet withNamedFields(FieldSet set, Node schema) {
    return set.ensureNamedFieldsAreMembers(schema);
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Comparison

  /** What changed from {@code lhs} to {@code rhs} (structured-merge-diff's {@code Compare}). */
  static Comparison compare(JsonNode lhs, JsonNode rhs, Node schema) {
    Comparison c = new Comparison(new FieldSet(), new FieldSet(), new FieldSet());
    compare(lhs, rhs, schema, List.of(), c);
    return c;
  }

  private static void compare(JsonNode lhs, JsonNode rhs, Node schema, List<PathElement> path, Comparison c) {
    Kind lk = lhs == null ? null : kindOf(lhs, schema);
    Kind rk = rhs == null ? null : kindOf(rhs, schema);
    if (lk != null && rk != null && lk != rk) {
      // The value changed its kind (a map became a string, say): a modified field whose old content is gone.
      c.modified().insert(path);
      descendants(lhs, schema, path, c.removed());
      descendants(rhs, schema, path, c.added());
      return;
    }
    Kind kind = lk != null ? lk : rk;
    if (kind == Kind.LEAF || (isEmpty(lhs) && isEmpty(rhs))) {
      if (lhs == null) {
        c.added().insert(path);
      } else if (rhs == null) {
        c.removed().insert(path);
      } else if (!JsonValues.equal(lhs, rhs)) {
        c.modified().insert(path);
      }
      return;
    }
    if (kind == Kind.MAP) {
      Set<String> keys = new LinkedHashSet<>();
      if (lhs != null) {
        lhs.fieldNames().forEachRemaining(keys::add);
      }
      if (rhs != null) {
        rhs.fieldNames().forEachRemaining(keys::add);
      }
      for (String key : keys) {
        compare(lhs == null ? null : lhs.get(key), rhs == null ? null : rhs.get(key), field(schema, key),
            append(path, new PathElement.Field(key)), c);
      }
    } else {
      compareItems(lhs, rhs, schema, path, c);
    }
    if (lhs == null) {
      c.added().insert(path);
    } else if (rhs == null) {
      c.removed().insert(path);
    }
  }

  private static void compareItems(JsonNode lhs, JsonNode rhs, Node schema, List<PathElement> path, Comparison c) {
    Items left = lhs == null || lhs.isNull() ? indexItems(NODES.arrayNode(), schema) : indexItems(lhs, schema);
    Items right = rhs == null || rhs.isNull() ? indexItems(NODES.arrayNode(), schema) : indexItems(rhs, schema);
    Set<PathElement> all = new LinkedHashSet<>(left.elements());
    all.addAll(right.elements());
    for (PathElement pe : all) {
      List<JsonNode> l = left.get(pe);
      List<JsonNode> r = right.get(pe);
      List<PathElement> itemPath = append(path, pe);
      // Items that appear more than once are compared as a whole, like leaves.
      if (l.size() >= 2 || r.size() >= 2) {
        if (l.isEmpty()) {
          c.added().insert(itemPath);
        } else if (r.isEmpty()) {
          c.removed().insert(itemPath);
        } else if (!sameItems(l, r)) {
          c.modified().insert(itemPath);
        }
      } else {
        compare(l.isEmpty() ? null : l.get(0), r.isEmpty() ? null : r.get(0), schema.items(), itemPath, c);
      }
    }
  }

  private static boolean sameItems(List<JsonNode> a, List<JsonNode> b) {
    if (a.size() != b.size()) {
      return false;
    }
    for (int i = 0; i < a.size(); i++) {
      if (!JsonValues.equal(a.get(i), b.get(i))) {
        return false;
      }
    }
    return true;
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Merge

  /**
   * Merges an apply configuration into an object (structured-merge-diff's {@code Merge} with the configuration
   * winning): granular maps and associative lists merge item by item, everything else is replaced.
   */
  static JsonNode merge(JsonNode lhs, JsonNode rhs, Node schema) {
    if (rhs == null) {
      return lhs;
    }
    if (lhs == null) {
      return rhs;
    }
    Kind lk = kindOf(lhs, schema);
    Kind rk = kindOf(rhs, schema);
    if (lk != rk || lk == Kind.LEAF || (isEmpty(lhs) && isEmpty(rhs))) {
      return rhs;
    }
    if (lk == Kind.MAP) {
      if (rhs.isNull()) {
        return lhs;
      }
      if (lhs.isNull()) {
        return rhs;
      }
      ObjectNode out = NODES.objectNode();
      lhs.fields().forEachRemaining(e -> out.set(e.getKey(),
          merge(e.getValue(), rhs.get(e.getKey()), field(schema, e.getKey()))));
      rhs.fields().forEachRemaining(e -> {
        if (!out.has(e.getKey())) {
          out.set(e.getKey(), e.getValue());
        }
      });
      return out;
    }
    if (rhs.isNull()) {
      return lhs;
    }
    if (lhs.isNull()) {
      return rhs;
    }
    return mergeItems(lhs, rhs, schema);
  }

  /**
   * Merges two associative lists: the configuration's items in its order, the object's other items kept where they
   * were relative to the items both have.
   */
  private static JsonNode mergeItems(JsonNode lhs, JsonNode rhs, Node schema) {
    Items left = indexItems(lhs, schema);
    Items right = indexItems(rhs, schema);
    List<PathElement> lhsOrder = left.elements();
    List<PathElement> rhsOrder = right.elements();
    Map<PathElement, JsonNode> leftOne = single(left);
    Map<PathElement, JsonNode> rightOne = single(right);

    List<PathElement> shared = new ArrayList<>();
    for (PathElement pe : rhsOrder) {
      if (left.byElement().containsKey(pe)) {
        shared.add(pe);
      }
    }
    Iterator<PathElement> sharedIt = shared.iterator();
    PathElement nextShared = sharedIt.hasNext() ? sharedIt.next() : null;
    Set<PathElement> mergedFromRhs = new HashSet<>();
    ArrayNode out = NODES.arrayNode();
    Node itemSchema = schema.items();
    int li = 0;
    int ri = 0;
    while (li < lhsOrder.size() || ri < rhsOrder.size()) {
      if (li < lhsOrder.size() && ri < rhsOrder.size()) {
        PathElement pe = lhsOrder.get(li);
        if (pe.equals(rhsOrder.get(ri))) {
          mergedFromRhs.add(pe);
          out.add(mergeItem(leftOne.get(pe), rightOne.get(pe), rhs.get(ri), itemSchema));
          li++;
          ri++;
          nextShared = sharedIt.hasNext() ? sharedIt.next() : null;
          continue;
        }
        if (right.byElement().containsKey(pe) && nextShared != null && !nextShared.equals(pe)) {
          li++; // a shared item that the configuration places later: it is emitted in the configuration's order
          continue;
        }
      }
      if (li < lhsOrder.size()) {
        PathElement pe = lhsOrder.get(li);
        if (!right.byElement().containsKey(pe)) {
          out.add(lhs.get(li));
          li++;
          continue;
        } else if (mergedFromRhs.contains(pe)) {
          li++;
          continue;
        }
      }
      if (ri < rhsOrder.size()) {
        PathElement pe = rhsOrder.get(ri);
        mergedFromRhs.add(pe);
        out.add(mergeItem(leftOne.get(pe), rightOne.get(pe), rhs.get(ri), itemSchema));
        ri++;
        if (pe.equals(nextShared)) {
          nextShared = sharedIt.hasNext() ? sharedIt.next() : null;
        }
      }
    }
    return out;
  }

  private static JsonNode mergeItem(JsonNode lhs, JsonNode rhs, JsonNode rhsAtPosition, Node itemSchema) {
    if (rhs == null) {
      return rhsAtPosition; // duplicated in the configuration: take it as it is
    }
    return merge(lhs, rhs, itemSchema);
  }

  /** Items that appear once, by element (duplicates are left out, as kube leaves them unmerged). */
  private static Map<PathElement, JsonNode> single(Items items) {
    Map<PathElement, JsonNode> out = new TreeMap<>();
    items.byElement().forEach((pe, list) -> {
      if (list.size() == 1) {
        out.put(pe, list.get(0));
      }
    });
    return out;
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Removal

  /**
   * {@code value} without the members of {@code set} (structured-merge-diff's {@code RemoveItems}): a member is
   * removed with everything under it. Like kube, a map or list that is emptied this way becomes {@code null}.
   */
  static JsonNode removeItems(JsonNode value, FieldSet set, Node schema) {
    if (set == null || set.isEmpty()) {
      return value;
    }
    Kind kind = kindOf(value, schema);
    if (kind == Kind.LEAF) {
      return value.isObject() || value.isArray() ? NODES.nullNode() : value;
    }
    if (isEmpty(value)) {
      return NODES.nullNode();
    }
    if (kind == Kind.MAP) {
      ObjectNode out = NODES.objectNode();
      value.fields().forEachRemaining(e -> {
        PathElement pe = new PathElement.Field(e.getKey());
        if (set.hasMember(pe)) {
          return;
        }
        FieldSet sub = set.child(pe);
        out.set(e.getKey(), sub == null ? e.getValue() : removeItems(e.getValue(), sub, field(schema, e.getKey())));
      });
      return out.isEmpty() ? NODES.nullNode() : out;
    }
    ArrayNode out = NODES.arrayNode();
    for (JsonNode item : value) {
      PathElement pe = itemElement(item, schema);
      if (set.hasMember(pe)) {
        continue;
      }
      FieldSet sub = set.child(pe);
      out.add(sub == null ? item : removeItems(item, sub, schema.items()));
    }
    return out.isEmpty() ? NODES.nullNode() : out;
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Validation of apply configurations

  /**
   * What kube's type converter rejects in an apply configuration: fields the schema does not declare (outside
   * untyped subtrees), and set or map list items without a path element or appearing twice. Errors read
   * {@code .spec.foo: field not declared in schema}.
   */
  static List<String> validate(JsonNode value, Node schema) {
    List<String> errors = new ArrayList<>();
    validate(value, schema, List.of(), errors);
    return errors;
  }

  private static void validate(JsonNode value, Node schema, List<PathElement> path, List<String> errors) {
    Node s = schema == null ? Node.ANY : schema;
    if (value.isObject() && s.shape == Node.Shape.OBJECT) {
      value.fields().forEachRemaining(e -> {
        List<PathElement> childPath = append(path, new PathElement.Field(e.getKey()));
        Node child = s.field(e.getKey());
        if (child == null) {
          errors.add(FieldSet.pathString(childPath) + ": field not declared in schema");
        } else {
          validate(e.getValue(), child, childPath, errors);
        }
      });
    } else if (value.isArray() && s.shape == Node.Shape.LIST) {
      if (s.listType == ListType.ATOMIC) {
        for (JsonNode item : value) {
          validate(item, s.items(), path, errors);
        }
        return;
      }
      Items items = indexItems(value, s);
      String at = path.isEmpty() ? "" : FieldSet.pathString(path) + ": ";
      items.errors().forEach(e -> errors.add(at + e));
      Map<PathElement, Boolean> reported = new LinkedHashMap<>();
      items.byElement().forEach((pe, list) -> {
        if (list.size() > 1 && reported.put(pe, true) == null) {
          errors.add(at + "duplicate entries for key " + pe);
        }
        for (JsonNode item : list) {
          validate(item, s.items(), append(path, pe), errors);
        }
      });
    }
  }
}
