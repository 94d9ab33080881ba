package io.revisor.storage.cache;

import java.time.Duration;
import java.util.Objects;

/**
 * Settings of a {@link WatchCache}. Every setting has a production default ({@link #defaults()}).
 *
 * @param windowEvents recent changes kept per resource type: a watch may resume from any resourceVersion they cover
 *     without reading the store
 * @param watcherBuffer changes one watcher may fall behind before it is ended with TOO_SLOW (its client lists again)
 * @param freshnessTimeout how long a consistent list waits for the cache to catch up with the store before it reads
 *     the store itself
 * @param progressInterval how often an idle type's cache proves to the store that it is current, so that bookmarks
 *     advance while nothing changes
 * @param snapshotRetention how long a list snapshot stays in memory for the continue tokens of its pages; later pages
 *     are read from the store, exactly as before
 * @param snapshotsPerType list snapshots kept at most per resource type
 * @param startOnWrite whether a type's cache starts on its first update or delete too (updates and deletes start
 *     from the cached version of the object), not only on its first list or watch
 */
public record WatchCacheOptions(
    int windowEvents,
    int watcherBuffer,
    Duration freshnessTimeout,
    Duration progressInterval,
    Duration snapshotRetention,
    int snapshotsPerType,
    boolean startOnWrite) {
  public static final int DEFAULT_WINDOW_EVENTS = 10_000;
  public static final int DEFAULT_WATCHER_BUFFER = 1_000;

  public WatchCacheOptions {
    Objects.requireNonNull(freshnessTimeout, "freshnessTimeout");
    Objects.requireNonNull(progressInterval, "progressInterval");
    Objects.requireNonNull(snapshotRetention, "snapshotRetention");
    if (windowEvents <= 0 || watcherBuffer <= 0 || snapshotsPerType <= 0) {
      throw new IllegalArgumentException("windowEvents, watcherBuffer and snapshotsPerType must be positive");
    }
    if (freshnessTimeout.isNegative() || progressInterval.isNegative() || progressInterval.isZero()
        || snapshotRetention.isNegative()) {
      throw new IllegalArgumentException("durations must not be negative (and progressInterval positive)");
    }
  }

  public static WatchCacheOptions defaults() {
    return new WatchCacheOptions(DEFAULT_WINDOW_EVENTS, DEFAULT_WATCHER_BUFFER, Duration.ofSeconds(3),
        Duration.ofSeconds(5), Duration.ofMinutes(2), 16, true);
  }

  public WatchCacheOptions withWindowEvents(int events) {
    return new WatchCacheOptions(
        events, watcherBuffer, freshnessTimeout, progressInterval, snapshotRetention, snapshotsPerType, startOnWrite);
  }

  public WatchCacheOptions withWatcherBuffer(int events) {
    return new WatchCacheOptions(
        windowEvents, events, freshnessTimeout, progressInterval, snapshotRetention, snapshotsPerType, startOnWrite);
  }

  public WatchCacheOptions withFreshnessTimeout(Duration timeout) {
    return new WatchCacheOptions(
        windowEvents, watcherBuffer, timeout, progressInterval, snapshotRetention, snapshotsPerType, startOnWrite);
  }

  public WatchCacheOptions withProgressInterval(Duration interval) {
    return new WatchCacheOptions(
        windowEvents, watcherBuffer, freshnessTimeout, interval, snapshotRetention, snapshotsPerType, startOnWrite);
  }

  public WatchCacheOptions withStartOnWrite(boolean start) {
    return new WatchCacheOptions(
        windowEvents, watcherBuffer, freshnessTimeout, progressInterval, snapshotRetention, snapshotsPerType, start);
  }
}
