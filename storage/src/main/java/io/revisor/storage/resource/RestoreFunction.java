package io.revisor.storage.resource;

/**
 * Prepares the object to write when restoring: the API layer uses it to fix metadata (uid, finalizers, deletion
 * timestamp, generation). Like {@link UpdateFunction}, it may run more than once and must be free of side effects.
 */
@FunctionalInterface
public interface RestoreFunction {
  RestoreFunction IDENTITY = (source, current) -> source.json();

  /**
   * @param source the version being brought back
   * @param current the object as it is now, or null when it is deleted
   * @return the JSON object to write
   */
  byte[] apply(StoredObject source, StoredObject current);
}
