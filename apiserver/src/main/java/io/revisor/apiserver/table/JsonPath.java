package io.revisor.apiserver.table;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Objects;

/**
 * A compiled JSONPath in the relaxed form of client-go's {@code util/jsonpath}, as Kubernetes evaluates
 * {@code additionalPrinterColumns[].jsonPath}: the inside of one {@code {...}} template action, with missing keys
 * allowed.
 *
 * <p>Supported: fields {@code .spec.title}; escaped dots {@code .metadata.annotations.example\.com/x}; indexes and
 * slices {@code [0]}, {@code [-1]}, {@code [0:2]}, {@code [::2]}, {@code [*]}; unions {@code [0,2]}; quoted keys
 * {@code ['app']}; wildcards {@code .*}; recursive descent {@code ..name}; filters {@code [?(@.type=="Ready")]},
 * {@code [?(@.count > 2)]}, {@code [?(@.ready)]}; string, number and boolean literals.
 *
 * <p>Upstream's rules are kept where they surprise: a quoted key is read as a field path, so {@code ['a.b']} means
 * {@code .a.b} (escape it as {@code ['a\.b']} or write {@code .a\.b}); an index or slice past the end of a list is an
 * evaluation failure, not an empty result; comparing values of different kinds (a string with a number) fails.
 * Upstream iterates maps in random order; this implementation uses document order.
 *
 * <p>Instances are immutable and thread-safe; compile each expression once and evaluate it against any number of
 * documents. Evaluation never modifies the document and returns nodes of it (not copies).
 */
public final class JsonPath {
  private final String expression;
  private final PathStep[] steps;
  private final String[] fieldChain;

  private JsonPath(String expression, PathStep[] steps) {
    this.expression = expression;
    this.steps = steps;
    this.fieldChain = fieldChain(steps);
  }

  /**
   * Compiles an expression such as {@code .status.conditions[?(@.type=="Ready")].status}.
   *
   * @param expression the path without surrounding braces; never null
   * @return the compiled path
   * @throws JsonPathException if the expression does not parse; its {@link JsonPathException#detail()} uses
   *     client-go's wording (e.g. {@code unterminated array})
   */
  public static JsonPath compile(String expression) {
    Objects.requireNonNull(expression, "expression");
    return new JsonPath(expression, JsonPathParser.parse(expression));
  }

  /** The expression as given to {@link #compile}. */
  public String expression() {
    return expression;
  }

  /**
   * Every value the path reaches, in order. An absent key yields nothing; a JSON {@code null} that is reached is a
   * {@code NullNode} result.
   *
   * @param document the object to evaluate against; never null
   * @return the results, possibly empty; an immutable view is not guaranteed, do not modify it
   * @throws JsonPathException when evaluation fails as upstream's would (index out of bounds, index or filter on a
   *     non-list, comparison of different kinds); such exceptions carry no stack trace
   */
  public List<JsonNode> evaluate(JsonNode document) {
    Objects.requireNonNull(document, "document");
    try {
      return PathStep.run(steps, List.of(document));
    } catch (PathStep.Failure e) {
      throw JsonPathException.evaluation(expression, e.getMessage());
    }
  }

  /**
   * The first value the path reaches, which is what a printer column shows.
   *
   * @param document the object to evaluate against; never null
   * @return the first result (a {@code NullNode} for an explicit JSON null), or Java {@code null} when there is no
   *     result or evaluation fails
   */
  public JsonNode first(JsonNode document) {
    Objects.requireNonNull(document, "document");
    if (fieldChain != null) {
      // Most printer columns are plain field chains: walk them without intermediate lists.
      JsonNode current = document;
      for (String field : fieldChain) {
        if (!current.isObject()) {
          return null;
        }
        current = current.get(field);
        if (current == null) {
          return null;
        }
      }
      return current;
    }
    try {
      List<JsonNode> results = PathStep.run(steps, List.of(document));
      return results.isEmpty() ? null : results.get(0);
    } catch (PathStep.Failure e) {
      return null;
    }
  }

  @Override
  public String toString() {
    return expression;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof JsonPath other && other.expression.equals(expression);
  }

  @Override
  public int hashCode() {
    return expression.hashCode();
  }

  private static String[] fieldChain(PathStep[] steps) {
    String[] names = new String[steps.length];
    for (int i = 0; i < steps.length; i++) {
      if (!(steps[i] instanceof PathStep.Field field)) {
        return null;
      }
      names[i] = field.name();
    }
    return names;
  }
}
