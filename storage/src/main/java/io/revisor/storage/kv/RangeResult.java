package io.revisor.storage.kv;

import java.util.List;

/**
 * The answer to a {@link RangeRequest}.
 *
 * @param kvs the key-values in the requested order, at most {@code limit}; empty for count-only reads
 * @param more whether the range holds more keys than were returned
 * @param count the number of keys in the whole range (ignoring the limit)
 * @param headerRevision the store's current revision when the read was served. For a read at an old revision it
 *     is still the current revision (as in etcd), not the requested one.
 */
public record RangeResult(List<KeyValue> kvs, boolean more, long count, long headerRevision) {
  public RangeResult {
    kvs = List.copyOf(kvs);
  }

  /** The first key-value, or null when the range is empty. Handy for single-key reads. */
  public KeyValue first() {
    return kvs.isEmpty() ? null : kvs.get(0);
  }
}
