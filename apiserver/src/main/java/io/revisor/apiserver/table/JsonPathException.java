package io.revisor.apiserver.table;

/**
 * A JSONPath expression that does not compile, or (from {@link JsonPath#evaluate}) one that cannot be evaluated
 * against a given document, e.g. an index out of bounds or a comparison of a string with a number.
 *
 * <p>{@link #getMessage()} names the expression; {@link #detail()} is the reason alone, in the words of client-go's
 * parser, so that a definition loader can put it after its own field path.
 */
public final class JsonPathException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String expression;
  private final String detail;

  private JsonPathException(String expression, String detail, boolean stackTrace) {
    super("invalid JSONPath \"" + expression + "\": " + detail, null, false, stackTrace);
    this.expression = expression;
    this.detail = detail;
  }

  static JsonPathException compile(String expression, String detail) {
    return new JsonPathException(expression, detail, true);
  }

  /** Evaluation failures are expected per row (a short array, a missing key): no stack trace, they are cheap. */
  static JsonPathException evaluation(String expression, String detail) {
    return new JsonPathException(expression, detail, false);
  }

  /** The expression as given to {@link JsonPath#compile}. */
  public String expression() {
    return expression;
  }

  /** The reason alone, e.g. {@code unterminated array}. */
  public String detail() {
    return detail;
  }
}
