package io.revisor.apiserver.table;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses the inside of one client-go {@code jsonpath} action ({@code {...}}), following the grammar of upstream's
 * {@code parser.go}: fields with backslash escapes, {@code ..}, {@code [...]} (indexes, slices, unions, quoted keys),
 * filters, string, number and boolean literals. Differences, all rejections of what upstream accepts and then fails to
 * evaluate or prints as text: braces, and the template keywords {@code range} and {@code end} (or any other bare
 * identifier).
 *
 * <p>Not thread-safe; one parser per expression. Regular expressions are compiled once per class.
 */
final class JsonPathParser {
  private static final int EOF = -1;
  private static final Pattern DICT_KEY = Pattern.compile("^'([^']*)'$");
  private static final Pattern SLICE = Pattern.compile("^(-?\\d*)(:-?\\d*)?(:-?\\d*)?$");
  private static final Pattern COMPARISON = Pattern.compile("^([^!<>=]+)([!<>=]+)(.+?)$");

  private final String expression;
  private final String input;
  private int pos;
  private int width;

  private JsonPathParser(String expression, String input) {
    this.expression = expression;
    this.input = input;
  }

  /** Parses a whole expression. */
  static PathStep[] parse(String expression) {
    return new JsonPathParser(expression, expression).parseAction();
  }

  /** Parses a piece of the expression (a union branch, a quoted key, a filter side) on its own. */
  private PathStep[] parsePart(String part) {
    return new JsonPathParser(expression, part).parseAction();
  }

  private PathStep[] parseAction() {
    List<PathStep> steps = new ArrayList<>();
    while (true) {
      if (input.startsWith("[?(", pos)) {
        parseFilter(steps);
        continue;
      }
      if (input.startsWith("..", pos)) {
        parseRecursive(steps);
        continue;
      }
      int r = next();
      if (r == EOF) {
        return steps.toArray(new PathStep[0]);
      }
      if (r == '\r' || r == '\n') {
        throw error("unclosed action");
      } else if (r == ' ' || r == '@' || r == '$') {
        // Spaces separate tokens; @ and $ name the current object, which is where evaluation already is.
        continue;
      } else if (r == '[') {
        parseArray(steps);
      } else if (r == '"' || r == '\'') {
        parseQuote(steps, r);
      } else if (r == '.') {
        parseField(steps);
      } else if (r == '+' || r == '-' || Character.isDigit(r)) {
        backup();
        parseNumber(steps);
      } else if (isAlphaNumeric(r)) {
        backup();
        parseIdentifier(steps);
      } else if (r == '{' || r == '}') {
        throw error(String.format("unexpected %s: a printer column path is one expression, without braces",
            describe(r)));
      } else {
        throw error("unrecognized character in action: " + describe(r));
      }
    }
  }

  private void parseField(List<PathStep> steps) {
    int start = pos;
    while (advance()) {
      // scan to the next unescaped terminator
    }
    String value = input.substring(start, pos);
    if (value.equals("*")) {
      steps.add(new PathStep.Wildcard());
    } else {
      steps.add(new PathStep.Field(value.replace("\\", "")));
    }
  }

  /** Reads one character of a field name; a backslash takes the next character literally. */
  private boolean advance() {
    int r = next();
    if (r == '\\') {
      next();
    } else if (isTerminator(r)) {
      backup();
      return false;
    }
    return true;
  }

  private void parseRecursive(List<PathStep> steps) {
    if (!steps.isEmpty() && steps.get(steps.size() - 1) instanceof PathStep.Recursive) {
      throw error("invalid multiple recursive descent");
    }
    pos += 2;
    steps.add(new PathStep.Recursive());
    if (isAlphaNumeric(peek())) {
      parseField(steps);
    }
  }

