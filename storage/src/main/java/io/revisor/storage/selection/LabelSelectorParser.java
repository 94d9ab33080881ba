package io.revisor.storage.selection;

import io.revisor.storage.selection.LabelSelector.Operator;
import io.revisor.storage.selection.LabelSelector.Requirement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Lexer and recursive-descent parser for label selector text, following apimachinery's {@code labels.Parse} token by
 * token so that the same inputs are accepted and rejected, with the same error messages:
 *
 * <pre>
 *   selector     ::= requirement | requirement "," selector
 *   requirement  ::= ["!"] KEY [ set-based | exact-match ]
 *   set-based    ::= ("in" | "notin") "(" values ")"
 *   values       ::= VALUE | VALUE "," values          (empty VALUEs allowed)
 *   exact-match  ::= ("=" | "==" | "!=" | "&gt;" | "&lt;") VALUE
 * </pre>
 *
 * <p>Whitespace is space, tab, CR and LF. Every other character that is not one of {@code = ! ( ) , > <} belongs to
 * an identifier; {@code in} and {@code notin} are keywords only where an operator is expected. Stateless; each call
 * works on its own token list, so the class is thread-safe.
 */
final class LabelSelectorParser {
  enum Token {
    ERROR, END_OF_STRING, CLOSED_PAR, COMMA, DOES_NOT_EXIST, DOUBLE_EQUALS, EQUALS, GREATER_THAN, IDENTIFIER, IN,
    LESS_THAN, NOT_EQUALS, NOT_IN, OPEN_PAR
  }

  /** One lexed token and its text. */
  record Item(Token token, String literal) {}

  private static final Map<String, Token> SYMBOLS = Map.ofEntries(
      Map.entry(")", Token.CLOSED_PAR),
      Map.entry(",", Token.COMMA),
      Map.entry("!", Token.DOES_NOT_EXIST),
      Map.entry("==", Token.DOUBLE_EQUALS),
      Map.entry("=", Token.EQUALS),
      Map.entry(">", Token.GREATER_THAN),
      Map.entry("in", Token.IN),
      Map.entry("<", Token.LESS_THAN),
      Map.entry("!=", Token.NOT_EQUALS),
      Map.entry("notin", Token.NOT_IN),
      Map.entry("(", Token.OPEN_PAR));

  private static final String BINARY_OPERATORS = String.join(", ",
      Operator.IN.symbol(), Operator.NOT_IN.symbol(), Operator.EQUALS.symbol(), Operator.DOUBLE_EQUALS.symbol(),
      Operator.NOT_EQUALS.symbol(), Operator.GREATER_THAN.symbol(), Operator.LESS_THAN.symbol());

  private final List<Item> items;
  private int position;

  private LabelSelectorParser(List<Item> items) {
    this.items = items;
  }

  /** Parses {@code selector} into its requirements, in the order written. */
  static List<Requirement> parse(String selector) {
    return new LabelSelectorParser(lex(selector)).parseSelector();
  }

  // ---------------------------------------------------------------- lexer

  /** Splits {@code input} into tokens; the last one is always {@link Token#END_OF_STRING}. */
  static List<Item> lex(String input) {
    List<Item> result = new ArrayList<>();
    int pos = 0;
    int length = input.length();
    while (true) {
      while (pos < length && isWhitespace(input.charAt(pos))) {
        pos++;
      }
      if (pos == length) {
        result.add(new Item(Token.END_OF_STRING, ""));
        return result;
      }
      int start = pos;
      if (isSpecialSymbol(input.charAt(pos))) {
        // Longest match: grow while the text is still a symbol, stop at the first extension that is not one.
        Token last = null;
        int lastEnd = start;
        while (pos < length && isSpecialSymbol(input.charAt(pos))) {
          Token token = SYMBOLS.get(input.substring(start, pos + 1));
          if (token != null) {
            last = token;
            lastEnd = pos + 1;
          } else if (last != null) {
            break;
          }
          pos++;
        }
        if (last == null) {
          result.add(new Item(Token.ERROR, "error expected: keyword found '" + input.substring(start, pos) + "'"));
        } else {
          result.add(new Item(last, input.substring(start, lastEnd)));
          pos = lastEnd;
        }
      } else {
        while (pos < length && !isSpecialSymbol(input.charAt(pos)) && !isWhitespace(input.charAt(pos))) {
          pos++;
        }
        String literal = input.substring(start, pos);
        Token keyword = SYMBOLS.get(literal);
        result.add(new Item(keyword != null ? keyword : Token.IDENTIFIER, literal));
      }
    }
  }

  private static boolean isWhitespace(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
  }

  private static boolean isSpecialSymbol(char c) {
    return c == '=' || c == '!' || c == '(' || c == ')' || c == ',' || c == '>' || c == '<';
  }

  // ---------------------------------------------------------------- parser

  /** Where a token is read: in VALUES context the keywords {@code in}/{@code notin} are plain identifiers. */
  private enum Context { KEY_AND_OPERATOR, VALUES }

  private Item lookahead(Context context) {
    return inContext(items.get(position), context);
  }

  private Item consume(Context context) {
    return inContext(items.get(position++), context);
  }

  private static Item inContext(Item item, Context context) {
    if (context == Context.VALUES && (item.token() == Token.IN || item.token() == Token.NOT_IN)) {
      return new Item(Token.IDENTIFIER, item.literal());
    }
    return item;
  }

