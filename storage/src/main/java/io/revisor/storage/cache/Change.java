package io.revisor.storage.cache;

import io.revisor.storage.resource.WatchEvent;
import io.revisor.storage.selection.ObjectPredicate;

/**
 * One change in a type's window: the store's event with the version it replaced, from which every watcher's view
 * of it follows (Kubernetes' selector rules).
 */
final class Change {
  final long revision;
  private final WatchEvent event;
  private final Cached object;
  /** The version before the change, or null when the object was new (or its previous version unknown). */
  private final Cached previous;
  /** The previous content with this change's resourceVersion: a DELETED for watchers it stopped matching. */
  private volatile WatchEvent leftSelection;

  Change(WatchEvent event, Cached object, Cached previous) {
    this.revision = event.resourceVersion();
    this.event = event;
    this.object = object;
    this.previous = previous;
  }

  /** The event a watch of {@code namespace} (null: all) selecting {@code predicate} sees, or null for none. */
  WatchEvent visibleTo(String namespace, ObjectPredicate predicate) {
    if (namespace != null && !namespace.equals(object.object.key().namespace())) {
      return null;
    }
    if (predicate.isEverything()) {
      return event;
    }
    if (event.type() == WatchEvent.Type.DELETED) {
      // The last version the cache held: the store's event may carry a stub without labels when it lacks the old value.
      Cached last = previous != null ? previous : object;
      return last.matches(predicate) ? event : null;
    }
    boolean nowMatches = object.matches(predicate);
    boolean oldMatches = previous != null && previous.matches(predicate);
    if (nowMatches && oldMatches) {
      return modified();
    }
    if (nowMatches) {
      // Started matching; with no previous version known, the store's own type stands.
      return previous != null ? added() : event;
    }
    return oldMatches ? leftSelection() : null;
  }

  private WatchEvent modified() {
    return event.type() == WatchEvent.Type.MODIFIED ? event : retyped(WatchEvent.Type.MODIFIED);
  }

  private WatchEvent added() {
    return event.type() == WatchEvent.Type.ADDED ? event : retyped(WatchEvent.Type.ADDED);
  }

  private WatchEvent retyped(WatchEvent.Type type) {
    return new WatchEvent(type, event.object(), revision, false);
  }

  private WatchEvent leftSelection() {
    WatchEvent left = leftSelection;
    if (left == null) {
      left = new WatchEvent(WatchEvent.Type.DELETED, previous.object.withResourceVersion(revision), revision, false);
      leftSelection = left;
    }
    return left;
  }
}
