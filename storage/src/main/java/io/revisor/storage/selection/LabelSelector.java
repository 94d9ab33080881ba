package io.revisor.storage.selection;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * A Kubernetes label selector: a conjunction of {@linkplain Requirement requirements} on {@code metadata.labels},
 * with the syntax and semantics of apimachinery's {@code labels.Parse}.
 *
 * <p>Instances are immutable and thread-safe. The requirements are kept sorted by key (stable for equal keys), as
 * upstream does, so that {@link #toString()} is canonical and {@link #equals} compares selectors by meaning of their
 * text rather than by the order the client wrote them in.
 */
public final class LabelSelector implements ObjectPredicate {
  private static final LabelSelector EVERYTHING = new LabelSelector(List.of());

  private final List<Requirement> requirements;

  private LabelSelector(List<Requirement> requirements) {
    this.requirements = requirements;
  }

  /** The empty selector, which selects every object. */
  public static LabelSelector everything() {
    return EVERYTHING;
  }

  /**
   * Parses a selector such as {@code "app=web,tier in (a,b),!canary,replicas>2"}. The empty (or all-blank) string
   * selects everything.
   *
   * @param selector the selector text, not null
   * @return the selector, never null
   * @throws IllegalArgumentException if the text is not a valid selector; the message is apimachinery's, e.g.
   *     {@code unable to parse requirement: ...} or {@code found '...', expected: ...}, and is fit for a 400
   *     response
   * @throws NullPointerException if {@code selector} is null
   */
  public static LabelSelector parse(String selector) {
    Objects.requireNonNull(selector, "selector");
    return of(LabelSelectorParser.parse(selector));
  }

  /**
   * A selector requiring all of {@code requirements}.
   *
   * @param requirements the requirements (already validated by {@link Requirement}'s constructor), not null
   */
  public static LabelSelector of(Collection<Requirement> requirements) {
    if (requirements.isEmpty()) {
      return EVERYTHING;
    }
    List<Requirement> sorted = new ArrayList<>(requirements);
    sorted.sort(Comparator.comparing(Requirement::key)); // List.sort is stable
    return new LabelSelector(List.copyOf(sorted));
  }

  /** The requirements, sorted by key; empty for {@link #everything()}. Immutable. */
  public List<Requirement> requirements() {
    return requirements;
  }

  @Override
  public boolean matches(ObjectAttributes attributes) {
    Map<String, String> labels = attributes.labels();
    for (Requirement requirement : requirements) {
      if (!requirement.matches(labels)) {
        return false;
      }
    }
    return true;
  }

  @Override
  public boolean isEverything() {
    return requirements.isEmpty();
  }

  /** The canonical text, as apimachinery's {@code Selector.String()}: e.g. {@code a=b,c in (d,e),!f}; "" if empty. */
  @Override
  public String toString() {
    return requirements.stream().map(Requirement::toString).collect(Collectors.joining(","));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LabelSelector other && requirements.equals(other.requirements);
  }

  @Override
  public int hashCode() {
    return requirements.hashCode();
  }

  /** A label selector operator, with apimachinery's {@code selection.Operator} spelling. */
  public enum Operator {
    IN("in"),
    NOT_IN("notin"),
    EQUALS("="),
    DOUBLE_EQUALS("=="),
    NOT_EQUALS("!="),
    GREATER_THAN("gt"),
    LESS_THAN("lt"),
    EXISTS("exists"),
    DOES_NOT_EXIST("!");

    private final String symbol;

    Operator(String symbol) {
      this.symbol = symbol;
    }

    /** The upstream name of the operator ({@code in}, {@code =}, {@code gt}, ...). */
    public String symbol() {
      return symbol;
    }
  }

  /**
   * One requirement on one label.
   *
   * <ul>
   *   <li>{@code EQUALS}, {@code DOUBLE_EQUALS}, {@code IN}: the label exists and its value is one of {@code values}.
   *   <li>{@code NOT_EQUALS}, {@code NOT_IN}: the label is absent, or its value is none of {@code values}.
   *   <li>{@code EXISTS} / {@code DOES_NOT_EXIST}: the label is present / absent.
   *   <li>{@code GREATER_THAN}, {@code LESS_THAN}: the label exists, its value is a 64-bit integer, and it compares
   *       strictly greater / less than the single value.
   * </ul>
   *
   * <p>Validated as apimachinery's {@code NewRequirement}: the key is a qualified name, every value a valid label
   * value; {@code IN}/{@code NOT_IN} need at least one value, the equality operators exactly one, {@code EXISTS} and
   * {@code DOES_NOT_EXIST} none, {@code GREATER_THAN}/{@code LESS_THAN} exactly one integer. The values are stored
   * sorted and without duplicates (they are a set). Immutable and thread-safe.
   *
   * @param key the label key, not null
   * @param operator the operator, not null
   * @param values the values; null is taken as empty
   * @throws IllegalArgumentException if the requirement is invalid, with apimachinery's field-error message
   */
  public record Requirement(String key, Operator operator, List<String> values) {
    public Requirement {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(operator, "operator");
      values = values == null ? List.of() : List.copyOf(values);
      List<String> errors = new ArrayList<>();
      List<String> keyErrors = LabelValidation.qualifiedNameErrors(key);
      if (!keyErrors.isEmpty()) {
        errors.add(LabelValidation.invalid("key", key, keyErrors));
      }
      switch (operator) {
        case IN, NOT_IN -> {
          if (values.isEmpty()) {
            errors.add(invalidValues(values, "for 'in', 'notin' operators, values set can't be empty"));
          }
        }
        case EQUALS, DOUBLE_EQUALS, NOT_EQUALS -> {
          if (values.size() != 1) {
            errors.add(invalidValues(values, "exact-match compatibility requires one single value"));
          }
        }
        case EXISTS, DOES_NOT_EXIST -> {
          if (!values.isEmpty()) {
            errors.add(invalidValues(values, "values set must be empty for exists and does not exist"));
          }
        }
        case GREATER_THAN, LESS_THAN -> {
          if (values.size() != 1) {
            errors.add(invalidValues(values, "for 'Gt', 'Lt' operators, exactly one value is required"));
          }
          for (int i = 0; i < values.size(); i++) {
            if (parseLong(values.get(i)) == null) {
              errors.add(LabelValidation.invalid("values[" + i + "]", values.get(i),
                  List.of("for 'Gt', 'Lt' operators, the value must be an integer")));
            }
          }
        }
      }
      for (int i = 0; i < values.size(); i++) {
        List<String> valueErrors = LabelValidation.labelValueErrors(values.get(i));
        if (!valueErrors.isEmpty()) {
          errors.add(LabelValidation.invalid("values[" + i + "][" + key + "]", values.get(i), valueErrors));
        }
      }
      if (!errors.isEmpty()) {
        throw new IllegalArgumentException(LabelValidation.aggregate(errors));
      }
      values = values.size() <= 1 ? values : List.copyOf(new TreeSet<>(values));
    }

    /**
     * Whether {@code labels} satisfy this requirement. A null value in the map counts as an absent label.
     *
     * @param labels the object's labels, not null
     */
    public boolean matches(Map<String, String> labels) {
      String actual = labels.get(key);
      return switch (operator) {
        case IN, EQUALS, DOUBLE_EQUALS -> actual != null && values.contains(actual);
        case NOT_IN, NOT_EQUALS -> actual == null || !values.contains(actual);
        case EXISTS -> actual != null;
        case DOES_NOT_EXIST -> actual == null;
        case GREATER_THAN, LESS_THAN -> {
          Long left = actual == null ? null : parseLong(actual);
          Long right = values.size() == 1 ? parseLong(values.get(0)) : null;
          if (left == null || right == null) {
            yield false;
          }
          yield operator == Operator.GREATER_THAN ? left > right : left < right;
        }
      };
    }

    /** The canonical text of this requirement, as apimachinery's {@code Requirement.String()}. */
    @Override
    public String toString() {
      return switch (operator) {
        case EXISTS -> key;
        case DOES_NOT_EXIST -> "!" + key;
        case IN -> key + " in (" + String.join(",", values) + ")";
        case NOT_IN -> key + " notin (" + String.join(",", values) + ")";
        case GREATER_THAN -> key + ">" + values.get(0);
        case LESS_THAN -> key + "<" + values.get(0);
        case EQUALS, DOUBLE_EQUALS, NOT_EQUALS -> key + operator.symbol() + values.get(0);
      };
    }

    private static String invalidValues(List<String> values, String detail) {
      // apimachinery renders a []string value with %#v
      String rendered = values.stream().map(LabelValidation::quote).collect(Collectors.joining(", ", "[]string{", "}"));
      return "values: Invalid value: " + rendered + ": " + detail;
    }

    /** Parses a base-10 64-bit integer as Go's {@code strconv.ParseInt(s, 10, 64)} does; null if it is not one. */
    private static Long parseLong(String s) {
      try {
        return Long.parseLong(s);
      } catch (NumberFormatException e) {
        return null;
      }
    }
  }
}