  private void parseArray(List<PathStep> steps) {
    int start = pos;
    while (true) {
      int r = next();
      if (r == EOF || r == '\n') {
        throw error("unterminated array");
      }
      if (r == ']') {
        break;
      }
    }
    String text = input.substring(start, pos - 1);
    if (text.equals("*")) {
      text = ":";
    }
    String[] parts = text.split(",", -1);
    if (parts.length > 1) {
      List<PathStep[]> branches = new ArrayList<>(parts.length);
      for (String part : parts) {
        branches.add(parsePart("[" + trimSpaces(part) + "]"));
      }
      steps.add(new PathStep.Union(branches));
      return;
    }
    Matcher key = DICT_KEY.matcher(text);
    if (key.matches()) {
      // As upstream: the quoted key is read as ".key", so dots in it still separate fields unless escaped.
      steps.addAll(List.of(parsePart("." + key.group(1))));
      return;
    }
    Matcher slice = SLICE.matcher(text);
    if (!slice.matches()) {
      throw error("invalid array index " + text);
    }
    boolean[] known = new boolean[3];
    long[] values = new long[3];
    boolean endDerived = false;
    for (int i = 0; i < 3; i++) {
      String group = slice.group(i + 1) == null ? "" : slice.group(i + 1);
      if (!group.isEmpty()) {
        if (i > 0) {
          group = group.substring(1);
        }
        if (i > 0 && group.isEmpty()) {
          known[i] = false;
        } else {
          known[i] = true;
          values[i] = parseIndex(group);
        }
      } else if (i == 1) {
        known[i] = true;
        values[i] = values[0] + 1;
        endDerived = true;
      }
    }
    steps.add(new PathStep.Slice(known[0], values[0], known[1], values[1], endDerived, known[2], values[2]));
  }

