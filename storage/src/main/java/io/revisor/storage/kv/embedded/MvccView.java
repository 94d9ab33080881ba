package io.revisor.storage.kv.embedded;

import io.revisor.storage.kv.KeyRange;
import io.revisor.storage.kv.KeyValue;
import io.revisor.storage.kv.Keys;
import io.revisor.storage.kv.RangeRequest;
import io.revisor.storage.kv.RangeResult;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.h2.mvstore.Cursor;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.RootReference;

/**
 * The data map as of one revision, read from one immutable root of the map (MVStore roots are copy-on-write), so
 * a read is consistent without any lock. Versions above {@code revision} (a transaction being applied or not yet
 * durable) are ignored.
 */
final class MvccView {
  /** One stored version of a key. */
  record Version(long modRevision, byte[] record) {
    boolean live() {
      return !Mvcc.isTombstone(record);
    }
  }

  /** Receives the live keys of a scan; returns false to stop. */
  interface KeyVisitor {
    boolean visit(byte[] userKey, Version version);
  }

  private final MVMap<byte[], byte[]> data;
  private final RootReference<byte[], byte[]> root;
  private final long revision;

  MvccView(MVMap<byte[], byte[]> data, RootReference<byte[], byte[]> root, long revision) {
    this.data = data;
    this.root = root;
    this.revision = revision;
  }

  long revision() {
    return revision;
  }

  /** The version of {@code userKey} current at {@code atRevision} (a tombstone included), or null. */
  Version floor(byte[] userKey, long atRevision) {
    Cursor<byte[], byte[]> c = data.cursor(root, Mvcc.versionKey(userKey, atRevision), null, true);
    if (!c.hasNext()) {
      return null;
    }
    byte[] k = c.next();
    return Mvcc.belongsTo(k, userKey) ? new Version(Mvcc.revisionOf(k), c.getValue()) : null;
  }

  /** The live version of {@code userKey} at this view's revision, or null. */
  Version live(byte[] userKey) {
    Version v = floor(userKey, revision);
    return v != null && v.live() ? v : null;
  }

  /** The version written exactly at {@code atRevision}, or null. */
  Version exact(byte[] userKey, long atRevision) {
    byte[] rec = data.get(root.root, Mvcc.versionKey(userKey, atRevision));
    return rec == null ? null : new Version(atRevision, rec);
  }

  /** Visits the live keys of {@code range} in key order, jumping from key to key rather than version to version. */
  void scan(KeyRange range, boolean descending, KeyVisitor visitor) {
    if (range.isSingleKey()) {
      byte[] k = Keys.bytes(range.start());
      Version v = live(k);
      if (v != null) {
        visitor.visit(k, v);
      }
      return;
    }
    byte[] lo = Keys.bytes(range.start());
    byte[] prefix = range.prefix() == null ? null : Keys.bytes(range.prefix());
    byte[] hi = range.end() == null ? null : Keys.bytes(range.end());
    if (prefix != null) {
      byte[] prefixEnd = Keys.prefixEnd(prefix);
      if (prefixEnd.length > 0 && (hi == null || Arrays.compareUnsigned(prefixEnd, hi) < 0)) {
        hi = prefixEnd;
      }
    }
    if (descending) {
      scanDescending(lo, hi, prefix, visitor);
    } else {
      scanAscending(lo, hi, prefix, visitor);
    }
  }

  private void scanAscending(byte[] lo, byte[] hi, byte[] prefix, KeyVisitor visitor) {
    byte[] pos = lo;
    while (true) {
      Cursor<byte[], byte[]> c = data.cursor(root, pos, null, false);
      if (!c.hasNext()) {
        return;
      }
      byte[] uk = Mvcc.userKey(c.next());
      if (Arrays.compareUnsigned(uk, lo) < 0) { // only when lo itself holds a NUL byte
        pos = Mvcc.successor(uk);
        continue;
      }
      if (hi != null && Arrays.compareUnsigned(uk, hi) >= 0) {
        return;
      }
      if (prefix == null || startsWith(uk, prefix)) {
        Version v = live(uk);
        if (v != null && !visitor.visit(uk, v)) {
          return;
        }
      }
      pos = Mvcc.successor(uk);
    }
  }

  private void scanDescending(byte[] lo, byte[] hi, byte[] prefix, KeyVisitor visitor) {
    byte[] pos = hi; // exclusive
    while (true) {
      Cursor<byte[], byte[]> c = data.cursor(root, pos, null, true);
      byte[] composite = null;
      while (c.hasNext()) {
        byte[] k = c.next();
        if (pos == null || Arrays.compareUnsigned(k, pos) < 0) {
          composite = k;
          break;
        }
      }
      if (composite == null) {
        return;
      }
      byte[] uk = Mvcc.userKey(composite);
      if (Arrays.compareUnsigned(uk, lo) < 0) {
        return;
      }
      if (prefix == null || startsWith(uk, prefix)) {
        Version v = live(uk);
        if (v != null && !visitor.visit(uk, v)) {
          return;
        }
      }
      pos = uk; // every version of uk sorts above uk itself, every smaller key below it
    }
  }

  /** Serves a range request at this view's revision. */
  RangeResult range(RangeRequest request, long headerRevision) {
    List<KeyValue> kvs = new ArrayList<>();
    long[] count = {0};
    scan(request.range(), request.descending(), (uk, v) -> {
      count[0]++;
      if (!request.countOnly() && (request.limit() == 0 || kvs.size() < request.limit())
          && v.modRevision() >= request.minModRevision()) {
        kvs.add(Mvcc.keyValue(uk, v.modRevision(), v.record(), request.keysOnly()));
      }
      return true;
    });
    return new RangeResult(
        kvs, !request.countOnly() && request.limit() > 0 && count[0] > request.limit(), count[0], headerRevision);
  }

  static boolean startsWith(byte[] key, byte[] prefix) {
    return key.length >= prefix.length && Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length);
  }
}
