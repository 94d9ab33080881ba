package io.revisor.storage.kv;

import java.util.List;

/**
 * An atomic, all-or-nothing transaction: if every compare holds, the {@code success} operations run, otherwise the
 * {@code failure} operations; either way as one step. A transaction that writes at least one key commits exactly
 * one new revision, shared by all its writes. No key may be written twice in one branch.
 */
public record TxnRequest(List<Compare> compares, List<KvOp> success, List<KvOp> failure) {
  public TxnRequest {
    compares = List.copyOf(compares);
    success = List.copyOf(success);
    failure = List.copyOf(failure);
  }

  /** A transaction with no failure branch. */
  public static TxnRequest when(List<Compare> compares, List<KvOp> success) {
    return new TxnRequest(compares, success, List.of());
  }

  /** Whether the branch has at least one write. */
  public static boolean writes(List<KvOp> ops) {
    return ops.stream().anyMatch(op -> !(op instanceof KvOp.Range));
  }
}
