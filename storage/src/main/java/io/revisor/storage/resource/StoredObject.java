package io.revisor.storage.resource;

import io.revisor.storage.selection.ObjectAttributes;
import io.revisor.storage.selection.ObjectPredicate;
import java.util.Set;

/**
 * An object as read from the store.
 *
 * @param key its identity
 * @param json the JSON object with {@code metadata.resourceVersion} set to {@code resourceVersion}
 * @param resourceVersion the revision of this version (for a deleted object: the deletion revision)
 */
public record StoredObject(ObjectKey key, byte[] json, long resourceVersion) {
  /**
   * Whether {@code predicate} selects this object, read as the store reads it for lists and watches (labels, {@code
   * metadata.name}, {@code metadata.namespace} and any dotted field paths); the JSON is parsed only when the
   * predicate does not select everything.
   */
  public boolean matches(ObjectPredicate predicate) {
    return ObjectJson.matches(key, json, predicate);
  }

  /**
   * What selectors read of this object ({@link #matches} in parts): labels, name, namespace and the values of
   * {@code fieldPaths}, for a reader that keeps them (the JSON is parsed on every call).
   */
  public ObjectAttributes attributes(Set<String> fieldPaths) {
    return ObjectJson.attributes(key, json, fieldPaths);
  }

  /** The same content with {@code metadata.resourceVersion} (and {@link #resourceVersion}) set to {@code revision}. */
  public StoredObject withResourceVersion(long revision) {
    return new StoredObject(key, ObjectJson.withResourceVersion(ObjectJson.normalize(key, json), revision), revision);
  }

  @Override
  public String toString() {
    return "StoredObject[" + key + "@" + resourceVersion + ", " + json.length + " bytes]";
  }
}