  private List<Requirement> parseSelector() {
    List<Requirement> requirements = new ArrayList<>();
    while (true) {
      Item next = lookahead(Context.VALUES);
      switch (next.token()) {
        case IDENTIFIER, DOES_NOT_EXIST -> {
          try {
            requirements.add(parseRequirement());
          } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unable to parse requirement: " + e.getMessage(), e);
          }
          Item separator = consume(Context.VALUES);
          switch (separator.token()) {
            case END_OF_STRING -> {
              return requirements;
            }
            case COMMA -> {
              Item after = lookahead(Context.VALUES);
              if (after.token() != Token.IDENTIFIER && after.token() != Token.DOES_NOT_EXIST) {
                throw new IllegalArgumentException(
                    "found '" + after.literal() + "', expected: identifier after ','");
              }
            }
            default -> throw new IllegalArgumentException(
                "found '" + separator.literal() + "', expected: ',' or 'end of string'");
          }
        }
        case END_OF_STRING -> {
          return requirements;
        }
        default -> throw new IllegalArgumentException(
            "found '" + next.literal() + "', expected: !, identifier, or 'end of string'");
      }
    }
  }

  private Requirement parseRequirement() {
    boolean negated = false;
    Item keyItem = consume(Context.VALUES);
    if (keyItem.token() == Token.DOES_NOT_EXIST) {
      negated = true;
      keyItem = consume(Context.VALUES);
    }
    if (keyItem.token() != Token.IDENTIFIER) {
      throw new IllegalArgumentException("found '" + keyItem.literal() + "', expected: identifier");
    }
    String key = keyItem.literal();
    List<String> keyErrors = LabelValidation.qualifiedNameErrors(key);
    if (!keyErrors.isEmpty()) {
      // upstream validates here with the parser's nil field path, which renders as "<nil>"
      throw new IllegalArgumentException(LabelValidation.invalid("<nil>", key, keyErrors));
    }
    if (negated) {
      // "!key" takes no operator; anything after it is reported by the caller as a bad separator.
      return new Requirement(key, Operator.DOES_NOT_EXIST, List.of());
    }
    Token following = lookahead(Context.VALUES).token();
    if (following == Token.END_OF_STRING || following == Token.COMMA) {
      return new Requirement(key, Operator.EXISTS, List.of());
    }
    Operator operator = parseOperator();
    List<String> values = switch (operator) {
      case IN, NOT_IN -> parseValues();
      default -> parseExactValue();
    };
    return new Requirement(key, operator, values);
  }

  private Operator parseOperator() {
    Item item = consume(Context.KEY_AND_OPERATOR);
    return switch (item.token()) {
      case IN -> Operator.IN;
      case EQUALS -> Operator.EQUALS;
      case DOUBLE_EQUALS -> Operator.DOUBLE_EQUALS;
      case GREATER_THAN -> Operator.GREATER_THAN;
      case LESS_THAN -> Operator.LESS_THAN;
      case NOT_IN -> Operator.NOT_IN;
      case NOT_EQUALS -> Operator.NOT_EQUALS;
      default -> throw new IllegalArgumentException(
          "found '" + item.literal() + "', expected: " + BINARY_OPERATORS);
    };
  }

  /** {@code "(" values ")"}; the result is sorted and distinct, as upstream's string set. */
  private List<String> parseValues() {
    Item open = consume(Context.VALUES);
    if (open.token() != Token.OPEN_PAR) {
      throw new IllegalArgumentException("found '" + open.literal() + "' expected: '('");
    }
    Item first = lookahead(Context.VALUES);
    switch (first.token()) {
      case IDENTIFIER, COMMA -> {
        TreeSet<String> values = parseIdentifiersList();
        if (consume(Context.VALUES).token() != Token.CLOSED_PAR) {
          // upstream reports the token after '(' here, not the offending one
          throw new IllegalArgumentException("found '" + first.literal() + "', expected: ')'");
        }
        return List.copyOf(values);
      }
      case CLOSED_PAR -> {
        consume(Context.VALUES);
        return List.of("");
      }
      default -> throw new IllegalArgumentException(
          "found '" + first.literal() + "', expected: ',', ')' or identifier");
    }
  }

  /** A possibly empty list of possibly empty identifiers separated by commas; stops before ')'. */
  private TreeSet<String> parseIdentifiersList() {
    TreeSet<String> values = new TreeSet<>();
    while (true) {
      Item item = consume(Context.VALUES);
      switch (item.token()) {
        case IDENTIFIER -> {
          values.add(item.literal());
          Item next = lookahead(Context.VALUES);
          switch (next.token()) {
            case COMMA -> {
              // next round consumes the comma
            }
            case CLOSED_PAR -> {
              return values;
            }
            default -> throw new IllegalArgumentException(
                "found '" + next.literal() + "', expected: ',' or ')'");
          }
        }
        case COMMA -> {
          if (values.isEmpty()) {
            values.add(""); // "(,"
          }
          Token next = lookahead(Context.VALUES).token();
          if (next == Token.CLOSED_PAR) {
            values.add(""); // ",)"
            return values;
          }
          if (next == Token.COMMA) {
            consume(Context.VALUES);
            values.add(""); // ",,"
          }
        }
        default -> throw new IllegalArgumentException(
            "found '" + item.literal() + "', expected: ',', or identifier");
      }
    }
  }

  /** The single value after an exact-match operator; "" when the requirement ends right after the operator. */
  private List<String> parseExactValue() {
    Token next = lookahead(Context.VALUES).token();
    if (next == Token.END_OF_STRING || next == Token.COMMA) {
      return List.of("");
    }
    Item item = consume(Context.VALUES);
    if (item.token() == Token.IDENTIFIER) {
      return List.of(item.literal());
    }
    throw new IllegalArgumentException("found '" + item.literal() + "', expected: identifier");
  }
}
