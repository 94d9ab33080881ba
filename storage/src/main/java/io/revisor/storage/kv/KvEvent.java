package io.revisor.storage.kv;

/**
 * One change seen by a watch.
 *
 * @param type PUT or DELETE
 * @param kv after a PUT, the new state; after a DELETE, the key with an empty value, its {@code modRevision} being
 *     the deletion revision
 * @param prevKv the state before the change when the watch asked for previous values and the backend still had
 *     it; otherwise null
 */
public record KvEvent(Type type, KeyValue kv, KeyValue prevKv) {
  public enum Type {
    PUT,
    DELETE
  }

  /** The revision at which the change happened. */
  public long revision() {
    return kv.modRevision();
  }
}
