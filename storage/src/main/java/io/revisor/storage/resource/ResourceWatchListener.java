package io.revisor.storage.resource;

/**
 * Receives a {@link ResourceWatch}'s events. Calls for one watch never overlap and follow revision order (initial
 * events excepted, which are in key order); they run on a store thread and must not block for long: a listener that
 * falls {@code maxQueuedEvents} behind is ended with {@link StorageErrorCode#TOO_SLOW} so it never holds up others.
 */
public interface ResourceWatchListener {
  void onEvent(WatchEvent event);

  /**
   * Whether the listener takes more events now (flow control). While it says no, the watch holds its events: the
   * backlog (initial events, a replay) waits where it is, and changes count against the watch's own bound, beyond
   * which it ends with {@link StorageErrorCode#TOO_SLOW}. A watch looks before each event (the end excepted, which is
   * always delivered) and delivers again after {@link ResourceWatch#resume()}. Called on the delivering thread; it
   * must be cheap and never block.
   */
  default boolean ready() {
    return true;
  }

  /**
   * The watch ended and delivers nothing more. {@code error} is null after {@link ResourceWatch#close()}; otherwise
   * {@link StorageErrorCode#COMPACTED} (the start revision is too old: Kubernetes answers 410 Expired),
   * {@link StorageErrorCode#TOO_SLOW}, or {@link StorageErrorCode#UNAVAILABLE} when the store closed.
   */
  void onClose(StorageException error);
}
