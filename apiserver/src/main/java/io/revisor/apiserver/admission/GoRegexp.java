package io.revisor.apiserver.admission;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A schema {@code pattern}, compiled once, with Go RE2 semantics as far as {@link java.util.regex} can give them.
 *
 * <p>kube-apiserver compiles patterns with Go's {@code regexp} (RE2) and matches with {@code MatchString}, which
 * searches (the pattern is not implicitly anchored). The source is translated before Java compiles it:
 * <ul>
 *   <li>constructs RE2 rejects are rejected with Go's error text: lookaround, atomic groups, backreferences,
 *       possessive quantifiers, repeat counts above 1000, unknown escapes ({@code \Z}, {@code \h}, ...);</li>
 *   <li>Go syntax Java lacks is rewritten: {@code (?P<name>)}, POSIX classes {@code [[:alpha:]]}, {@code \v},
 *       {@code \s} (ASCII only in Go), {@code $} outside multi-line mode (Go's {@code $} is the end of text, Java's
 *       also matches before a final newline), literal {@code [}, {@code &} and leading {@code ]} in classes, literal
 *       {@code {} that does not start a repeat;</li>
 *   <li>{@code .} excludes only {@code \n} ({@link Pattern#UNIX_LINES}) and {@code (?i)} folds Unicode case.</li>
 * </ul>
 * What Go accepts but Java cannot express (the ungreedy flag {@code (?U)}) is rejected at compile time. Immutable
 * and thread-safe.
 */
final class GoRegexp {
  private static final Pattern REPEAT = Pattern.compile("\\{(\\d+)(,(\\d*))?}");
  private static final Map<String, String> POSIX = Map.ofEntries(
      Map.entry("alnum", "\\p{Alnum}"), Map.entry("alpha", "\\p{Alpha}"), Map.entry("ascii", "\\p{ASCII}"),
      Map.entry("blank", "\\p{Blank}"), Map.entry("cntrl", "\\p{Cntrl}"), Map.entry("digit", "\\p{Digit}"),
      Map.entry("graph", "\\p{Graph}"), Map.entry("lower", "\\p{Lower}"), Map.entry("print", "\\p{Print}"),
      Map.entry("punct", "\\p{Punct}"), Map.entry("space", "\\p{Space}"), Map.entry("upper", "\\p{Upper}"),
      Map.entry("word", "\\w"), Map.entry("xdigit", "\\p{XDigit}"));

  private final String source;
  private final Pattern pattern;

  private GoRegexp(String source, Pattern pattern) {
    this.source = source;
    this.pattern = pattern;
  }

  /**
   * Compiles a Go regular expression.
   *
   * @throws IllegalArgumentException with Go's {@code error parsing regexp: ...} text when RE2 (or Java) refuses
   *     the pattern
   */
  static GoRegexp compile(String source) {
    String translated = new Translator(source).translate();
    try {
      return new GoRegexp(source, Pattern.compile(translated, Pattern.UNIX_LINES | Pattern.UNICODE_CASE));
    } catch (PatternSyntaxException e) {
      throw new IllegalArgumentException("error parsing regexp: " + e.getDescription() + ": `" + source + "`", e);
    }
  }

  /** Whether the pattern matches anywhere in {@code s} (Go's {@code MatchString}). */
  boolean matches(String s) {
    Matcher m = pattern.matcher(s);
    return m.find();
  }

  /** The pattern as written in the schema. */
  String source() {
    return source;
  }

  private static final class Translator {
    private final String src;
    private final StringBuilder out = new StringBuilder();
    private final boolean multiLine;
    private int pos;
    private int groups;

    Translator(String src) {
      this.src = src;
      this.multiLine = Pattern.compile("\\(\\?[a-zA-Z]*m").matcher(src).find();
    }

    String translate() {
      while (pos < src.length()) {
        char c = src.charAt(pos);
        switch (c) {
          case '\\' -> escape(false);
          case '[' -> characterClass();
          case '(' -> group();
          case '$' -> {
            out.append(multiLine ? "$" : "\\z");
            pos++;
          }
          case '*', '+', '?' -> {
            out.append(c);
            pos++;
            rejectPossessive(String.valueOf(c));
          }
          case '{' -> repeat();
          default -> {
            out.append(c);
            pos++;
          }
        }
      }
      return out.toString();
    }

    private void rejectPossessive(String op) {
      if (pos < src.length() && (src.charAt(pos) == '+' || src.charAt(pos) == '*')) {
        throw error("invalid nested repetition operator", op + src.charAt(pos));
      }
    }

    private void repeat() {
      Matcher m = REPEAT.matcher(src).region(pos, src.length());
      if (!m.lookingAt()) {
        out.append("\\{"); // Go reads a brace that does not start a repeat literally
        pos++;
        return;
      }
      String min = m.group(1);
      String max = m.group(3);
      if (tooLarge(min) || (max != null && !max.isEmpty() && tooLarge(max))) {
        throw error("invalid repeat count", m.group());
      }
      out.append(m.group());
      pos = m.end();
      rejectPossessive(m.group());
    }

    private static boolean tooLarge(String count) {
      return count.length() > 4 || Integer.parseInt(count) > 1000;
    }

    private void group() {
      if (!src.startsWith("(?", pos)) {
        out.append('(');
        pos++;
        return;
      }
      for (String unsupported : new String[] {"(?=", "(?!", "(?<=", "(?<!", "(?>", "(?#"}) {
        if (src.startsWith(unsupported, pos)) {
          throw error("invalid or unsupported Perl syntax", unsupported);
        }
      }
      if (src.startsWith("(?P<", pos) || src.startsWith("(?<", pos)) {
        int nameStart = src.indexOf('<', pos) + 1;
        int nameEnd = src.indexOf('>', nameStart);
        if (nameEnd < 0) {
          throw error("invalid named capture", src.substring(pos));
        }
        String name = src.substring(nameStart, nameEnd);
        if (name.isEmpty() || !name.chars().allMatch(ch -> ch == '_' || Character.isLetterOrDigit(ch))) {
          throw error("invalid named capture", src.substring(pos, nameEnd + 1));
        }
        // Java group names allow neither '_' nor a leading digit; the names are never used, so rename them.
        out.append("(?<g").append(++groups).append('>');
        pos = nameEnd + 1;
        return;
      }
      int i = pos + 2;
      while (i < src.length() && "imsU-".indexOf(src.charAt(i)) >= 0) {
        i++;
      }
      if (i >= src.length() || (src.charAt(i) != ')' && src.charAt(i) != ':')) {
        throw error("invalid or unsupported Perl syntax", src.substring(pos, Math.min(i + 1, src.length())));
      }
      String flags = src.substring(pos + 2, i);
      if (flags.indexOf('U') >= 0) {
        throw new IllegalArgumentException("error parsing regexp: the ungreedy flag (?U) is not supported here: `"
            + src + "`");
      }
      out.append(src, pos, i + 1);
      pos = i + 1;
    }

    private void characterClass() {
      out.append('[');
      pos++;
      if (pos < src.length() && src.charAt(pos) == '^') {
        out.append('^');
        pos++;
      }
      boolean first = true;
      while (pos < src.length()) {
        char c = src.charAt(pos);
        if (c == ']' && !first) {
          out.append(']');
          pos++;
          return;
        }
        first = false;
        if (c == ']') {
          out.append("\\]");
          pos++;
        } else if (c == '\\') {
          escape(true);
        } else if (c == '[' && src.startsWith("[:", pos)) {
          int end = src.indexOf(":]", pos + 2);
          if (end < 0) {
            out.append("\\[");
            pos++;
            continue;
          }
          String name = src.substring(pos + 2, end);
          boolean negated = name.startsWith("^");
          String java = POSIX.get(negated ? name.substring(1) : name);
          if (java == null) {
            throw error("invalid character class range", src.substring(pos, end + 2));
          }
          out.append(negated ? negate(java) : java);
          pos = end + 2;
        } else if (c == '[' || c == '&') {
          out.append('\\').append(c);
          pos++;
        } else {
          out.append(c);
          pos++;
        }
      }
      throw error("missing closing ]", src.substring(src.lastIndexOf('[')));
    }

    private static String negate(String javaClass) {
      return javaClass.equals("\\w") ? "\\W" : "\\P" + javaClass.substring(2);
    }

    private void escape(boolean inClass) {
      if (pos + 1 >= src.length()) {
        throw new IllegalArgumentException("error parsing regexp: trailing backslash at end of expression: ``");
      }
      char d = src.charAt(pos + 1);
      switch (d) {
        case 'Q' -> {
          int end = src.indexOf("\\E", pos + 2);
          int stop = end < 0 ? src.length() : end + 2;
          out.append(src, pos, stop);
          if (end < 0) {
            out.append("\\E");
          }
          pos = stop;
          return;
        }
        case 'v' -> out.append("\\x0B");
        case 's' -> out.append(inClass ? "\\t\\n\\f\\r " : "[\\t\\n\\f\\r ]");
        case 'S' -> out.append(inClass ? "\\S" : "[^\\t\\n\\f\\r ]");
        case 'a', 'f', 't', 'n', 'r', 'd', 'D', 'w', 'W', 'b', 'B', 'A', 'z', 'E' -> out.append('\\').append(d);
        case 'x' -> {
          hexEscape();
          return;
        }
        case 'p', 'P' -> {
          unicodeClass(d);
          return;
        }
        case '0', '1', '2', '3', '4', '5', '6', '7' -> {
          octal(d);
          return;
        }
        default -> {
          if (Character.isLetterOrDigit(d)) {
            throw error("invalid escape sequence", "\\" + d);
          }
          out.append('\\').append(d);
        }
      }
      pos += 2;
    }

    private void hexEscape() {
      int end;
      if (pos + 2 < src.length() && src.charAt(pos + 2) == '{') {
        end = src.indexOf('}', pos + 3);
        if (end < 0) {
          throw error("invalid escape sequence", src.substring(pos));
        }
        end++;
      } else {
        end = Math.min(pos + 4, src.length());
      }
      String digits = src.substring(pos + 2, end).replace("{", "").replace("}", "");
      if (digits.isEmpty() || !digits.chars().allMatch(ch -> Character.digit(ch, 16) >= 0)) {
        throw error("invalid escape sequence", src.substring(pos, end));
      }
      out.append(src, pos, end);
      pos = end;
    }

    private void octal(char first) {
      int end = pos + 2;
      while (end < src.length() && end < pos + 4 && src.charAt(end) >= '0' && src.charAt(end) <= '7') {
        end++;
      }
      if (first != '0' && end == pos + 2) {
        throw error("invalid escape sequence", "\\" + first); // a backreference, which RE2 does not have
      }
      int value = Integer.parseInt(src.substring(pos + 1, end), 8);
      out.append("\\x{").append(Integer.toHexString(value)).append('}');
      pos = end;
    }

    private void unicodeClass(char p) {
      int start = pos;
      String name;
      if (pos + 2 < src.length() && src.charAt(pos + 2) == '{') {
        int end = src.indexOf('}', pos + 3);
        if (end < 0) {
          throw error("invalid character class range", src.substring(pos));
        }
        name = src.substring(pos + 3, end);
        pos = end + 1;
      } else if (pos + 2 < src.length()) {
        name = String.valueOf(src.charAt(pos + 2));
        pos += 3;
      } else {
        throw error("invalid character class range", src.substring(start));
      }
      boolean negated = name.startsWith("^");
      if (negated) {
        name = name.substring(1);
        p = p == 'p' ? 'P' : 'p';
      }
      if (name.equals("Any")) {
        out.append(p == 'p' ? "[\\x{0}-\\x{10FFFF}]" : "[^\\x{0}-\\x{10FFFF}]");
      } else if (name.length() <= 2) {
        out.append('\\').append(p).append('{').append(name).append('}'); // a general category
      } else {
        out.append('\\').append(p).append("{Is").append(name).append('}'); // a script
      }
    }

    private IllegalArgumentException error(String code, String expr) {
      return new IllegalArgumentException("error parsing regexp: " + code + ": `" + expr + "`");
    }
  }

  @Override
  public String toString() {
    return source;
  }
}
