package io.revisor.bench.client;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * The raw side of every comparison: etcd through jetcd, the operations the Revisor side stands for, under keys of
 * their own. Thread-safe.
 */
public final class RawEtcd implements AutoCloseable {
  /** Every raw key starts with this, apart from Revisor's own {@code /revisor/...}. */
  public static final String PREFIX = "/bench-raw/";

  private final Client client;
  private final KV kv;

  private RawEtcd(Client client) {
    this.client = client;
    this.kv = client.getKVClient();
  }

  public static RawEtcd connect(String endpoint) {
    // No pings while idle (between scenarios): etcd would close the connection (finding 4 of BENCHMARKS.md).
    return new RawEtcd(Client.builder().endpoints(endpoint).maxInboundMessageSize(256 << 20)
        .connectTimeout(Duration.ofSeconds(5)).keepaliveWithoutCalls(false).build());
  }

  /** A page of a range: the values in key order, whether more keys follow, and the revision read at. */
  public record Page(List<KeyValue> kvs, boolean more, long revision) {}

  /** A conditional write that did not apply (a precondition failed). */
  public static final class ConflictException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ConflictException(String key) {
      super("the compare of " + key + " failed");
    }
  }

  static ByteSequence bytes(String s) {
    return ByteSequence.from(s, StandardCharsets.UTF_8);
  }

  /**
   * Creates {@code key}: {@code Txn If(ModRevision(key) == 0) Then(Put)}.
   *
   * @return the new mod revision; fails with {@link ConflictException} when the key exists
   */
  public CompletionStage<Long> create(String key, byte[] value) {
    return putIf(key, value, 0);
  }

  /**
   * Replaces {@code key} if it is still at {@code modRevision}: {@code Txn If(ModRevision(key) == rv) Then(Put)}.
   *
   * @return the new mod revision; fails with {@link ConflictException} when the key changed
   */
  public CompletionStage<Long> update(String key, byte[] value, long modRevision) {
    return putIf(key, value, modRevision);
  }

  private CompletionStage<Long> putIf(String key, byte[] value, long modRevision) {
    ByteSequence k = bytes(key);
    return kv.txn().If(new Cmp(k, Cmp.Op.EQUAL, CmpTarget.modRevision(modRevision)))
        .Then(Op.put(k, ByteSequence.from(value), PutOption.DEFAULT))
        .commit()
        .thenApply(r -> {
          if (!r.isSucceeded()) {
            throw new ConflictException(key);
          }
          return r.getHeader().getRevision();
        });
  }

  /** A single-key range (a linearizable read); completes with the value, or null when there is no such key. */
  public CompletionStage<byte[]> get(String key) {
    return kv.get(bytes(key)).thenApply(r -> r.getKvs().isEmpty() ? null : r.getKvs().get(0).getValue().getBytes());
  }

  /**
   * Keys in {@code [from, end)}, at most {@code limit} (0: all), at {@code revision} (0: latest).
   */
  public CompletionStage<Page> range(String from, String end, long limit, long revision) {
    GetOption option = GetOption.builder().withRange(bytes(end)).withLimit(limit).withRevision(revision).build();
    return kv.get(bytes(from), option)
        .thenApply(r -> new Page(r.getKvs(), r.isMore(), r.getHeader().getRevision()));
  }

  /** The end of the range of keys starting with {@code prefix} (which ends with {@code /}). */
  public static String prefixEnd(String prefix) {
    return prefix.substring(0, prefix.length() - 1) + (char) (prefix.charAt(prefix.length() - 1) + 1);
  }

  /** The store's current revision. */
  public CompletableFuture<Long> revision() {
    return kv.get(bytes(PREFIX), GetOption.builder().withCountOnly(true).build())
        .thenApply(r -> r.getHeader().getRevision());
  }

  /**
   * Watches every key under {@code prefix} from {@code revision} on (inclusive).
   *
   * @param onEvent gets every event, on a gRPC thread
   * @param onError gets a failure that ends the watch
   */
  public Watch.Watcher watch(String prefix, long revision, Consumer<WatchEvent> onEvent, Consumer<Throwable> onError) {
    WatchOption option = WatchOption.builder().isPrefix(true).withRevision(revision).build();
    return client.getWatchClient().watch(bytes(prefix), option,
        Watch.listener(r -> r.getEvents().forEach(onEvent), onError));
  }

  @Override
  public void close() {
    client.close();
  }
}
