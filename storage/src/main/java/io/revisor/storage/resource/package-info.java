/**
 * The versioned resource store: Kubernetes storage semantics on the {@link io.revisor.storage.kv.KvStore} SPI.
 *
 * <p>{@link io.revisor.storage.resource.ResourceStore} is the interface the API layer uses: create, get, guaranteed
 * update, delete, list with continue tokens at a pinned revision, watch, and what kube-apiserver cannot do: exact
 * reads below etcd's compaction, per-object history, trash, restore, stats and retention. It works on JSON object
 * bytes, knows {@code metadata.name/namespace/uid/labels/resourceVersion} and nothing else about Kubernetes, and
 * nothing about HTTP. Its failures are {@link io.revisor.storage.resource.StorageException}s. The key layout is
 * described in {@code storage/README.md} and implemented in {@code KeyLayout}.
 */
package io.revisor.storage.resource;
