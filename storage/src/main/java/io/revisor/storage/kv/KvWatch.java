package io.revisor.storage.kv;

/** A running watch. Closing it stops delivery promptly; it is idempotent and never throws. */
public interface KvWatch extends AutoCloseable {
  /**
   * Asks for an {@link KvWatchListener#onProgress} with the store's current revision once every earlier change has
   * been delivered. Cheap; may be called at any time.
   */
  void requestProgress();

  @Override
  void close();
}
