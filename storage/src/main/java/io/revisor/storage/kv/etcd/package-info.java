/**
 * The etcd backend of the revisioned KV SPI, on jetcd: {@link io.revisor.storage.kv.etcd.EtcdKvStore#connect}.
 *
 * <p>Everything jetcd, gRPC and protobuf stays inside this package: keys and values cross the SPI as strings and
 * byte arrays, failures as {@link io.revisor.storage.kv.KvException}. The package adds what jetcd leaves to its
 * callers: a deadline on every call (jetcd has none and would wait forever for an etcd that is down), retries of
 * the calls that are safe to repeat, one place that turns gRPC statuses into error codes, and watches that resume
 * from the last delivered revision without losing or repeating events.
 */
package io.revisor.storage.kv.etcd;
