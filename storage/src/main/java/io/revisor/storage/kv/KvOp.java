package io.revisor.storage.kv;

import java.util.Objects;

/** One operation of a {@link TxnRequest} branch. */
public sealed interface KvOp {
  /** Sets {@code key} to {@code value}, creating it if absent. */
  record Put(String key, byte[] value, boolean prevKv) implements KvOp {
    public Put {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(value, "value");
    }
  }

  /** Removes every key of {@code range}; absent keys are not an error. */
  record Delete(KeyRange range, boolean prevKv) implements KvOp {
    public Delete {
      Objects.requireNonNull(range, "range");
    }
  }

  /**
   * Reads inside the transaction, at the latest state: as in etcd, it sees the writes of the operations before it
   * in the same branch (with the transaction's new revision as their mod revision), and none after it.
   */
  record Range(RangeRequest request) implements KvOp {
    public Range {
      Objects.requireNonNull(request, "request");
      if (request.revision() != 0) {
        throw new IllegalArgumentException("a range inside a transaction reads the latest revision");
      }
    }
  }

  static Put put(String key, byte[] value) {
    return new Put(key, value, false);
  }

  static Delete delete(String key) {
    return new Delete(KeyRange.single(key), false);
  }

  static Delete deleteWithPrevious(String key) {
    return new Delete(KeyRange.single(key), true);
  }

  static Range get(String key) {
    return new Range(RangeRequest.key(key));
  }
}
