package io.revisor.storage.resource;

import io.revisor.storage.selection.ObjectAttributes;
import io.revisor.storage.selection.ObjectPredicate;
import java.util.Objects;
import java.util.Set;

/**
 * An object as read from the store: its identity, its JSON with {@code metadata.resourceVersion} set, and the
 * resourceVersion. Equal when key, JSON array (the same array, as records compare arrays) and resourceVersion are.
 *
 * <p>A current version read from a {@link ResourceStore#open store on a KvStore} (by a get, a list or a watch) also
 * carries, invisibly, how the store recorded it ({@link VersionRecord}): a watch cache that hands it back to
 * {@link ResourceStore#update(ObjectKey, Preconditions, UpdateFunction, Actor, StoredObject)} lets the store write
 * without reading the version again.
 */
public final class StoredObject {
  private final ObjectKey key;
  private final byte[] json;
  private final long resourceVersion;
  /** How the store recorded this version, or null when unknown (see {@link VersionRecord}). */
  private final VersionRecord record;

  /**
   * @param key its identity
   * @param json the JSON object with {@code metadata.resourceVersion} set to {@code resourceVersion}
   * @param resourceVersion the revision of this version (for a deleted object: the deletion revision)
   */
  public StoredObject(ObjectKey key, byte[] json, long resourceVersion) {
    this(key, json, resourceVersion, null);
  }

  StoredObject(ObjectKey key, byte[] json, long resourceVersion, VersionRecord record) {
    this.key = key;
    this.json = json;
    this.resourceVersion = resourceVersion;
    this.record = record;
  }

  /** Its identity. */
  public ObjectKey key() {
    return key;
  }

  /** The JSON object with {@code metadata.resourceVersion} set to {@link #resourceVersion}. */
  public byte[] json() {
    return json;
  }

  /** The revision of this version (for a deleted object: the deletion revision). */
  public long resourceVersion() {
    return resourceVersion;
  }

  /** How the store recorded this version; null when unknown. */
  VersionRecord record() {
    return record;
  }

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
  public boolean equals(Object o) {
    return o instanceof StoredObject other && Objects.equals(key, other.key) && json == other.json
        && resourceVersion == other.resourceVersion;
  }

  @Override
  public int hashCode() {
    return Objects.hash(key, json, resourceVersion);
  }

  @Override
  public String toString() {
    return "StoredObject[" + key + "@" + resourceVersion + ", " + json.length + " bytes]";
  }
}
