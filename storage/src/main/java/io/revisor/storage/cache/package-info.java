/**
 * The watch cache: a {@link io.revisor.storage.resource.ResourceStore} in front of another one that keeps, per resource
 * type, the current objects and a window of recent changes in memory, fed by one watch of the store. Lists and
 * watches are answered from memory; everything else passes through. See {@link io.revisor.storage.cache.WatchCache}.
 */
package io.revisor.storage.cache;
