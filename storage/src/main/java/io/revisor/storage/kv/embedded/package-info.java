/**
 * The embedded backend of the KV SPI: {@link io.revisor.storage.kv.embedded.EmbeddedKvStore}, an in-process,
 * durable store with etcd's semantics built on H2 MVStore, for development and single-node use.
 *
 * <p>Layout inside one MVStore file: {@code data} maps (user key, 0x00, 8-byte big-endian revision) to one version
 * record (like etcd's MVCC key space), {@code log} maps (revision, index in the transaction) to the changed key
 * (for watch replay), and {@code meta} holds the current and compacted revisions. One writer thread applies
 * transactions and commits each group of them durably before acknowledging; readers never lock.
 */
package io.revisor.storage.kv.embedded;
