package io.revisor.storage.resource;

import io.revisor.storage.selection.ObjectPredicate;
import java.time.Duration;
import java.util.Objects;

/**
 * What to watch.
 *
 * @param namespace one namespace, or null for all
 * @param predicate label and field selection, with Kubernetes' entry/exit rules: an object that starts matching is
 *     ADDED, one that stops matching is DELETED (old content, new resourceVersion)
 * @param revision without initial events: deliver changes with resourceVersion &gt; revision (0 = from now on).
 *     With initial events: the revision to list at (0 = latest)
 * @param initialEvents first send an ADDED event for every matching object of a consistent list, then changes
 * @param bookmarks send BOOKMARK events: periodically, and once after the initial events
 * @param bookmarkInterval how often to send bookmarks when {@code bookmarks} is set
 */
public record WatchOptions(
    String namespace,
    ObjectPredicate predicate,
    long revision,
    boolean initialEvents,
    boolean bookmarks,
    Duration bookmarkInterval) {
  public static final Duration DEFAULT_BOOKMARK_INTERVAL = Duration.ofMinutes(1);

  public WatchOptions {
    predicate = Objects.requireNonNullElse(predicate, ObjectPredicate.EVERYTHING);
    bookmarkInterval = Objects.requireNonNullElse(bookmarkInterval, DEFAULT_BOOKMARK_INTERVAL);
    if (revision < 0) {
      throw StorageException.invalid("revision must not be negative");
    }
  }

  /** Changes after {@code revision} in {@code namespace} (null = all), no bookmarks. */
  public static WatchOptions since(String namespace, long revision) {
    return new WatchOptions(namespace, ObjectPredicate.EVERYTHING, revision, false, false, null);
  }

  public WatchOptions matching(ObjectPredicate predicate) {
    return new WatchOptions(namespace, predicate, revision, initialEvents, bookmarks, bookmarkInterval);
  }

  public WatchOptions withInitialEvents() {
    return new WatchOptions(namespace, predicate, revision, true, bookmarks, bookmarkInterval);
  }

  public WatchOptions withBookmarks(Duration interval) {
    return new WatchOptions(namespace, predicate, revision, initialEvents, true, interval);
  }
}
