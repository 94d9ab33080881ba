package io.revisor.storage.kv.etcd;

import io.etcd.jetcd.ByteSequence;
import io.revisor.storage.kv.KeyRange;
import io.revisor.storage.kv.KeyValue;
import io.revisor.storage.kv.Keys;
import java.util.Arrays;

/** Conversions between the SPI's string keys and ranges and etcd's byte keys and range ends. */
final class EtcdKeys {
  /** etcd's "no upper bound" range end: with it, a range is every key {@code >= key}. */
  private static final byte[] UNBOUNDED = {0};

  /** etcd rejects an empty key; {@code "\0"} is the smallest key it accepts. */
  private static final byte[] SMALLEST_KEY = {0};

  /**
   * A range etcd answers with nothing: {@code [x, x)} for any {@code x} other than {@code "\0"}, which etcd would
   * read as "from \0 to the end".
   */
  private static final EtcdRange EMPTY = new EtcdRange(new byte[] {1}, new byte[] {1});

  private EtcdKeys() {}

  /**
   * An etcd key and range end.
   *
   * @param key the first key
   * @param end the range end, or null for the single key {@code key}
   */
  record EtcdRange(byte[] key, byte[] end) {
    ByteSequence keyBytes() {
      return ByteSequence.from(key);
    }

    ByteSequence endBytes() {
      return end == null ? null : ByteSequence.from(end);
    }
  }

  static EtcdRange toEtcd(KeyRange range) {
    if (range.isSingleKey()) {
      return new EtcdRange(Keys.bytes(range.start()), null);
    }
    byte[] key = Keys.bytes(range.start());
    if (key.length == 0) {
      key = SMALLEST_KEY;
    }
    byte[] end = null; // null here: no bound yet
    if (range.prefix() != null) {
      byte[] prefixEnd = Keys.prefixEnd(Keys.bytes(range.prefix()));
      end = prefixEnd.length == 0 ? null : prefixEnd;
    }
    if (range.end() != null) {
      byte[] explicit = Keys.bytes(range.end());
      end = end == null || Arrays.compareUnsigned(explicit, end) < 0 ? explicit : end;
    }
    if (end == null) {
      return new EtcdRange(key, UNBOUNDED);
    }
    if (Arrays.compareUnsigned(end, key) <= 0) {
      return EMPTY;
    }
    return new EtcdRange(key, end);
  }

  static ByteSequence bytes(String key) {
    return ByteSequence.from(Keys.bytes(key));
  }

  static String string(ByteSequence key) {
    return Keys.string(key.getBytes());
  }

  static KeyValue toKeyValue(io.etcd.jetcd.KeyValue kv) {
    return new KeyValue(string(kv.getKey()), kv.getValue().getBytes(), kv.getCreateRevision(), kv.getModRevision(),
        kv.getVersion());
  }

  /** A previous key-value as etcd sends it: an absent one is an empty protobuf message, hence an empty key. */
  static KeyValue toPrevKeyValue(io.etcd.jetcd.KeyValue kv) {
    return kv == null || kv.getKey().isEmpty() ? null : toKeyValue(kv);
  }
}
