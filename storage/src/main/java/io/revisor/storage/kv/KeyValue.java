package io.revisor.storage.kv;

/**
 * One key's state at some revision.
 *
 * @param key the key
 * @param value the value; empty (never null) for keys-only reads and for DELETE events
 * @param createRevision the revision that created this incarnation of the key
 * @param modRevision the revision of the last change (for a DELETE event: the deletion revision)
 * @param version changes since creation, 1 for a new key (0 in a DELETE event)
 */
public record KeyValue(String key, byte[] value, long createRevision, long modRevision, long version) {
  private static final byte[] EMPTY = new byte[0];

  public KeyValue {
    value = value == null ? EMPTY : value;
  }

  @Override
  public String toString() {
    return "KeyValue[" + key + ", " + value.length + " bytes, create=" + createRevision + ", mod=" + modRevision
        + ", version=" + version + "]";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof KeyValue kv
        && key.equals(kv.key)
        && java.util.Arrays.equals(value, kv.value)
        && createRevision == kv.createRevision
        && modRevision == kv.modRevision
        && version == kv.version;
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(key, java.util.Arrays.hashCode(value), createRevision, modRevision, version);
  }
}
