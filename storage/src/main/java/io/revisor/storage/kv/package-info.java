/**
 * The revisioned key-value SPI: the few primitives of etcd that the versioned resource store needs, in domain
 * types only.
 *
 * <p>{@link io.revisor.storage.kv.KvStore} is the one interface; {@code kv.etcd} and {@code kv.embedded} implement
 * it with the same semantics. Keys are strings compared in UTF-8 byte order; values are opaque bytes. Every
 * mutation bumps one global, gapless revision counter; every key remembers the revision that created it and the
 * revision that last modified it. Reads may be served at a past revision until it is compacted. Failures are
 * always a {@link io.revisor.storage.kv.KvException} carrying a {@link io.revisor.storage.kv.KvErrorCode}.
 */
package io.revisor.storage.kv;
