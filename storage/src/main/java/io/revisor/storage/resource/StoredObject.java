package io.revisor.storage.resource;

/**
 * An object as read from the store.
 *
 * @param key its identity
 * @param json the JSON object with {@code metadata.resourceVersion} set to {@code resourceVersion}
 * @param resourceVersion the revision of this version (for a deleted object: the deletion revision)
 */
public record StoredObject(ObjectKey key, byte[] json, long resourceVersion) {
  @Override
  public String toString() {
    return "StoredObject[" + key + "@" + resourceVersion + ", " + json.length + " bytes]";
  }
}
