package io.revisor.storage.cache;

import io.revisor.storage.resource.ResourceType;

/**
 * What one resource type's cache holds.
 *
 * @param type the resource type
 * @param ready whether the cache answers (false while it lists the store, after a start or a lost watch)
 * @param revision the revision the cache is known to be current at
 * @param objects objects held
 * @param objectBytes the total size of their JSON, each held once whatever the number of watchers
 * @param windowEvents recent changes held for watches that resume
 * @param watchers watches served from this cache
 */
public record CacheStats(
    ResourceType type, boolean ready, long revision, long objects, long objectBytes, int windowEvents, int watchers) {}
