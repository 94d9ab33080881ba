package io.revisor.storage.kv.etcd;

import io.revisor.storage.kv.KvStore;

/**
 * A {@link KvStore} on an etcd v3 cluster, through jetcd.
 *
 * <p>Revisions are etcd's own: the store's revision is the cluster's, a fresh cluster starts at revision 1. Every
 * call is bounded by {@link EtcdKvStoreOptions#requestTimeout()}; reads, {@code currentRevision} and
 * {@code compact} are retried with capped exponential backoff on UNAVAILABLE and TIMEOUT within that deadline;
 * transactions never are. Watches survive etcd restarts and leader changes: they resume from the revision after
 * the last one delivered.
 */
public interface EtcdKvStore extends KvStore {
  /**
   * Creates a store on the given cluster. Connections are made lazily: this never blocks and succeeds even when
   * etcd is down (calls then fail with UNAVAILABLE or TIMEOUT).
   *
   * @throws IllegalArgumentException if the options are unusable (for example unreadable TLS files)
   */
  static EtcdKvStore connect(EtcdKvStoreOptions options) {
    return new EtcdKvStoreImpl(options);
  }
}
