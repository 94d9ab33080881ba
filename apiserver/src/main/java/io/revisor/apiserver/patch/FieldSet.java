package io.revisor.apiserver.patch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.revisor.apiserver.json.GoStrings;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * A set of field paths, the unit of ownership of server-side apply (structured-merge-diff's {@code fieldpath.Set}):
 * a trie whose nodes hold the elements that are themselves in the set ({@code members}) and the elements that lead to
 * deeper paths ({@code children}). A path can be both: {@code .spec} as a member and {@code .spec.a} through it.
 *
 * <p>Set operations work on exact paths: the difference of {@code {.spec.a}} and {@code {.spec}} is
 * {@code {.spec.a}}; {@link #recursiveDifference} also drops everything under a removed member.
 *
 * <p>Not thread-safe; sets are built by one thread and then only read. Operations return new sets.
 */
final class FieldSet {
  private final TreeSet<PathElement> members = new TreeSet<>();
  private final TreeMap<PathElement, FieldSet> children = new TreeMap<>();

  static FieldSet of(List<List<PathElement>> paths) {
    FieldSet set = new FieldSet();
    paths.forEach(set::insert);
    return set;
  }

  /** Adds a path (an empty path is ignored: the root is never a member). */
  void insert(List<PathElement> path) {
    if (path.isEmpty()) {
      return;
    }
    FieldSet node = this;
    for (int i = 0; i < path.size() - 1; i++) {
      node = node.children.computeIfAbsent(path.get(i), k -> new FieldSet());
    }
    node.members.add(path.get(path.size() - 1));
  }

  boolean isEmpty() {
    return members.isEmpty() && children.isEmpty();
  }

  /** Whether the path itself is a member (not merely a prefix of one). */
  boolean has(List<PathElement> path) {
    FieldSet node = this;
    for (int i = 0; i < path.size() - 1; i++) {
      node = node.children.get(path.get(i));
      if (node == null) {
        return false;
      }
    }
    return !path.isEmpty() && node.members.contains(path.get(path.size() - 1));
  }

  boolean hasMember(PathElement element) {
    return members.contains(element);
  }

  /** The paths under {@code element}, relative to it; null when there are none. */
  FieldSet child(PathElement element) {
    return children.get(element);
  }

  FieldSet union(FieldSet other) {
    FieldSet out = copy();
    out.addAll(other);
    return out;
  }

  private void addAll(FieldSet other) {
    members.addAll(other.members);
    other.children.forEach((pe, set) -> children.computeIfAbsent(pe, k -> new FieldSet()).addAll(set));
  }

  FieldSet intersection(FieldSet other) {
    FieldSet out = new FieldSet();
    for (PathElement pe : members) {
      if (other.members.contains(pe)) {
        out.members.add(pe);
      }
    }
    children.forEach((pe, set) -> {
      FieldSet theirs = other.children.get(pe);
      if (theirs != null) {
        FieldSet both = set.intersection(theirs);
        if (!both.isEmpty()) {
          out.children.put(pe, both);
        }
      }
    });
    return out;
  }

  /** The paths of this set that are not in {@code other}, path by path. */
  FieldSet difference(FieldSet other) {
    return difference(other, false);
  }

  /** Like {@link #difference}, and also drops every path under a member of {@code other}. */
  FieldSet recursiveDifference(FieldSet other) {
    return difference(other, true);
  }

  private FieldSet difference(FieldSet other, boolean recursive) {
    FieldSet out = new FieldSet();
    for (PathElement pe : members) {
      if (!other.members.contains(pe)) {
        out.members.add(pe);
      }
    }
    children.forEach((pe, set) -> {
      if (recursive && other.members.contains(pe)) {
        return;
      }
      FieldSet theirs = other.children.get(pe);
      FieldSet rest = theirs == null ? set.copy() : set.difference(theirs, recursive);
      if (!rest.isEmpty()) {
        out.children.put(pe, rest);
      }
    });
    return out;
  }

  FieldSet copy() {
    FieldSet out = new FieldSet();
    out.addAll(this);
    return out;
  }

  /** Visits every path: at each level the members first, then the paths through each child, in element order. */
  void forEachPath(Consumer<List<PathElement>> visitor) {
    forEachPath(new ArrayList<>(), visitor);
  }

  private void forEachPath(List<PathElement> prefix, Consumer<List<PathElement>> visitor) {
    for (PathElement pe : members) {
      List<PathElement> path = new ArrayList<>(prefix);
      path.add(pe);
      visitor.accept(List.copyOf(path));
    }
    children.forEach((pe, set) -> {
      prefix.add(pe);
      set.forEachPath(prefix, visitor);
      prefix.remove(prefix.size() - 1);
    });
  }

  List<List<PathElement>> paths() {
    List<List<PathElement>> out = new ArrayList<>();
    forEachPath(out::add);
    return out;
  }

  /**
   * Adds as members the declared fields (properties of an object schema) that only appear as prefixes, at every
   * level, so that removing the set removes a struct field as a whole, not just its leaves; map keys and list items
   * are left alone (structured-merge-diff's {@code EnsureNamedFieldsAreMembers}).
   */
  FieldSet ensureNamedFieldsAreMembers(FieldSchema.Node schema) {
    FieldSet out = new FieldSet();
    out.members.addAll(members);
    children.forEach((pe, set) -> {
      if (pe instanceof PathElement.Field f && schema != null && schema.declares(f.name())) {
        out.members.add(pe);
      }
      out.children.put(pe, set.ensureNamedFieldsAreMembers(FieldSchema.Node.childOf(schema, pe)));
    });
    return out;
  }

  /** The {@code fieldsV1} form: {@code {"f:spec":{".":{},"f:a":{}}}}. */
  ObjectNode toFieldsV1() {
    return toFieldsV1(false);
  }

  private ObjectNode toFieldsV1(boolean self) {
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    if (self) {
      out.set(".", JsonNodeFactory.instance.objectNode());
    }
    Iterator<PathElement> m = members.iterator();
    Iterator<Map.Entry<PathElement, FieldSet>> c = children.entrySet().iterator();
    PathElement nextMember = m.hasNext() ? m.next() : null;
    Map.Entry<PathElement, FieldSet> nextChild = c.hasNext() ? c.next() : null;
    while (nextMember != null || nextChild != null) {
      int order = nextMember == null ? 1 : nextChild == null ? -1 : nextMember.compareTo(nextChild.getKey());
      if (order < 0) {
        out.set(nextMember.fieldsV1Key(), JsonNodeFactory.instance.objectNode());
        nextMember = m.hasNext() ? m.next() : null;
      } else {
        out.set(nextChild.getKey().fieldsV1Key(), nextChild.getValue().toFieldsV1(order == 0));
        if (order == 0) {
          nextMember = m.hasNext() ? m.next() : null;
        }
        nextChild = c.hasNext() ? c.next() : null;
      }
    }
    return out;
  }

  /**
   * Parses {@code fieldsV1}. Keys with a prefix this version does not know are skipped, as kube does.
   *
   * @throws IllegalArgumentException when the value is not of the fieldsV1 form
   */
  static FieldSet fromFieldsV1(JsonNode fields) {
    if (fields == null || fields.isNull()) {
      return new FieldSet();
    }
    if (!fields.isObject()) {
      throw new IllegalArgumentException("fieldsV1 must be a JSON object");
    }
    FieldSet out = new FieldSet();
    for (Iterator<Map.Entry<String, JsonNode>> it = fields.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      if (entry.getKey().equals(".")) {
        continue;
      }
      PathElement pe = PathElement.parse(entry.getKey());
      JsonNode value = entry.getValue();
      if (pe == null || value.isNull()) {
        continue;
      }
      if (!value.isObject()) {
        throw new IllegalArgumentException("fieldsV1 value of " + GoStrings.quote(entry.getKey()) + " is not an object");
      }
      FieldSet sub = fromFieldsV1(value);
      if (value.size() == 0 || value.has(".")) {
        out.members.add(pe);
      }
      if (!sub.isEmpty()) {
        out.children.put(pe, sub);
      }
    }
    return out;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FieldSet other && members.equals(other.members) && children.equals(other.children);
  }

  @Override
  public int hashCode() {
    return members.hashCode() * 31 + children.hashCode();
  }

  @Override
  public String toString() {
    List<String> out = new ArrayList<>();
    forEachPath(p -> out.add(pathString(p)));
    return out.toString();
  }

  /** A path as kube prints it in conflicts: {@code .spec.ports[name="http"].port}. */
  static String pathString(List<PathElement> path) {
    StringBuilder out = new StringBuilder();
    path.forEach(out::append);
    return out.toString();
  }
}
