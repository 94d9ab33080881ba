package io.revisor.storage.cache;

import io.revisor.storage.resource.ObjectKey;
import java.util.Comparator;

/**
 * The order of the store's keys, {@code namespace/name} in UTF-8 byte order, without building those strings: lists
 * from the cache and from the store come in the same order, so a continue token of either resumes in the other.
 * Keys of the map are {@link ObjectKey}s; {@link Bound}s are probes that position a range (a namespace, a token).
 */
final class KeyOrder {
  /** A position between keys: {@code text} compared as a key's {@code namespace/name}. */
  record Bound(String text) {}

  static final Comparator<Object> COMPARATOR = KeyOrder::compare;

  private KeyOrder() {}

  /** The first position of {@code namespace}'s keys: {@code namespace/}. */
  static Bound namespaceStart(String namespace) {
    return new Bound(namespace + "/");
  }

  /** The position after every key of {@code namespace}: {@code namespace0} ('0' follows '/'). */
  static Bound namespaceEnd(String namespace) {
    return new Bound(namespace + "0");
  }

  /** The position of {@code namespace/name} ({@code name} may carry a suffix such as a token's NUL). */
  static Bound at(String namespace, String name) {
    return new Bound(namespace + "/" + name);
  }

  private static int compare(Object a, Object b) {
    int lengthA = length(a);
    int lengthB = length(b);
    int n = Math.min(lengthA, lengthB);
    for (int i = 0; i < n; i++) {
      char x = charAt(a, i);
      char y = charAt(b, i);
      if (x != y) {
        return codePointOrder(x) - codePointOrder(y);
      }
    }
    return lengthA - lengthB;
  }

  /**
   * UTF-16 code units in code point order, which is UTF-8 byte order: surrogates (code points above U+FFFF) sort
   * after U+E000..U+FFFF, although their code units are smaller.
   */
  private static int codePointOrder(char c) {
    if (c >= 0xD800) {
      return c >= 0xE000 ? c - 0x800 : c + 0x2000;
    }
    return c;
  }

  private static int length(Object o) {
    if (o instanceof ObjectKey key) {
      return key.namespace().length() + 1 + key.name().length();
    }
    return ((Bound) o).text().length();
  }

  private static char charAt(Object o, int i) {
    if (o instanceof ObjectKey key) {
      String namespace = key.namespace();
      int n = namespace.length();
      if (i < n) {
        return namespace.charAt(i);
      }
      return i == n ? '/' : key.name().charAt(i - n - 1);
    }
    return ((Bound) o).text().charAt(i);
  }
}
