package io.revisor.apiserver.admission;

import java.time.DateTimeException;
import java.time.LocalDate;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The string formats CustomResourceDefinition schemas support, checked as kube-openapi's {@code strfmt.Default}
 * registry checks them.
 *
 * <p>kube-apiserver drops (ignores) any other format before it builds its validator: on a {@code string} schema only
 * the names below count (compared after removing {@code -}, so {@code date-time} is {@code datetime}); on
 * {@code integer} only {@code int32}/{@code int64}, on {@code number} only {@code float}/{@code double} (those two
 * families affect the type check only). Stateless and thread-safe.
 */
final class Formats {
  private Formats() {}

  /** Normalised names of the string formats kube-apiserver validates (supported since Kubernetes 1.0). */
  static final Set<String> STRING_FORMATS = Set.of("bsonobjectid", "uri", "email", "hostname", "ipv4", "ipv6",
      "cidr", "mac", "uuid", "uuid3", "uuid4", "uuid5", "isbn", "isbn10", "isbn13", "creditcard", "ssn", "hexcolor",
      "rgbcolor", "byte", "password", "date", "duration", "datetime", "quantity");

  private static final Pattern HOSTNAME = Pattern.compile("^([a-zA-Z0-9\\p{S}\\p{L}]((-?[a-zA-Z0-9\\p{S}\\p{L}]{0,62})?)|"
      + "([a-zA-Z0-9\\p{S}\\p{L}](([a-zA-Z0-9-\\p{S}\\p{L}]{0,61}[a-zA-Z0-9\\p{S}\\p{L}])?)(\\.)){1,}"
      + "([a-zA-Z\\p{L}]){2,63})$");
  private static final Pattern UUID = uuid("[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}");
  private static final Pattern UUID3 = uuid("[0-9a-f]{4}-?3[0-9a-f]{3}-?[0-9a-f]{4}");
  private static final Pattern UUID4 = uuid("[0-9a-f]{4}-?4[0-9a-f]{3}-?[89ab][0-9a-f]{3}");
  private static final Pattern UUID5 = uuid("[0-9a-f]{4}-?5[0-9a-f]{3}-?[89ab][0-9a-f]{3}");
  private static final Pattern CREDIT_CARD = Pattern.compile("^(?:4[0-9]{12}(?:[0-9]{3})?|5[1-5][0-9]{14}|"
      + "6(?:011|5[0-9][0-9])[0-9]{12}|3[47][0-9]{13}|3(?:0[0-5]|[68][0-9])[0-9]{11}|(?:2131|1800|35\\d{3})\\d{11})$");
  private static final Pattern ISBN10 = Pattern.compile("^(?:[0-9]{9}X|[0-9]{10})$");
  private static final Pattern ISBN13 = Pattern.compile("^(?:[0-9]{13})$");
  private static final Pattern SSN = Pattern.compile("^\\d{3}[- ]?\\d{2}[- ]?\\d{4}$");
  private static final Pattern HEX_COLOR = Pattern.compile("^#?([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$");
  private static final Pattern RGB_COLOR = Pattern.compile("^rgb\\(\\s*(0|[1-9]\\d?|1\\d\\d?|2[0-4]\\d|25[0-5])\\s*,"
      + "\\s*(0|[1-9]\\d?|1\\d\\d?|2[0-4]\\d|25[0-5])\\s*,\\s*(0|[1-9]\\d?|1\\d\\d?|2[0-4]\\d|25[0-5])\\s*\\)$");
  private static final Pattern BASE64 = Pattern.compile(
      "^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{4})$");
  private static final Pattern DATE = Pattern.compile("^(\\d{4})-(\\d{2})-(\\d{2})$");
  private static final Pattern TIME = Pattern.compile("^([0-9]{2}):([0-9]{2}):([0-9]{2})(.[0-9]+)?(z|([+-][0-9]{2}:[0-9]{2}))$");
  private static final Pattern SCALA_DURATION = Pattern.compile("^\\s*(?:\\d+\\s*[A-Za-zµ]+\\s*)+$");
  private static final Pattern SCALA_DURATION_PART = Pattern.compile("((\\d+)\\s*([A-Za-zµ]+))");
  private static final Pattern QUANTITY = Pattern.compile(
      "^[+-]?(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)(?:Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?[0-9]+)?$");
  private static final String ATEXT = "[A-Za-z0-9!#$%&'*+\\-/=?^_`{|}~\\x{80}-\\x{10FFFF}]";
  private static final String DOT_ATOM = ATEXT + "+(?:\\." + ATEXT + "+)*";
  private static final String QUOTED = "\"(?:[^\"\\\\\\r\\n]|\\\\.)*\"";
  private static final String ADDR_SPEC = "(?:" + DOT_ATOM + "|" + QUOTED + ")@(?:" + DOT_ATOM + "|\\[[^\\[\\]\\\\]*])";
  private static final String WORD = "(?:" + ATEXT + "+|" + QUOTED + ")";
  private static final Pattern EMAIL = Pattern.compile("^\\s*(?:" + ADDR_SPEC + "|(?:" + WORD + "(?:[\\s.]+" + WORD
      + ")*)?\\s*<" + ADDR_SPEC + ">)\\s*$");
  private static final Pattern URI_SCHEME = Pattern.compile("^[A-Za-z][A-Za-z0-9+.\\-]*:");

