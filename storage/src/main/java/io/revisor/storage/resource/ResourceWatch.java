package io.revisor.storage.resource;

/** A running watch. Closing it is idempotent, never throws, and is followed by exactly one {@code onClose(null)}. */
public interface ResourceWatch extends AutoCloseable {
  @Override
  void close();

  /** The listener is {@link ResourceWatchListener#ready() ready} again: a watch holding events delivers them. */
  default void resume() {
  }
}
