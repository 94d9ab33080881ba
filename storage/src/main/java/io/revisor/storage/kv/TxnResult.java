package io.revisor.storage.kv;

import java.util.List;

/**
 * The outcome of a {@link TxnRequest}.
 *
 * @param succeeded whether the compares held (and the success branch ran)
 * @param revision the revision after the transaction: the new revision when the branch that ran wrote, otherwise
 *     the current revision at which it was evaluated
 * @param results one result per operation of the branch that ran, in order
 */
public record TxnResult(boolean succeeded, long revision, List<OpResult> results) {
  public TxnResult {
    results = List.copyOf(results);
  }

  /** The result of one {@link KvOp}. */
  public sealed interface OpResult {}

  /** @param prevKv the value before the put, when asked for and present */
  public record PutResult(KeyValue prevKv) implements OpResult {}

  /** @param deleted how many keys were removed; {@code prevKvs} lists them when asked for */
  public record DeleteResult(long deleted, List<KeyValue> prevKvs) implements OpResult {
    public DeleteResult {
      prevKvs = List.copyOf(prevKvs);
    }
  }

  public record RangeOpResult(RangeResult range) implements OpResult {}

  /** The range result of operation {@code index}, which must be a {@link KvOp.Range}. */
  public RangeResult range(int index) {
    return ((RangeOpResult) results.get(index)).range();
  }
}
