package io.revisor.storage.cache;

import io.revisor.storage.resource.ResourceStore;
import io.revisor.storage.resource.ResourceStoreOptions;

/** How the contract suites put the cache in front of the store under test. */
final class CachedContract {
  private CachedContract() {}

  /**
   * The store behind a cache that owns it. The store's watcher limit becomes the cache's, so that the contract's
   * slow-watcher cases hold for the watches the cache serves.
   */
  static ResourceStore wrap(ResourceStore store, ResourceStoreOptions options) {
    return WatchCache.owning(store, WatchCacheOptions.defaults().withWatcherBuffer(options.watchQueueLimit()));
  }
}
