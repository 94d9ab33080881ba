package io.revisor.storage.kv;

import java.util.Objects;

/**
 * A set of keys: one key, or every key under a prefix, optionally starting from a key and ending before another.
 *
 * <p>Keys compare in UTF-8 byte order. A prefix range never needs a computed "range end" string: backends derive
 * it in bytes, so any prefix works. Prefixes used by the resource store always end in {@code /}, so {@code /a/foo/}
 * never matches {@code /a/foobar/x}.
 *
 * @param start the first key, inclusive; never null
 * @param end the key to stop before (exclusive), or null for no upper bound other than the prefix
 * @param prefix every key must start with it; null for a single-key range (when {@code end} is null too)
 */
public record KeyRange(String start, String end, String prefix) {
  public KeyRange {
    Objects.requireNonNull(start, "start");
    if (prefix != null && !Keys.startsWith(start, prefix) && Keys.compare(start, prefix) < 0) {
      throw new IllegalArgumentException("start " + start + " sorts before prefix " + prefix);
    }
  }

  /** Exactly one key. */
  public static KeyRange single(String key) {
    return new KeyRange(key, null, null);
  }

  /** Every key that starts with {@code prefix}. The empty prefix is the whole key space. */
  public static KeyRange prefix(String prefix) {
    return new KeyRange(prefix, null, prefix);
  }

  /** The keys {@code k} with {@code start <= k < end}. */
  public static KeyRange between(String start, String end) {
    return new KeyRange(start, Objects.requireNonNull(end, "end"), null);
  }

  /** The same range, starting at {@code from} (inclusive) instead. */
  public KeyRange from(String from) {
    return new KeyRange(from, end, prefix);
  }

  /** The same range, stopping before {@code until} (exclusive); a single key becomes {@code [key, until)}. */
  public KeyRange until(String until) {
    return new KeyRange(start, until, prefix);
  }

  /** Whether this range names exactly one key. */
  public boolean isSingleKey() {
    return prefix == null && end == null;
  }

  /** Whether {@code key} is in this range. */
  public boolean contains(String key) {
    if (isSingleKey()) {
      return start.equals(key);
    }
    return Keys.compare(key, start) >= 0
        && (end == null || Keys.compare(key, end) < 0)
        && (prefix == null || Keys.startsWith(key, prefix));
  }
}