  private static final Map<String, Predicate<String>> CHECKS = Map.ofEntries(
      Map.entry("bsonobjectid", s -> s.length() == 24 && s.chars().allMatch(c -> Character.digit(c, 16) >= 0)),
      Map.entry("uri", Formats::isRequestUri),
      Map.entry("email", s -> EMAIL.matcher(s).matches()),
      Map.entry("hostname", Formats::isHostname),
      Map.entry("ipv4", s -> s.contains(".") && (Ip.parseV4(s, true) != null || Ip.parseV6(s, true) != null)),
      Map.entry("ipv6", s -> s.contains(":") && Ip.parseV6(s, false) != null),
      Map.entry("cidr", Ip::isCidr),
      Map.entry("mac", Formats::isMac),
      Map.entry("uuid", s -> UUID.matcher(s).find()),
      Map.entry("uuid3", s -> UUID3.matcher(s).find()),
      Map.entry("uuid4", s -> UUID4.matcher(s).find()),
      Map.entry("uuid5", s -> UUID5.matcher(s).find()),
      Map.entry("isbn", s -> isIsbn10(s) || isIsbn13(s)),
      Map.entry("isbn10", Formats::isIsbn10),
      Map.entry("isbn13", Formats::isIsbn13),
      Map.entry("creditcard", Formats::isCreditCard),
      Map.entry("ssn", s -> s.length() == 11 && SSN.matcher(s).find()),
      Map.entry("hexcolor", s -> HEX_COLOR.matcher(s).find()),
      Map.entry("rgbcolor", s -> RGB_COLOR.matcher(s).find()),
      Map.entry("byte", s -> BASE64.matcher(s).find()),
      Map.entry("password", s -> true),
      Map.entry("date", Formats::isDate),
      Map.entry("duration", Formats::isDuration),
      Map.entry("datetime", Formats::isDateTime),
      Map.entry("quantity", s -> QUANTITY.matcher(s).matches()));

  /**
   * The check for a format on a schema of the given type, or null when kube-apiserver ignores the format there (it
   * strips unsupported formats, and integer/number formats only influence the type check).
   */
  static Predicate<String> stringCheck(String format, String schemaType) {
    if (!schemaType.isEmpty() && !schemaType.equals("string")) {
      return null;
    }
    return CHECKS.get(format.replace("-", ""));
  }

  /** The format kube-apiserver keeps on a schema after {@code StripUnsupportedFormatsPostProcess}, or "". */
  static String retained(String format, String schemaType) {
    if (format.isEmpty()) {
      return "";
    }
    return switch (schemaType) {
      case "", "string" -> STRING_FORMATS.contains(format.replace("-", "")) ? format : "";
      case "integer" -> format.equals("int32") || format.equals("int64") ? format : "";
      case "number" -> format.equals("float") || format.equals("double") ? format : "";
      default -> "";
    };
  }

  private static Pattern uuid(String middle) {
    return Pattern.compile("^[0-9a-f]{8}-?" + middle + "-?[0-9a-f]{12}$", Pattern.CASE_INSENSITIVE);
  }

  private static boolean isHostname(String s) {
    if (!HOSTNAME.matcher(s).find() || Json.utf8Length(s) > 255) {
      return false;
    }
    for (String label : s.split("\\.", -1)) {
      if (Json.utf8Length(label) > 63) {
        return false;
      }
    }
    return true;
  }

