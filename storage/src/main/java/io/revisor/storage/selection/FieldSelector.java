package io.revisor.storage.selection;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * A Kubernetes field selector: a conjunction of {@code field=value}, {@code field==value} and {@code field!=value}
 * terms, with the syntax and semantics of apimachinery's {@code fields.ParseSelector}.
 *
 * <p>A field that the object does not have compares as the empty string (upstream's {@code fields.Set.Get}), so
 * {@code spec.nodeName=} selects objects without a node and {@code spec.nodeName!=} those with one.
 * {@code metadata.name} and {@code metadata.namespace} are read from {@link ObjectAttributes#name()} and
 * {@link ObjectAttributes#namespace()}; every other field from {@link ObjectAttributes#fields()}.
 *
 * <p>Which fields a resource supports is not decided here: the API layer inspects {@link #requirements()} and answers
 * 400 for unsupported ones. Instances are immutable and thread-safe.
 */
public final class FieldSelector implements ObjectPredicate {
  /** The field holding the object's name. */
  public static final String METADATA_NAME = "metadata.name";
  /** The field holding the object's namespace. */
  public static final String METADATA_NAMESPACE = "metadata.namespace";

  private static final FieldSelector EVERYTHING = new FieldSelector(List.of());
  /** Tried in this order at each position of a term, as upstream: "!=" and "==" before "=". */
  private static final List<Operator> TERM_OPERATORS = List.of(Operator.NOT_EQUALS, Operator.EQUALS);

  private final List<Requirement> requirements;
  private final Set<String> fieldPaths;
  private final String singleName;

  private FieldSelector(List<Requirement> requirements) {
    this.requirements = requirements;
    TreeSet<String> paths = new TreeSet<>();
    String name = null;
    for (Requirement requirement : requirements) {
      String field = requirement.field();
      if (!field.equals(METADATA_NAME) && !field.equals(METADATA_NAMESPACE)) {
        paths.add(field);
      }
      if (name == null && field.equals(METADATA_NAME) && requirement.operator() == Operator.EQUALS) {
        name = requirement.value();
      }
    }
    this.fieldPaths = Collections.unmodifiableSet(paths);
    this.singleName = name;
  }

  /** The empty selector, which selects every object. */
  public static FieldSelector everything() {
    return EVERYTHING;
  }

  /**
   * Parses a selector such as {@code "metadata.name=web,status.phase!=Running"}. Terms are separated by unescaped
   * commas; in a value, {@code \,} {@code \=} and {@code \\} stand for {@code ,} {@code =} and {@code \}. Each term is
   * split at its first operator ({@code !=}, {@code ==} or {@code =}); the field is taken verbatim (not trimmed, not
   * unescaped). Empty terms are skipped, so {@code ""} and {@code ","} select everything. Terms are kept in the
   * sorted order of their text, as upstream, which makes {@link #toString()} canonical.
   *
   * @param selector the selector text, not null
   * @return the selector, never null
   * @throws IllegalArgumentException with upstream's message if a term has no operator
   *     ({@code invalid selector: '...'; can't understand '...'}) or a value has an invalid escape or an unescaped
   *     {@code =} ({@code invalid field selector: ...})
   * @throws NullPointerException if {@code selector} is null
   */
  public static FieldSelector parse(String selector) {
    Objects.requireNonNull(selector, "selector");
    List<String> terms = splitTerms(selector);
    Collections.sort(terms);
    List<Requirement> requirements = new ArrayList<>();
    for (String term : terms) {
      if (term.isEmpty()) {
        continue;
      }
      requirements.add(parseTerm(selector, term));
    }
    return of(requirements);
  }

  /**
   * A selector requiring all of {@code requirements}, in the given order.
   *
   * @param requirements the terms, not null
   */
  public static FieldSelector of(List<Requirement> requirements) {
    return requirements.isEmpty() ? EVERYTHING : new FieldSelector(List.copyOf(requirements));
  }

  /** The terms, in canonical order; empty for {@link #everything()}. Immutable. */
  public List<Requirement> requirements() {
    return requirements;
  }

  @Override
  public boolean matches(ObjectAttributes attributes) {
    for (Requirement requirement : requirements) {
      if (!requirement.matches(valueOf(attributes, requirement.field()))) {
        return false;
      }
    }
    return true;
  }

  @Override
  public boolean isEverything() {
    return requirements.isEmpty();
  }

  /** The fields used, other than {@code metadata.name} and {@code metadata.namespace}; sorted, immutable. */
  @Override
  public Set<String> fieldPaths() {
    return fieldPaths;
  }

  /** The value of the first {@code metadata.name=NAME} (or {@code ==}) term, or null if there is none. */
  @Override
  public String singleName() {
    return singleName;
  }

  /** The canonical text, as apimachinery's {@code Selector.String()}: {@code ==} is written {@code =}, values escaped. */
  @Override
  public String toString() {
    return requirements.stream().map(Requirement::toString).collect(Collectors.joining(","));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FieldSelector other && requirements.equals(other.requirements);
  }

  @Override
  public int hashCode() {
    return requirements.hashCode();
  }

  /**
   * Escapes {@code \}, {@code ,} and {@code =} in a literal value so that it can be written into selector text
   * (apimachinery's {@code EscapeValue}).
   */
  public static String escapeValue(String value) {
    StringBuilder sb = new StringBuilder(value.length());
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '\\' || c == ',' || c == '=') {
        sb.append('\\');
      }
      sb.append(c);
    }
    return sb.toString();
  }

  /**
   * Undoes {@link #escapeValue} (apimachinery's {@code UnescapeValue}).
   *
   * @throws IllegalArgumentException on a backslash not followed by {@code \ , =}, a trailing backslash, or an
   *     unescaped {@code ,} or {@code =}
   */
  public static String unescapeValue(String value) {
    StringBuilder sb = new StringBuilder(value.length());
    boolean escaped = false;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (escaped) {
        if (c != '\\' && c != ',' && c != '=') {
          int codePoint = value.codePointAt(i);
          throw new IllegalArgumentException(
              "invalid field selector: invalid escape sequence: \\" + Character.toString(codePoint));
        }
        sb.append(c);
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == ',' || c == '=') {
        // Upstream prints the rune's number here; the character itself is more useful to a client.
        throw new IllegalArgumentException("invalid field selector: unescaped character in value: " + c);
      } else {
        sb.append(c);
      }
    }
    if (escaped) {
      throw new IllegalArgumentException("invalid field selector: invalid escape sequence: \\");
    }
    return sb.toString();
  }

  private static String valueOf(ObjectAttributes attributes, String field) {
    String value = switch (field) {
      case METADATA_NAME -> attributes.name();
      case METADATA_NAMESPACE -> attributes.namespace();
      default -> attributes.fields().get(field);
    };
    return value == null ? "" : value;
  }

  /** Splits at commas that are not preceded by an escaping backslash. */
  private static List<String> splitTerms(String selector) {
    List<String> terms = new ArrayList<>();
    if (selector.isEmpty()) {
      return terms;
    }
    int start = 0;
    boolean escaped = false;
    for (int i = 0; i < selector.length(); i++) {
      char c = selector.charAt(i);
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == ',') {
        terms.add(selector.substring(start, i));
        start = i + 1;
      }
    }
    terms.add(selector.substring(start));
    return terms;
  }

  private static Requirement parseTerm(String selector, String term) {
    for (int i = 0; i < term.length(); i++) {
      // "==" before "=" so that "a==b" is not read as field "a", value "=b"
      for (Operator operator : TERM_OPERATORS) {
        for (String spelling : operator.spellings) {
          if (term.startsWith(spelling, i)) {
            String value = unescapeValue(term.substring(i + spelling.length()));
            return new Requirement(term.substring(0, i), operator, value);
          }
        }
      }
    }
    throw new IllegalArgumentException("invalid selector: '" + selector + "'; can't understand '" + term + "'");
  }

  /** A field selector operator. {@code ==} is a synonym of {@code =} and is parsed as {@link #EQUALS}. */
  public enum Operator {
    EQUALS("=", "==", "="),
    NOT_EQUALS("!=", "!=");

    private final String symbol;
    private final List<String> spellings;

    Operator(String symbol, String... spellings) {
      this.symbol = symbol;
      this.spellings = List.of(spellings);
    }

    /** The canonical spelling: {@code =} or {@code !=}. */
    public String symbol() {
      return symbol;
    }
  }

  /**
   * One term: {@code field} compared with the literal (unescaped) {@code value}.
   *
   * @param field the field path, e.g. {@code status.phase}, not null (may be empty, as upstream allows)
   * @param operator the operator, not null
   * @param value the unescaped value, not null (may be empty)
   */
  public record Requirement(String field, Operator operator, String value) {
    public Requirement {
      Objects.requireNonNull(field, "field");
      Objects.requireNonNull(operator, "operator");
      Objects.requireNonNull(value, "value");
    }

    /** Whether a field whose value is {@code actual} (empty when absent) satisfies this term. */
    public boolean matches(String actual) {
      return operator == Operator.EQUALS ? value.equals(actual) : !value.equals(actual);
    }

    /** The canonical text: {@code field=value} or {@code field!=value}, with the value escaped. */
    @Override
    public String toString() {
      return field + operator.symbol() + escapeValue(value);
    }
  }
}
