package io.revisor.storage.resource;

/**
 * Computes the next version of an object from the current one inside a guaranteed update. It may be called several
 * times (once per conflicting concurrent write), so it must be free of side effects. Throwing aborts the update and
 * the exception reaches the caller unchanged.
 */
@FunctionalInterface
public interface UpdateFunction {
  /**
   * @param current the current object, with its resourceVersion filled in
   * @return the new JSON object; returning content equal to the current one makes the update a no-op (nothing is
   *     written, the resourceVersion stays)
   */
  byte[] apply(StoredObject current);
}
