package io.revisor.storage.resource;

/**
 * One event of a {@link ResourceWatch}.
 *
 * @param type what happened
 * @param object ADDED/MODIFIED: the new state; DELETED: the last state with resourceVersion = the deletion
 *     revision (or, when the object stopped matching the selector, its last matching content with the new
 *     resourceVersion); BOOKMARK: null
 * @param resourceVersion the event's revision; for a BOOKMARK every change up to it has been delivered
 * @param initialEventsEnd whether this BOOKMARK marks the end of the initial events
 */
public record WatchEvent(Type type, StoredObject object, long resourceVersion, boolean initialEventsEnd) {
  public enum Type {
    ADDED,
    MODIFIED,
    DELETED,
    BOOKMARK
  }

  static WatchEvent of(Type type, StoredObject object) {
    return new WatchEvent(type, object, object.resourceVersion(), false);
  }

  static WatchEvent bookmark(long revision, boolean initialEventsEnd) {
    return new WatchEvent(Type.BOOKMARK, null, revision, initialEventsEnd);
  }

  /**
   * This event as delivered after everything up to {@code delivered}: a BOOKMARK is raised to it (a bookmark never
   * goes below an event already sent); any other event is returned as it is.
   */
  public WatchEvent after(long delivered) {
    return type == Type.BOOKMARK && resourceVersion < delivered
        ? new WatchEvent(Type.BOOKMARK, null, delivered, initialEventsEnd)
        : this;
  }
}
