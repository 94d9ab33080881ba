package io.revisor.apiserver.table;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * One compiled step of a {@link JsonPath}: it maps the values reached so far to the values reached next, like one node
 * of client-go's {@code jsonpath} tree. Steps are immutable and keep no state between evaluations.
 *
 * <p>Values are Jackson nodes; a JSON {@code null} that a step reaches is a {@code NullNode} (it counts as a result),
 * a key that is absent produces nothing.
 */
sealed interface PathStep {
  /**
   * Applies this step to every input value, in order.
   *
   * @throws Failure when upstream's evaluation fails, e.g. an index on something that is not a list
   */
  List<JsonNode> apply(List<JsonNode> input);

  /** Runs steps one after the other. */
  static List<JsonNode> run(PathStep[] steps, List<JsonNode> input) {
    List<JsonNode> current = input;
    for (PathStep step : steps) {
      current = step.apply(current);
    }
    return current;
  }

  /** An evaluation failure without a stack trace: the caller turns it into a {@link JsonPathException}. */
  final class Failure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Failure(String detail) {
      super(detail, null, false, false);
    }
  }

  /** {@code .name}: the value of a key of each object; other values (lists, scalars, null) produce nothing. */
  record Field(String name) implements PathStep {
    @Override
    public List<JsonNode> apply(List<JsonNode> input) {
      List<JsonNode> out = new ArrayList<>(input.size());
      for (JsonNode value : input) {
        if (value.isObject()) {
          JsonNode child = value.get(name);
          if (child != null) {
            out.add(child);
          }
        }
      }
      return out;
    }
  }

  /** {@code .*}: the values of each object and the elements of each list. */
  record Wildcard() implements PathStep {
    @Override
    public List<JsonNode> apply(List<JsonNode> input) {
      List<JsonNode> out = new ArrayList<>();
      for (JsonNode value : input) {
        if (value.isContainerNode()) {
          value.elements().forEachRemaining(out::add);
        }
      }
      return out;
    }
  }

  /**
   * {@code ..}: each input and every object or list below it that is not empty, parents before children, in document
   * order. Scalars are not results (upstream walks into strings byte by byte; nothing useful follows from that).
   */
  record Recursive() implements PathStep {
    @Override
    public List<JsonNode> apply(List<JsonNode> input) {
      List<JsonNode> out = new ArrayList<>();
      for (JsonNode value : input) {
        descend(value, out);
      }
      return out;
    }

    private static void descend(JsonNode value, List<JsonNode> out) {
      if (value.isContainerNode() && value.size() > 0) {
        out.add(value);
        for (Iterator<JsonNode> it = value.elements(); it.hasNext(); ) {
          descend(it.next(), out);
        }
      }
    }
  }

  /**
   * {@code [i]}, {@code [start:end:step]}, {@code [*]}: elements of each list, with upstream's bounds rules: negative
   * values count from the end, a range that reaches past the end fails rather than being clipped, and an empty
   * range ends the step. A null value produces nothing; any other non-list fails.
   *
   * @param start the first index, when known
   * @param end the end index (exclusive), when known; for {@code [i]} it is {@code i + 1}, derived
   * @param endDerived whether {@code end} was derived from a single index rather than written
   * @param stride the step, when known
   */
  record Slice(
      boolean startKnown, long start, boolean endKnown, long end, boolean endDerived, boolean strideKnown, long stride)
      implements PathStep {
    @Override
    public List<JsonNode> apply(List<JsonNode> input) {
      List<JsonNode> out = new ArrayList<>();
      for (JsonNode value : input) {
        if (value.isNull()) {
          continue;
        }
        if (!value.isArray()) {
          throw new Failure(GoFormat.typeName(value) + " is not array or slice");
        }
        long length = value.size();
        long from = startKnown ? start : 0;
        if (from < 0) {
          from += length;
        }
        long to = endKnown ? end : length;
        if (to < 0 || (to == 0 && endDerived)) {
          to += length;
        }
        if (to == from) {
          // Upstream returns what it has so far when asked for nothing.
          return out;
        }
        if (from >= length || from < 0) {
          throw new Failure("array index out of bounds: index " + from + ", length " + length);
        }
        if (to > length || to < 0) {
          throw new Failure("array index out of bounds: index " + (to - 1) + ", length " + length);
        }
        if (from > to) {
          throw new Failure("starting index " + from + " is greater than ending index " + to);
        }
        long by = 1;
        if (strideKnown) {
          if (stride <= 0) {
            throw new Failure("step must be > 0");
          }
          by = stride;
        }
        for (long i = from; i < to; i += by) {
          out.add(value.get((int) i));
        }
      }
      return out;
    }
  }

  /** {@code [a,b]}: the results of each branch applied to all inputs, branch after branch. */
  record Union(List<PathStep[]> branches) implements PathStep {
    public Union {
      branches = List.copyOf(branches);
    }

    @Override
    public List<JsonNode> apply(List<JsonNode> input) {
      List<JsonNode> out = new ArrayList<>();
      for (PathStep[] branch : branches) {
        out.addAll(run(branch, input));
      }
      return out;
    }
  }

  /**
   * {@code [?(@.a == "x")]} and {@code [?(@.a)]}: the elements of each list for which the comparison holds, or for
   * which the left side yields something. Elements where either side yields nothing are skipped; where a side yields
   * several values, or the two values have different kinds (string, integer, float, boolean), evaluation fails, as
   * upstream's.
   */
  record Filter(PathStep[] left, Operator operator, PathStep[] right) implements PathStep {
    @Override
    public List<JsonNode> apply(List<JsonNode> input) {
      List<JsonNode> out = new ArrayList<>();
      for (JsonNode value : input) {
        if (!value.isArray()) {
          throw new Failure(GoFormat.typeName(value) + " is not array or slice and cannot be filtered");
        }
        for (JsonNode element : value) {
          List<JsonNode> single = List.of(element);
          if (operator == Operator.EXISTS) {
            List<JsonNode> lefts;
            try {
              lefts = run(left, single);
            } catch (Failure e) {
              continue;
            }
            if (!lefts.isEmpty()) {
              out.add(element);
            }
            continue;
          }
          List<JsonNode> lefts = run(left, single);
          if (lefts.isEmpty()) {
            continue;
          }
          if (lefts.size() > 1) {
            throw new Failure("can only compare one element at a time");
          }
          List<JsonNode> rights = run(right, single);
          if (rights.isEmpty()) {
            continue;
          }
          if (rights.size() > 1) {
            throw new Failure("can only compare one element at a time");
          }
          if (operator.test(lefts.get(0), rights.get(0))) {
            out.add(element);
          }
        }
      }
      return out;
    }
  }

  /**
   * A number or boolean literal: one copy per input (upstream's IntNode, FloatNode, BoolNode). Used on the right of
   * filters.
   */
  record Constant(JsonNode value) implements PathStep {
    static Constant of(long value) {
      return new Constant(LongNode.valueOf(value));
    }

    static Constant of(double value) {
      return new Constant(DoubleNode.valueOf(value));
    }

    static Constant of(boolean value) {
      return new Constant(BooleanNode.valueOf(value));
    }

    @Override
    public List<JsonNode> apply(List<JsonNode> input) {
      List<JsonNode> out = new ArrayList<>(input.size());
      for (int i = 0; i < input.size(); i++) {
        out.add(value);
      }
      return out;
    }
  }

  /** A quoted string literal: exactly one value whatever the input (upstream's TextNode). */
  record Text(String text) implements PathStep {
    @Override
    public List<JsonNode> apply(List<JsonNode> input) {
      return List.of(TextNode.valueOf(text));
    }
  }

  /** Filter operators, compared with Go's template rules. */
  enum Operator {
    EXISTS(""),
    EQ("=="),
    NE("!="),
    LT("<"),
    LE("<="),
    GT(">"),
    GE(">=");

    private final String symbol;

    Operator(String symbol) {
      this.symbol = symbol;
    }

    static Operator of(String symbol) {
      for (Operator op : values()) {
        if (op != EXISTS && op.symbol.equals(symbol)) {
          return op;
        }
      }
      return null;
    }

    boolean test(JsonNode left, JsonNode right) {
      return switch (this) {
        case EQ -> equal(left, right);
        case NE -> !equal(left, right);
        case LT -> less(left, right);
        case LE -> less(left, right) || equal(left, right);
        case GT -> !(less(left, right) || equal(left, right));
        case GE -> !less(left, right);
        case EXISTS -> throw new IllegalStateException("exists is not a comparison");
      };
    }

    private enum Kind { BOOL, INT, FLOAT, STRING }

    private static Kind kind(JsonNode node) {
      if (node.isBoolean()) {
        return Kind.BOOL;
      }
      if (node.isTextual()) {
        return Kind.STRING;
      }
      if (node.isIntegralNumber() && node.canConvertToLong()) {
        return Kind.INT;
      }
      if (node.isNumber()) {
        return Kind.FLOAT; // what Go's decoder makes of fractions and integers beyond int64
      }
      throw new Failure("invalid type for comparison");
    }

    private static Kind sameKind(JsonNode left, JsonNode right) {
      Kind k = kind(left);
      if (k != kind(right)) {
        throw new Failure("incompatible types for comparison");
      }
      return k;
    }

    private static boolean equal(JsonNode left, JsonNode right) {
      return switch (sameKind(left, right)) {
        case BOOL -> left.booleanValue() == right.booleanValue();
        case INT -> left.longValue() == right.longValue();
        case FLOAT -> left.doubleValue() == right.doubleValue();
        case STRING -> left.textValue().equals(right.textValue());
      };
    }

    private static boolean less(JsonNode left, JsonNode right) {
      return switch (sameKind(left, right)) {
        case BOOL -> throw new Failure("invalid type for comparison");
        case INT -> left.longValue() < right.longValue();
        case FLOAT -> left.doubleValue() < right.doubleValue();
        // Go compares strings byte-wise (UTF-8); UTF-16 order differs only beyond the Basic Multilingual Plane.
        case STRING -> left.textValue().compareTo(right.textValue()) < 0;
      };
    }
  }
}
