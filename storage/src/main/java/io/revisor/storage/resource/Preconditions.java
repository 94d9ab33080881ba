package io.revisor.storage.resource;

/**
 * Conditions the current object must meet for an update or delete to proceed; a mismatch fails with
 * {@link StorageErrorCode#CONFLICT}. Checked against the freshest state on every attempt.
 *
 * @param uid the required {@code metadata.uid}, or null for any
 * @param resourceVersion the required resourceVersion, or 0 for any
 */
public record Preconditions(String uid, long resourceVersion) {
  public static final Preconditions NONE = new Preconditions(null, 0);

  public static Preconditions uid(String uid) {
    return new Preconditions(uid, 0);
  }

  public static Preconditions resourceVersion(long resourceVersion) {
    return new Preconditions(null, resourceVersion);
  }
}
