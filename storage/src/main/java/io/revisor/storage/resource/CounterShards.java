package io.revisor.storage.resource;

import io.revisor.storage.kv.Compare;
import io.revisor.storage.kv.KeyValue;
import io.revisor.storage.kv.KvOp;
import io.revisor.storage.kv.KvStore;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The write side of the live-object counters: which counter shard of its scope (type and namespace) a mutation
 * updates, and what this store last saw in each shard.
 *
 * <p>Counts and bytes add up, so a mutation may update any shard of its scope: the scope's figures are the sum of
 * all its shards (plus its base). This store never lets two of its own mutations of one scope race for one shard:
 * each mutation leases a shard that none of the store's other in-flight mutations holds, the first free one counting
 * from the scope's starting shard (0 at first), for the duration of its transaction, and waits for a release only
 * when all shards are leased. Shards are therefore created lazily: a scope written one mutation at a time has a
 * single shard.
 *
 * <p>The store remembers the value and mod revision each shard had after its last use, so a mutation reads nothing
 * before its transaction. The transaction compares the shard's mod revision: if another replica wrote the shard in
 * between, it fails, its failure branch reads the shard's fresh state (handed to {@link Lease#failed}), and this
 * store moves its starting shard for the scope to a random one, so that replicas writing the same scope settle on
 * different shards. Exactness rests on that compare alone; the leases only avoid needless conflicts.
 *
 * <p>Thread-safe. Leases are released when their transaction completes, which the backend bounds by its request
 * timeout, so waiting for a lease is bounded too.
 */
final class CounterShards {
  /** Scopes whose shard state is remembered; beyond this, idle scopes are forgotten (and read again when used). */
  private static final int MAX_SCOPES = 10_000;

  private final KvStore kv;
  private final KeyLayout keys;
  private final int shards;
  private final ConcurrentHashMap<String, Scope> scopes = new ConcurrentHashMap<>();

  CounterShards(KvStore kv, KeyLayout keys, int shards) {
    if (shards <= 0) {
      throw new IllegalArgumentException("shards must be positive");
    }
    this.kv = kv;
    this.keys = keys;
    this.shards = shards;
  }

  /**
   * Leases a shard of the scope whose counter keys start with {@code counterPrefix}. The stage completes once a
   * shard is free and its state known; the holder must end the lease with exactly one of {@link Lease#committed},
   * {@link Lease#failed} or {@link Lease#unknown}.
   */
  CompletableFuture<Lease> lease(String counterPrefix) {
    Scope scope = scopes.computeIfAbsent(counterPrefix, Scope::new);
    if (scopes.size() > MAX_SCOPES) {
      // A scope forgotten while a mutation is about to lease from it only costs that mutation a possible conflict.
      scopes.values().removeIf(Scope::idle);
    }
    return scope.lease();
  }

  /** One scope's shards as this store knows them. Guarded by its own monitor. */
  private final class Scope {
    private final String prefix;
    private final boolean[] leased = new boolean[shards];
    /** The value after this store's last use of each shard; null when unknown. */
    private final Figures[] values = new Figures[shards];
    private final long[] modRevisions = new long[shards];
    private final ArrayDeque<CompletableFuture<Lease>> waiting = new ArrayDeque<>();
    private int start;
    private int leasedCount;

    Scope(String prefix) {
      this.prefix = prefix;
    }

    synchronized boolean idle() {
      return leasedCount == 0 && waiting.isEmpty();
    }

    CompletableFuture<Lease> lease() {
      int shard = -1;
      CompletableFuture<Lease> wait = null;
      synchronized (this) {
        for (int i = 0; i < shards && shard < 0; i++) {
          int candidate = (start + i) % shards;
          if (!leased[candidate]) {
            shard = candidate;
          }
        }
        if (shard < 0) {
          wait = new CompletableFuture<>();
          waiting.add(wait);
        } else {
          leased[shard] = true;
          leasedCount++;
        }
      }
      return wait != null ? wait : begin(shard);
    }

    /** The lease of {@code shard} (already marked leased), reading the shard first when its state is unknown. */
    private CompletableFuture<Lease> begin(int shard) {
      String key = keys.counterShard(prefix, shard);
      synchronized (this) {
        if (values[shard] != null) {
          return CompletableFuture.completedFuture(new Lease(this, shard, key, values[shard], modRevisions[shard]));
        }
      }
      return Futures.of(kv.get(key)).handle((current, error) -> {
        try {
          if (error != null) {
            throw StorageException.from(error);
          }
          Figures value = current == null ? Figures.ZERO : Figures.decode(key, current.value());
          return new Lease(this, shard, key, value, current == null ? 0 : current.modRevision());
        } catch (RuntimeException e) {
          release(shard, null, 0, false);
          throw e;
        }
      });
    }

    /** Records what the lease holder learned of the shard and hands the shard to the next waiter, if any. */
    private void release(int shard, Figures value, long modRevision, boolean movedByOthers) {
      CompletableFuture<Lease> next;
      synchronized (this) {
        values[shard] = value;
        modRevisions[shard] = modRevision;
        if (movedByOthers) {
          start = ThreadLocalRandom.current().nextInt(shards);
        }
        next = waiting.poll();
        if (next == null) {
          leased[shard] = false;
          leasedCount--;
        }
      }
      if (next != null) {
        CompletableFuture<Lease> waiter = next;
        begin(shard).whenComplete((lease, error) -> {
          if (error != null) {
            waiter.completeExceptionally(error);
          } else {
            waiter.complete(lease);
          }
        });
      }
    }
  }

  /** One mutation's hold on one shard, and the shard's state the mutation's transaction is built on. */
  final class Lease {
    private final Scope scope;
    private final int shard;
    private final String key;
    private final Figures value;
    private final long modRevision;
    private Figures next;

    private Lease(Scope scope, int shard, String key, Figures value, long modRevision) {
      this.scope = scope;
      this.shard = shard;
      this.key = key;
      this.value = value;
      this.modRevision = modRevision;
    }

    String key() {
      return key;
    }

    /** The compare that makes the transaction fail if the shard changed since this store saw it. */
    Compare guard() {
      return Compare.modRevisionIs(key, modRevision);
    }

    /** The write that adds {@code delta} to the shard. */
    KvOp write(Figures delta) {
      next = value.plus(delta);
      return KvOp.put(key, next.encode());
    }

    /** The transaction committed at {@code revision}. */
    void committed(long revision) {
      scope.release(shard, next, revision, false);
    }

    /**
     * The transaction failed a compare; {@code fresh} is the shard as its failure branch read it (null: absent).
     *
     * @return whether the shard had changed since this store saw it (the shard compare failed)
     * @throws StorageException INTERNAL when the shard's value cannot be decoded (the lease is ended all the same)
     */
    boolean failed(KeyValue fresh) {
      long freshRevision = fresh == null ? 0 : fresh.modRevision();
      boolean moved = freshRevision != modRevision;
      Figures freshValue;
      try {
        freshValue = fresh == null ? Figures.ZERO : Figures.decode(key, fresh.value());
      } catch (StorageException e) {
        scope.release(shard, null, 0, moved);
        throw e;
      }
      scope.release(shard, freshValue, freshRevision, moved);
      return moved;
    }

    /** The transaction's outcome is unknown (the call failed or timed out): the shard is read again next time. */
    void unknown() {
      scope.release(shard, null, 0, false);
    }
  }
}
