package io.revisor.storage.kv;

import java.util.Objects;

/**
 * A watch on a {@link KeyRange}.
 *
 * @param range the keys watched
 * @param startRevision deliver every change with revision &gt;= this (0 = changes after the current revision)
 * @param prevKv include the previous state in each event
 * @param progressNotify ask the backend to send {@link KvWatchListener#onProgress} periodically while idle
 */
public record WatchRequest(KeyRange range, long startRevision, boolean prevKv, boolean progressNotify) {
  public WatchRequest {
    Objects.requireNonNull(range, "range");
    if (startRevision < 0) {
      throw new IllegalArgumentException("startRevision must not be negative");
    }
  }

  public static WatchRequest of(KeyRange range, long startRevision) {
    return new WatchRequest(range, startRevision, true, true);
  }
}