  /** Go's {@code url.ParseRequestURI} succeeds: an absolute URI or an absolute path. */
  private static boolean isRequestUri(String s) {
    if (s.isEmpty()) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        return false;
      }
      if (c == '%' && (i + 2 >= s.length() || Character.digit(s.charAt(i + 1), 16) < 0
          || Character.digit(s.charAt(i + 2), 16) < 0)) {
        return false;
      }
    }
    if (s.startsWith("/")) {
      return true;
    }
    Matcher scheme = URI_SCHEME.matcher(s);
    if (!scheme.find()) {
      return false;
    }
    String rest = s.substring(scheme.end());
    if (!rest.startsWith("//")) {
      return true; // an absolute path or an opaque URI (mailto:x)
    }
    String authority = rest.substring(2);
    int end = authority.length();
    for (char stop : new char[] {'/', '?', '#'}) {
      int i = authority.indexOf(stop);
      if (i >= 0 && i < end) {
        end = i;
      }
    }
    String host = authority.substring(authority.lastIndexOf('@', end - 1) + 1, end);
    if (host.startsWith("[")) {
      int close = host.indexOf(']');
      return close > 0 && validPort(host.substring(close + 1));
    }
    int colon = host.lastIndexOf(':');
    String name = colon < 0 ? host : host.substring(0, colon);
    if (colon >= 0 && !validPort(host.substring(colon))) {
      return false;
    }
    return name.chars().noneMatch(c -> c == ' ' || c == '<' || c == '>' || c == '"' || c == '{' || c == '}'
        || c == '|' || c == '\\' || c == '^' || c == '`');
  }

  private static boolean validPort(String portWithColon) {
    if (portWithColon.isEmpty()) {
      return true;
    }
    return portWithColon.charAt(0) == ':' && portWithColon.substring(1).chars().allMatch(Character::isDigit);
  }

  /** Go's {@code net.ParseMAC}. */
  private static boolean isMac(String s) {
    if (s.length() < 14) {
      return false;
    }
    if (s.charAt(2) == ':' || s.charAt(2) == '-') {
      if ((s.length() + 1) % 3 != 0) {
        return false;
      }
      int n = (s.length() + 1) / 3;
      if (n != 6 && n != 8 && n != 20) {
        return false;
      }
      for (int i = 0; i < n; i++) {
        int at = i * 3;
        if (!hex(s, at, 2) || (i < n - 1 && s.charAt(at + 2) != s.charAt(2))) {
          return false;
        }
      }
      return true;
    }
    if (s.charAt(4) == '.') {
      if ((s.length() + 1) % 5 != 0) {
        return false;
      }
      int n = 2 * (s.length() + 1) / 5;
      if (n != 6 && n != 8 && n != 20) {
        return false;
      }
      for (int i = 0; i < n / 2; i++) {
        int at = i * 5;
        if (!hex(s, at, 4) || (i < n / 2 - 1 && s.charAt(at + 4) != '.')) {
          return false;
        }
      }
      return true;
    }
    return false;
  }

  private static boolean hex(String s, int from, int count) {
    for (int i = from; i < from + count; i++) {
      if (Character.digit(s.charAt(i), 16) < 0) {
        return false;
      }
    }
    return true;
  }

  private static boolean isIsbn10(String s) {
    String v = s.replaceAll("[\\s-]+", "");
    if (!ISBN10.matcher(v).find()) {
      return false;
    }
    int sum = 0;
    for (int i = 0; i < 9; i++) {
      sum += (i + 1) * (v.charAt(i) - '0');
    }
    sum += v.charAt(9) == 'X' ? 100 : 10 * (v.charAt(9) - '0');
    return sum % 11 == 0;
  }

  private static boolean isIsbn13(String s) {
    String v = s.replaceAll("[\\s-]+", "");
    if (!ISBN13.matcher(v).find()) {
      return false;
    }
    int sum = 0;
    for (int i = 0; i < 12; i++) {
      sum += (i % 2 == 0 ? 1 : 3) * (v.charAt(i) - '0');
    }
    return (10 - sum % 10) % 10 == v.charAt(12) - '0';
  }

  private static boolean isCreditCard(String s) {
    String digits = s.replaceAll("[^0-9]+", "");
    if (!CREDIT_CARD.matcher(digits).find()) {
      return false;
    }
    int sum = 0;
    boolean doubled = false;
    for (int i = digits.length() - 1; i >= 0; i--) {
      int d = digits.charAt(i) - '0';
      if (doubled) {
        d *= 2;
        if (d > 9) {
          d -= 9;
        }
      }
      sum += d;
      doubled = !doubled;
    }
    return sum % 10 == 0;
  }

  /** Go's {@code time.Parse("2006-01-02", s)}. */
  private static boolean isDate(String s) {
    Matcher m = DATE.matcher(s);
    if (!m.matches()) {
      return false;
    }
    try {
      LocalDate.of(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)));
      return true;
    } catch (DateTimeException e) {
      return false;
    }
  }

  /** go-openapi's {@code IsDateTime}: a valid date, {@code T}, then {@code hh:mm:ss[.frac](Z|±hh:mm)}. */
  private static boolean isDateTime(String s) {
    if (s.length() < 4) {
      return false;
    }
    String[] parts = s.toLowerCase(Locale.ROOT).split("t", -1);
    if (parts.length < 2 || !isDate(parts[0])) {
      return false;
    }
    Matcher m = TIME.matcher(parts[1]);
    if (!m.find()) {
      return false;
    }
    return m.group(1).compareTo("23") <= 0 && m.group(2).compareTo("59") <= 0 && m.group(3).compareTo("59") <= 0;
  }

  /** go-openapi's {@code ParseDuration}: Go's {@code time.ParseDuration}, or Scala-like {@code 3 days 4 hours}. */
  static boolean isDuration(String s) {
    return isGoDuration(s) || isScalaDuration(s);
  }

  private static boolean isGoDuration(String s) {
    String rest = s;
    if (!rest.isEmpty() && (rest.charAt(0) == '-' || rest.charAt(0) == '+')) {
      rest = rest.substring(1);
    }
    if (rest.equals("0")) {
      return true;
    }
    if (rest.isEmpty()) {
      return false;
    }
    double totalNanos = 0;
    while (!rest.isEmpty()) {
      char c = rest.charAt(0);
      if (c != '.' && (c < '0' || c > '9')) {
        return false;
      }
      int i = 0;
      while (i < rest.length() && Character.isDigit(rest.charAt(i)) && rest.charAt(i) < 128) {
        i++;
      }
      boolean pre = i > 0;
      String whole = rest.substring(0, i);
      String fraction = "";
      rest = rest.substring(i);
      boolean post = false;
      if (rest.startsWith(".")) {
        rest = rest.substring(1);
        int j = 0;
        while (j < rest.length() && rest.charAt(j) >= '0' && rest.charAt(j) <= '9') {
          j++;
        }
        post = j > 0;
        fraction = rest.substring(0, j);
        rest = rest.substring(j);
      }
      if (!pre && !post) {
        return false;
      }
      int u = 0;
      while (u < rest.length() && rest.charAt(u) != '.' && (rest.charAt(u) < '0' || rest.charAt(u) > '9')) {
        u++;
      }
      if (u == 0) {
        return false; // missing unit
      }
      Long unit = switch (rest.substring(0, u)) {
        case "ns" -> 1L;
        case "us", "\u00b5s", "\u03bcs" -> 1_000L;
        case "ms" -> 1_000_000L;
        case "s" -> 1_000_000_000L;
        case "m" -> 60_000_000_000L;
        case "h" -> 3_600_000_000_000L;
        default -> null;
      };
      if (unit == null) {
        return false;
      }
      rest = rest.substring(u);
      double value = Double.parseDouble((whole.isEmpty() ? "0" : whole) + "." + (fraction.isEmpty() ? "0" : fraction));
      totalNanos += value * unit;
      if (totalNanos > 9.223372036854775807e18) {
        return false; // overflow
      }
    }
    return true;
  }

  private static final String[][] SCALA_UNITS = {
      {"ns", "nano"}, {"us", "µs", "micro"}, {"ms", "milli"}, {"s", "sec"}, {"m", "min"}, {"h", "hr", "hour"},
      {"d", "day"}, {"w", "wk", "week"}};

  private static boolean isScalaDuration(String s) {
    if (!SCALA_DURATION.matcher(s).find()) {
      return false;
    }
    boolean ok = false;
    Matcher m = SCALA_DURATION_PART.matcher(s);
    while (m.find()) {
      if (m.group(2).length() > 18) {
        return false; // strconv.Atoi overflow
      }
      String unit = m.group(3).trim().toLowerCase(Locale.ROOT);
      for (String[] variants : SCALA_UNITS) {
        for (int i = 0; i < variants.length; i++) {
          if ((i == variants.length - 1 && unit.startsWith(variants[i])) || variants[i].equalsIgnoreCase(unit)) {
            ok = true;
          }
        }
      }
    }
    return ok;
  }

  /** IP address parsing as Go's {@code net.ParseIP}; "sloppy" IPv4 tolerates leading zeros (k8s.io/utils/net). */
  static final class Ip {
    private Ip() {}

    static byte[] parseV4(String s, boolean sloppy) {
      String[] parts = s.split("\\.", -1);
      if (parts.length != 4) {
        return null;
      }
      byte[] out = new byte[4];
      for (int i = 0; i < 4; i++) {
        String p = parts[i];
        if (p.isEmpty() || !p.chars().allMatch(c -> c >= '0' && c <= '9')) {
          return null;
        }
        if (p.length() > 1 && p.charAt(0) == '0') {
          if (!sloppy) {
            return null; // Go 1.17 and later reject leading zeros
          }
          p = p.replaceFirst("^0+(?=.)", "");
        }
        if (p.length() > 3 || Integer.parseInt(p) > 255) {
          return null;
        }
        out[i] = (byte) Integer.parseInt(p);
      }
      return out;
    }

    static byte[] parseV6(String s, boolean sloppy) {
      byte[] ip = new byte[16];
      int ellipsis = -1;
      String rest = s;
      if (rest.startsWith("::")) {
        ellipsis = 0;
        rest = rest.substring(2);
        if (rest.isEmpty()) {
          return ip;
        }
      }
      int i = 0;
      while (i < 16) {
        int c = 0;
        int n = 0;
        while (c < rest.length() && Character.digit(rest.charAt(c), 16) >= 0 && rest.charAt(c) < 128) {
          n = n * 16 + Character.digit(rest.charAt(c), 16);
          c++;
          if (c > 4) {
            return null;
          }
        }
        if (c == 0) {
          return null;
        }
        if (c < rest.length() && rest.charAt(c) == '.') {
          if (ellipsis < 0 && i != 12 || i + 4 > 16) {
            return null;
          }
          byte[] v4 = parseV4(rest, sloppy);
          if (v4 == null) {
            return null;
          }
          System.arraycopy(v4, 0, ip, i, 4);
          i += 4;
          rest = "";
          break;
        }
        ip[i] = (byte) (n >> 8);
        ip[i + 1] = (byte) n;
        i += 2;
        rest = rest.substring(c);
        if (rest.isEmpty()) {
          break;
        }
        if (rest.charAt(0) != ':' || rest.length() == 1) {
          return null;
        }
        rest = rest.substring(1);
        if (rest.charAt(0) == ':') {
          if (ellipsis >= 0) {
            return null;
          }
          ellipsis = i;
          rest = rest.substring(1);
          if (rest.isEmpty()) {
            break;
          }
        }
      }
      if (!rest.isEmpty()) {
        return null;
      }
      if (i < 16) {
        if (ellipsis < 0) {
          return null;
        }
        int n = 16 - i;
        for (int j = i - 1; j >= ellipsis; j--) {
          ip[j + n] = ip[j];
        }
        for (int j = ellipsis + n - 1; j >= ellipsis; j--) {
          ip[j] = 0;
        }
      } else if (ellipsis >= 0) {
        return null; // an ellipsis must stand for at least one group
      }
      return ip;
    }

    /** {@code net.ParseCIDR} with sloppy IPv4. */
    static boolean isCidr(String s) {
      int slash = s.indexOf('/');
      if (slash < 0) {
        return false;
      }
      String addr = s.substring(0, slash);
      String mask = s.substring(slash + 1);
      int bits;
      if (parseV4(addr, true) != null) {
        bits = 32;
      } else if (parseV6(addr, true) != null) {
        bits = 128;
      } else {
        return false;
      }
      if (mask.isEmpty() || mask.length() > 9 || !mask.chars().allMatch(c -> c >= '0' && c <= '9')) {
        return false;
      }
      int n = Integer.parseInt(mask);
      return n <= bits;
    }
  }
}
