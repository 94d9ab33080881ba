package io.revisor.storage.kv;

import java.util.Objects;

/**
 * A read of a {@link KeyRange}.
 *
 * @param range the keys to read
 * @param limit at most this many keys (0 = no limit); {@link RangeResult#more()} tells whether more exist
 * @param revision read the state as of this revision (0 = latest); must not be compacted nor in the future
 * @param keysOnly return keys and revisions but empty values
 * @param countOnly return only {@link RangeResult#count()}, no key-values
 * @param descending return keys in descending order (the limit then keeps the highest keys)
 * @param minModRevision return only keys last modified at or after this revision (0 = every key); as in etcd, the
 *     filter applies to the keys returned, not to {@link RangeResult#count()} nor {@link RangeResult#more()}, so it
 *     is meant for reads without a limit
 */
public record RangeRequest(
    KeyRange range, long limit, long revision, boolean keysOnly, boolean countOnly, boolean descending,
    long minModRevision) {
  public RangeRequest {
    Objects.requireNonNull(range, "range");
    if (limit < 0 || revision < 0 || minModRevision < 0) {
      throw new IllegalArgumentException("limit and revisions must not be negative");
    }
  }

  public RangeRequest(
      KeyRange range, long limit, long revision, boolean keysOnly, boolean countOnly, boolean descending) {
    this(range, limit, revision, keysOnly, countOnly, descending, 0);
  }

  public static RangeRequest of(KeyRange range) {
    return new RangeRequest(range, 0, 0, false, false, false);
  }

  public static RangeRequest key(String key) {
    return of(KeyRange.single(key));
  }

  public static RangeRequest prefix(String prefix) {
    return of(KeyRange.prefix(prefix));
  }

  public RangeRequest withLimit(long limit) {
    return new RangeRequest(range, limit, revision, keysOnly, countOnly, descending, minModRevision);
  }

  public RangeRequest atRevision(long revision) {
    return new RangeRequest(range, limit, revision, keysOnly, countOnly, descending, minModRevision);
  }

  public RangeRequest withKeysOnly() {
    return new RangeRequest(range, limit, revision, true, countOnly, descending, minModRevision);
  }

  public RangeRequest withCountOnly() {
    return new RangeRequest(range, limit, revision, keysOnly, true, descending, minModRevision);
  }

  public RangeRequest modifiedSince(long minModRevision) {
    return new RangeRequest(range, limit, revision, keysOnly, countOnly, descending, minModRevision);
  }

  public RangeRequest inDescendingOrder() {
    return new RangeRequest(range, limit, revision, keysOnly, countOnly, true, minModRevision);
  }
}
