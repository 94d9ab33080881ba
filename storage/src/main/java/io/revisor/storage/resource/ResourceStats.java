package io.revisor.storage.resource;

/**
 * The live objects of one resource type in one namespace, exact at one revision: what quotas are checked against.
 *
 * @param type the resource type
 * @param namespace the namespace; empty for cluster-scoped types
 * @param count how many objects exist
 * @param bytes the total size of their JSON as stored: compact, without {@code metadata.resourceVersion}; a large
 *     object stored in chunks counts its whole size
 * @param latestResourceVersion the revision of the latest change (create, update, delete or restore) in this
 *     namespace
 */
public record ResourceStats(ResourceType type, String namespace, long count, long bytes, long latestResourceVersion) {
  /**
   * The bytes object {@code json} counts for in {@link #bytes} when stored under {@code key}: the size of its storage
   * form, whatever spacing and {@code metadata.resourceVersion} it comes with. What a quota check adds up.
   *
   * @throws StorageException INVALID when {@code json} is not a JSON object, or names another object than {@code key}
   */
  public static long storedSize(ObjectKey key, byte[] json) {
    return ObjectJson.normalize(key, json).length;
  }
}
