package io.revisor.storage.cache;

import io.revisor.storage.resource.ResourceStore;
import io.revisor.storage.resource.ResourceStoreOptions;

/** How the contract suites put the cache in front of the store under test. */
final class CachedContract {
  private CachedContract() {}

  /**
   * The store behind a cache that owns it. The store's watcher limit becomes the cache's, so that the contract's
   * slow-watcher cases hold for the watches the cache serves. Types' caches start on lists and watches only: the
   * contract's compaction cases expect a watch from a compacted revision to end with COMPACTED, which a cache started
   * by the writes before it may instead serve from its window (as kube-apiserver's does). Updates and deletes still
   * start from the cache once a list or watch has started it; {@link UpdateFromCacheTest} starts it by writes.
   */
  static ResourceStore wrap(ResourceStore store, ResourceStoreOptions options) {
    return WatchCache.owning(store, WatchCacheOptions.defaults().withWatcherBuffer(options.watchQueueLimit())
        .withStartOnWrite(false));
  }
}
