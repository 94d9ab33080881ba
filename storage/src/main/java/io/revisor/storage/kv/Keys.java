package io.revisor.storage.kv;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Key helpers shared by the backends: UTF-8 byte order and prefix range ends. */
public final class Keys {
  private Keys() {}

  /** Compares two keys in UTF-8 byte order, the order of etcd and of every {@link KvStore}. */
  public static int compare(String a, String b) {
    return Arrays.compareUnsigned(bytes(a), bytes(b));
  }

  public static boolean startsWith(String key, String prefix) {
    return key.startsWith(prefix);
  }

  public static byte[] bytes(String key) {
    return key.getBytes(StandardCharsets.UTF_8);
  }

  public static String string(byte[] key) {
    return new String(key, StandardCharsets.UTF_8);
  }

  /**
   * The smallest byte string greater than every string starting with {@code prefix} (etcd's "range end" of a
   * prefix), or an empty array when there is none (the prefix is empty or all {@code 0xff}), meaning "no bound".
   */
  public static byte[] prefixEnd(byte[] prefix) {
    byte[] end = Arrays.copyOf(prefix, prefix.length);
    for (int i = end.length - 1; i >= 0; i--) {
      if ((end[i] & 0xff) != 0xff) {
        end[i]++;
        return Arrays.copyOf(end, i + 1);
      }
    }
    return new byte[0];
  }
}
