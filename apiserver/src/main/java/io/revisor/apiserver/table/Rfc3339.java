package io.revisor.apiserver.table;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * Parses timestamps the way Go's {@code time.Parse(time.RFC3339, s)} does for {@code metav1.Time}:
 * {@code 2024-05-01T10:00:00Z}, with an optional fraction ({@code .123} or {@code ,123}) and a {@code Z} or
 * {@code +hh:mm} offset.
 *
 * <p>Hand-written because a table renders one date per row: no formatter, no exception on the common path. Stateless
 * and thread-safe.
 */
final class Rfc3339 {
  private Rfc3339() {}

  /** The instant, or null when {@code text} is not an RFC 3339 timestamp with a valid date and time. */
  static Instant parse(String text) {
    int n = text.length();
    if (n < 20 || text.charAt(4) != '-' || text.charAt(7) != '-' || text.charAt(10) != 'T'
        || text.charAt(13) != ':' || text.charAt(16) != ':') {
      return null;
    }
    int year = digits(text, 0, 4);
    int month = digits(text, 5, 2);
    int day = digits(text, 8, 2);
    int hour = digits(text, 11, 2);
    int minute = digits(text, 14, 2);
    int second = digits(text, 17, 2);
    if ((year | month | day | hour | minute | second) < 0) {
      return null;
    }
    int i = 19;
    int nanos = 0;
    if (text.charAt(i) == '.' || text.charAt(i) == ',') {
      int start = ++i;
      while (i < n && isDigit(text.charAt(i))) {
        if (i - start < 9) {
          nanos = nanos * 10 + (text.charAt(i) - '0');
        }
        i++;
      }
      int count = i - start;
      if (count == 0) {
        return null;
      }
      for (int k = count; k < 9; k++) {
        nanos *= 10;
      }
    }
    if (i >= n) {
      return null;
    }
    int offsetSeconds;
    char zone = text.charAt(i);
    if (zone == 'Z') {
      if (i + 1 != n) {
        return null;
      }
      offsetSeconds = 0;
    } else if (zone == '+' || zone == '-') {
      if (i + 6 != n || text.charAt(i + 3) != ':') {
        return null;
      }
      int offsetHours = digits(text, i + 1, 2);
      int offsetMinutes = digits(text, i + 4, 2);
      if (offsetHours < 0 || offsetMinutes < 0 || offsetHours > 23 || offsetMinutes > 59) {
        return null;
      }
      offsetSeconds = (zone == '-' ? -1 : 1) * (offsetHours * 3600 + offsetMinutes * 60);
    } else {
      return null;
    }
    try {
      return LocalDateTime.of(year, month, day, hour, minute, second, nanos)
          .toInstant(ZoneOffset.ofTotalSeconds(offsetSeconds));
    } catch (DateTimeException e) {
      return null; // e.g. February 30th, hour 24
    }
  }

  private static int digits(String text, int from, int count) {
    int value = 0;
    for (int i = from; i < from + count; i++) {
      char c = text.charAt(i);
      if (!isDigit(c)) {
        return -1;
      }
      value = value * 10 + (c - '0');
    }
    return value;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }
}
