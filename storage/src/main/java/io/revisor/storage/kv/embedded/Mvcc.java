package io.revisor.storage.kv.embedded;

import io.revisor.storage.kv.KeyValue;
import io.revisor.storage.kv.Keys;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Byte layouts of the embedded store's maps.
 *
 * <ul>
 *   <li>data key: user key bytes, 0x00, 8-byte big-endian revision. User keys never contain NUL, so all versions of
 *       one key are adjacent and ordered by revision, and keys sort in UTF-8 byte order as in etcd.
 *   <li>data value: flags (bit 0: tombstone), create revision (8), version (8), value bytes.
 *   <li>log key: 8-byte big-endian revision, 4-byte index of the change in its transaction; log value: kind (0 put,
 *       1 delete), user key bytes.
 * </ul>
 */
final class Mvcc {
  static final int REV_SUFFIX = 9;
  private static final int HEADER = 17;
  private static final byte TOMBSTONE = 1;

  private Mvcc() {}

  static byte[] versionKey(byte[] userKey, long revision) {
    byte[] k = Arrays.copyOf(userKey, userKey.length + REV_SUFFIX);
    ByteBuffer.wrap(k, userKey.length + 1, 8).putLong(revision);
    return k;
  }

  /** Whether {@code composite} is a version of {@code userKey}. */
  static boolean belongsTo(byte[] composite, byte[] userKey) {
    return composite.length == userKey.length + REV_SUFFIX
        && composite[userKey.length] == 0
        && Arrays.equals(composite, 0, userKey.length, userKey, 0, userKey.length);
  }

  static byte[] userKey(byte[] composite) {
    return Arrays.copyOf(composite, composite.length - REV_SUFFIX);
  }

  static long revisionOf(byte[] composite) {
    return ByteBuffer.wrap(composite, composite.length - 8, 8).getLong();
  }

  /** The smallest byte string above every version of {@code userKey} and below every greater user key. */
  static byte[] successor(byte[] userKey) {
    byte[] k = Arrays.copyOf(userKey, userKey.length + 1);
    k[userKey.length] = 1;
    return k;
  }

  static byte[] record(long createRevision, long version, byte[] value) {
    byte[] r = new byte[HEADER + value.length];
    ByteBuffer.wrap(r).put((byte) 0).putLong(createRevision).putLong(version).put(value);
    return r;
  }

  static byte[] tombstone() {
    byte[] r = new byte[HEADER];
    r[0] = TOMBSTONE;
    return r;
  }

  static boolean isTombstone(byte[] record) {
    return (record[0] & TOMBSTONE) != 0;
  }

  static long createRevision(byte[] record) {
    return ByteBuffer.wrap(record, 1, 8).getLong();
  }

  static long version(byte[] record) {
    return ByteBuffer.wrap(record, 9, 8).getLong();
  }

  static byte[] value(byte[] record) {
    return Arrays.copyOfRange(record, HEADER, record.length);
  }

  static int valueLength(byte[] record) {
    return record.length - HEADER;
  }

  static KeyValue keyValue(byte[] userKey, long modRevision, byte[] record, boolean keysOnly) {
    return new KeyValue(Keys.string(userKey), keysOnly ? null : value(record), createRevision(record), modRevision,
        version(record));
  }

  static byte[] logKey(long revision, int index) {
    return ByteBuffer.allocate(12).putLong(revision).putInt(index).array();
  }

  static long logRevision(byte[] logKey) {
    return ByteBuffer.wrap(logKey, 0, 8).getLong();
  }

  static byte[] logValue(boolean delete, byte[] userKey) {
    byte[] v = new byte[userKey.length + 1];
    v[0] = (byte) (delete ? 1 : 0);
    System.arraycopy(userKey, 0, v, 1, userKey.length);
    return v;
  }

  static boolean logIsDelete(byte[] logValue) {
    return logValue[0] == 1;
  }

  static byte[] logUserKey(byte[] logValue) {
    return Arrays.copyOfRange(logValue, 1, logValue.length);
  }
}