  private long parseIndex(String text) {
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException e) {
      throw error("array index " + text + " is not a number");
    }
  }

  private void parseFilter(List<PathStep> steps) {
    pos += 3;
    int start = pos;
    boolean begin = false;
    boolean end = false;
    int pair = 0;
    while (true) {
      int r = next();
      if (r == EOF || r == '\n') {
        throw error("unterminated filter");
      }
      if (r == '"' || r == '\'') {
        if (!begin) {
          begin = true;
          pair = r;
          continue;
        }
        if (input.charAt(pos - 2) != '\\' && r == pair) {
          end = true;
        }
      } else if (r == ')' && begin == end) {
        break;
      }
    }
    if (next() != ']') {
      throw error("unclosed array expect ]");
    }
    String text = input.substring(start, pos - 2);
    Matcher comparison = COMPARISON.matcher(text);
    if (!comparison.matches()) {
      steps.add(new PathStep.Filter(parsePart(text), PathStep.Operator.EXISTS, new PathStep[0]));
      return;
    }
    PathStep.Operator operator = PathStep.Operator.of(comparison.group(2));
    if (operator == null) {
      throw error("unrecognized filter operator " + comparison.group(2));
    }
    steps.add(new PathStep.Filter(parsePart(comparison.group(1)), operator, parsePart(comparison.group(3))));
  }

  private void parseQuote(List<PathStep> steps, int quote) {
    int start = pos - 1;
    while (true) {
      int r = next();
      if (r == EOF || r == '\n') {
        throw error("unterminated quoted string");
      }
      if (r == quote && input.charAt(pos - 2) != '\\') {
        break;
      }
    }
    String quoted = input.substring(start, pos);
    steps.add(new PathStep.Text(unquote(quoted)));
  }

  private void parseNumber(List<PathStep> steps) {
    int start = pos;
    int r = peek();
    if (r == '+' || r == '-') {
      next();
    }
    while (true) {
      r = next();
      if (r != '.' && !Character.isDigit(r)) {
        backup();
        break;
      }
    }
    String value = input.substring(start, pos);
    try {
      steps.add(PathStep.Constant.of(Long.parseLong(value)));
      return;
    } catch (NumberFormatException e) {
      // not an integer; maybe a float
    }
    try {
      steps.add(PathStep.Constant.of(Double.parseDouble(value)));
    } catch (NumberFormatException e) {
      throw error("cannot parse number " + value);
    }
  }

  private void parseIdentifier(List<PathStep> steps) {
    int start = pos;
    while (true) {
      int r = next();
      if (isTerminator(r)) {
        backup();
        break;
      }
    }
    String value = input.substring(start, pos);
    if (value.equals("true") || value.equals("false")) {
      steps.add(PathStep.Constant.of(Boolean.parseBoolean(value)));
    } else {
      throw error("unrecognized identifier " + value);
    }
  }

  /** Go's {@code strconv.Unquote} rules for one single- or double-quoted literal, quotes included. */
  private String unquote(String quoted) {
    char quote = quoted.charAt(0);
    String body = quoted.substring(1, quoted.length() - 1);
    if (body.indexOf('\\') < 0 && body.indexOf(quote) < 0) {
      return body;
    }
    StringBuilder out = new StringBuilder(body.length());
    int i = 0;
    while (i < body.length()) {
      char c = body.charAt(i++);
      if (c == quote) {
        throw badQuote(quoted);
      }
      if (c != '\\') {
        out.append(c);
        continue;
      }
      if (i >= body.length()) {
        throw badQuote(quoted);
      }
      char e = body.charAt(i++);
      switch (e) {
        case 'a' -> out.append('\u0007');
        case 'b' -> out.append('\b');
        case 'f' -> out.append('\f');
        case 'n' -> out.append('\n');
        case 'r' -> out.append('\r');
        case 't' -> out.append('\t');
        case 'v' -> out.append('\u000b');
        case '\\' -> out.append('\\');
        case '\'', '"' -> {
          if (e != quote) {
            throw badQuote(quoted);
          }
          out.append(e);
        }
        case 'x', 'u', 'U' -> {
          int digits = e == 'x' ? 2 : e == 'u' ? 4 : 8;
          if (i + digits > body.length()) {
            throw badQuote(quoted);
          }
          int codePoint;
          try {
            codePoint = Integer.parseUnsignedInt(body.substring(i, i + digits), 16);
          } catch (NumberFormatException ex) {
            throw badQuote(quoted);
          }
          if (!Character.isValidCodePoint(codePoint)) {
            throw badQuote(quoted);
          }
          out.appendCodePoint(codePoint);
          i += digits;
        }
        case '0', '1', '2', '3', '4', '5', '6', '7' -> {
          if (i + 2 > body.length()) {
            throw badQuote(quoted);
          }
          int value = 0;
          String octal = e + body.substring(i, i + 2);
          for (int k = 0; k < 3; k++) {
            char d = octal.charAt(k);
            if (d < '0' || d > '7') {
              throw badQuote(quoted);
            }
            value = value * 8 + (d - '0');
          }
          if (value > 255) {
            throw badQuote(quoted);
          }
          out.append((char) value);
          i += 2;
        }
        default -> throw badQuote(quoted);
      }
    }
    return out.toString();
  }

  private JsonPathException badQuote(String quoted) {
    return error("unquote string " + quoted + " error invalid syntax");
  }

  private int next() {
    if (pos >= input.length()) {
      width = 0;
      return EOF;
    }
    int r = input.codePointAt(pos);
    width = Character.charCount(r);
    pos += width;
    return r;
  }

  private int peek() {
    int r = next();
    backup();
    return r;
  }

  private void backup() {
    pos -= width;
  }

  private JsonPathException error(String detail) {
    return JsonPathException.compile(expression, detail);
  }

  private static boolean isTerminator(int r) {
    return switch (r) {
      case EOF, ' ', '\t', '\r', '\n', '.', ',', '[', ']', '$', '@', '{', '}' -> true;
      default -> false;
    };
  }

  private static boolean isAlphaNumeric(int r) {
    return r == '_' || Character.isLetter(r) || Character.isDigit(r);
  }

  private static String trimSpaces(String s) {
    int from = 0;
    int to = s.length();
    while (from < to && s.charAt(from) == ' ') {
      from++;
    }
    while (to > from && s.charAt(to - 1) == ' ') {
      to--;
    }
    return s.substring(from, to);
  }

  private static String describe(int r) {
    return String.format("U+%04X '%s'", r, new String(Character.toChars(r)));
  }
}
