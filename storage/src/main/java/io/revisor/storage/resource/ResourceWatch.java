package io.revisor.storage.resource;

/** A running watch. Closing it is idempotent, never throws, and is followed by exactly one {@code onClose(null)}. */
public interface ResourceWatch extends AutoCloseable {
  @Override
  void close();
}
