package io.revisor.storage.resource;

import java.nio.charset.StandardCharsets;

/**
 * How many live objects there are and how many bytes their bodies take, or (in a counter shard or in a mutation)
 * a change of both. Values of one shard may be negative; only the sum over a scope's shards and base is a count.
 *
 * <p>Stored as ASCII decimal, {@code "count bytes"} in a shard and {@code "count bytes markerRevision"} in a base
 * key, so that {@code etcdctl get} shows them as they are.
 *
 * @param count objects
 * @param bytes bytes of their JSON bodies as stored (without {@code metadata.resourceVersion}; for chunked bodies
 *     the whole body)
 */
record Figures(long count, long bytes) {
  static final Figures ZERO = new Figures(0, 0);

  /** One object of {@code size} bytes. */
  static Figures object(long size) {
    return new Figures(1, size);
  }

  Figures plus(Figures other) {
    return new Figures(Math.addExact(count, other.count), Math.addExact(bytes, other.bytes));
  }

  Figures minus(Figures other) {
    return new Figures(Math.subtractExact(count, other.count), Math.subtractExact(bytes, other.bytes));
  }

  Figures negated() {
    return ZERO.minus(this);
  }

  /** The value of a counter shard. */
  byte[] encode() {
    return (count + " " + bytes).getBytes(StandardCharsets.US_ASCII);
  }

  /**
   * Decodes a counter shard.
   *
   * @throws StorageException INTERNAL, naming {@code key}, when the value is not a shard value
   */
  static Figures decode(String key, byte[] value) {
    long[] numbers = numbers(key, value, 2);
    return new Figures(numbers[0], numbers[1]);
  }

  /**
   * The figures of a scope's objects that no shard counts (objects written before counters existed), and the mod
   * revision of the scope's legacy marker they account for: when the marker has moved since, a store without
   * counters has changed the scope and the base must be computed again.
   */
  record Base(Figures figures, long markerRevision) {
    byte[] encode() {
      return (figures.count + " " + figures.bytes + " " + markerRevision).getBytes(StandardCharsets.US_ASCII);
    }

    static Base decode(String key, byte[] value) {
      long[] numbers = numbers(key, value, 3);
      return new Base(new Figures(numbers[0], numbers[1]), numbers[2]);
    }
  }

  private static long[] numbers(String key, byte[] value, int expected) {
    String text = new String(value, StandardCharsets.US_ASCII);
    String[] parts = text.split(" ", -1);
    if (parts.length != expected) {
      throw undecodable(key, null);
    }
    long[] numbers = new long[expected];
    try {
      for (int i = 0; i < expected; i++) {
        numbers[i] = Long.parseLong(parts[i]);
      }
    } catch (NumberFormatException e) {
      throw undecodable(key, e);
    }
    return numbers;
  }

  private static StorageException undecodable(String key, Throwable cause) {
    return StorageException.internal("stored data of " + key + " cannot be decoded: not a counter value", cause);
  }
}
