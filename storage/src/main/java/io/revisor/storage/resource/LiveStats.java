package io.revisor.storage.resource;

import io.revisor.storage.kv.Compare;
import io.revisor.storage.kv.KeyRange;
import io.revisor.storage.kv.KeyValue;
import io.revisor.storage.kv.KvErrorCode;
import io.revisor.storage.kv.KvOp;
import io.revisor.storage.kv.KvStore;
import io.revisor.storage.kv.RangeRequest;
import io.revisor.storage.kv.TxnRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The read side of the live-object counters: {@link ResourceStore#stats} from the counter keys, and the backfill of
 * scopes (type and namespace) that stores before counters wrote.
 *
 * <p>A scope's figures are its base plus the sum of its shards (see {@link CounterShards}). Stores before counters
 * wrote no shards but touched the scope's legacy marker in every mutation; this store never writes that marker. So
 * the figures are exact whenever the base accounts for the marker's current mod revision (or there is no marker):
 * every change since was counted in a shard. The base is {@code live objects - sum of shards} read at one revision
 * {@code R}, written with a compare on the marker's mod revision as of {@code R}; that difference stays constant under
 * counted mutations, so concurrent backfills (several openers, or a backfill racing with stats) compute and write the
 * same value. When the marker has moved since (a store without counters is still writing during a rolling upgrade),
 * {@code stats} counts that scope's objects at {@code R} instead, which is exact, and writes a new base.
 *
 * <p>Thread-safe; every method returns at once.
 */
final class LiveStats {
  private static final Logger LOG = LoggerFactory.getLogger(LiveStats.class);
  /**
   * Meta key saying that an open found every legacy scope with a base (or none at all); later opens skip the check.
   * It is only a shortcut: {@link #stats} stays exact without it.
   */
  static final String BACKFILL_KEY = "stats-backfill";
  /** Counter keys read per request when scanning many scopes. */
  private static final int KEY_BATCH = 1000;
  /** Reads of one answer before giving up, when compaction or concurrent legacy writes overtake it. */
  private static final int ATTEMPTS = 5;

  private final KvStore kv;
  private final KeyLayout keys;
  private final int objectBatch;

  LiveStats(KvStore kv, KeyLayout keys, int objectBatch) {
    this.kv = kv;
    this.keys = keys;
    this.objectBatch = objectBatch;
  }

  // ---------------------------------------------------------------------------------------------- reading

  /** What the counter keys of one scope say at one revision. */
  private static final class Scope {
    final ResourceType type;
    final String namespace;
    long markerRevision;
    Figures.Base base;
    Figures shards = Figures.ZERO;
    long latestShardRevision;

    Scope(ResourceType type, String namespace) {
      this.type = type;
      this.namespace = namespace;
    }

    /** Whether base plus shards count every live object: no store without counters changed the scope since. */
    boolean counted() {
      return markerRevision == 0 || (base != null && base.markerRevision() == markerRevision);
    }

    Figures figures() {
      return base == null ? shards : base.figures().plus(shards);
    }

    long latest() {
      return Math.max(markerRevision, latestShardRevision);
    }

    ResourceStats stats(Figures figures) {
      return new ResourceStats(type, namespace, figures.count(), figures.bytes(), latest());
    }
  }

  /** The scopes found at one revision, in key order. */
  private record Snapshot(long revision, List<Scope> scopes) {}

  /**
   * The figures of the matching scopes at one revision.
   *
   * @param type one type, or null for all
   * @param namespace one namespace, or null for all (a namespace never matches a cluster-scoped type)
   */
  CompletableFuture<List<ResourceStats>> stats(ResourceType type, String namespace) {
    return stats(type, namespace, 1);
  }

  private CompletableFuture<List<ResourceStats>> stats(ResourceType type, String namespace, int attempt) {
    return read(type, namespace).thenCompose(snapshot -> {
      List<CompletableFuture<ResourceStats>> answers = new ArrayList<>();
      for (Scope scope : snapshot.scopes()) {
        answers.add(scope.counted()
            ? CompletableFuture.completedFuture(scope.stats(scope.figures()))
            : countLegacy(scope, snapshot.revision()).thenApply(scope::stats));
      }
      return Futures.all(answers);
    }).handle((answer, error) -> {
      if (error == null) {
        return CompletableFuture.completedFuture(answer);
      }
      if (attempt < ATTEMPTS && StorageException.isKv(error, KvErrorCode.COMPACTED)) {
        // The revision a legacy scope was being counted at got compacted: read everything again.
        return stats(type, namespace, attempt + 1);
      }
      return Futures.<List<ResourceStats>>failed(error);
    }).thenCompose(stage -> stage);
  }

  private CompletableFuture<Snapshot> read(ResourceType type, String namespace) {
    if (type == null) {
      return scanScopes(KeyRange.prefix(keys.statsRoot()), null, namespace);
    }
    if (!type.namespaced()) {
      return namespace != null
          ? CompletableFuture.completedFuture(new Snapshot(0, List.of()))
          : readScope(type, "");
    }
    return namespace != null
        ? readScope(type, namespace)
        : scanScopes(KeyRange.prefix(keys.statsPrefix(type)), type, null);
  }

  /** One scope: its legacy marker and its counter keys, read in one transaction (one revision). */
  private CompletableFuture<Snapshot> readScope(ResourceType type, String namespace) {
    TxnRequest read = TxnRequest.when(List.of(), List.of(
        KvOp.get(keys.statsMarker(type, namespace)),
        new KvOp.Range(RangeRequest.prefix(keys.counterPrefix(type, namespace)))));
    return Futures.of(kv.txn(read)).thenApply(result -> {
      Map<String, Scope> scopes = new TreeMap<>();
      result.range(0).kvs().forEach(marker -> add(scopes, marker, type, null));
      result.range(1).kvs().forEach(counter -> add(scopes, counter, type, null));
      return new Snapshot(result.revision(), List.copyOf(scopes.values()));
    });
  }

  /** Every scope under {@code range}, read in batches at the first batch's revision. */
  private CompletableFuture<Snapshot> scanScopes(KeyRange range, ResourceType type, String namespace) {
    Map<String, Scope> scopes = new TreeMap<>();
    return scan(range, 0, KEY_BATCH, key -> add(scopes, key, type, namespace))
        .thenApply(revision -> new Snapshot(revision, List.copyOf(scopes.values())));
  }

  /** Adds one stats key to its scope, if it is one of the wanted type and namespace (null: any). */
  private void add(Map<String, Scope> scopes, KeyValue stored, ResourceType type, String namespace) {
    KeyLayout.StatsKey key = keys.parseStats(stored.key());
    if (key == null || (type != null && !key.type().equals(type))
        || (namespace != null && (!key.type().namespaced() || !key.namespace().equals(namespace)))) {
      return;
    }
    Scope scope = scopes.computeIfAbsent(keys.statsMarker(key.type(), key.namespace()),
        ignored -> new Scope(key.type(), key.namespace()));
    switch (key.kind()) {
      case MARKER -> scope.markerRevision = stored.modRevision();
      case BASE -> scope.base = Figures.Base.decode(stored.key(), stored.value());
      case SHARD -> {
        scope.shards = scope.shards.plus(Figures.decode(stored.key(), stored.value()));
        scope.latestShardRevision = Math.max(scope.latestShardRevision, stored.modRevision());
      }
    }
  }

  // ---------------------------------------------------------------------------------------------- backfill

  /**
   * Counts a legacy scope's live objects at {@code revision} (exact, whatever the counters say) and writes the base
   * that makes its counters exact, unless a store without counters changed the scope since {@code revision}.
   *
   * @return the live figures at {@code revision}
   */
  private CompletableFuture<Figures> countLegacy(Scope scope, long revision) {
    return count(scope.type, scope.namespace, revision).thenCompose(live ->
        writeBase(scope, live).handle((written, error) -> {
          if (error != null) {
            LOG.debug("could not write the stats base of {} {}: {}", scope.type, scope.namespace, error.toString());
          }
          return live;
        }));
  }

  /** Writes {@code live - shards} as the scope's base, if its marker has not moved. */
  private CompletableFuture<Boolean> writeBase(Scope scope, Figures live) {
    Figures.Base base = new Figures.Base(live.minus(scope.shards), scope.markerRevision);
    TxnRequest write = TxnRequest.when(
        List.of(Compare.modRevisionIs(keys.statsMarker(scope.type, scope.namespace), scope.markerRevision)),
        List.of(KvOp.put(keys.counterBase(scope.type, scope.namespace), base.encode())));
    return Futures.of(kv.txn(write)).thenApply(result -> result.succeeded());
  }

  /** The live objects of one scope at {@code revision}, from their envelopes (chunks are not read). */
  private CompletableFuture<Figures> count(ResourceType type, String namespace, long revision) {
    Figures[] total = {Figures.ZERO};
    String prefix = keys.currentPrefix(type, type.namespaced() ? namespace : null);
    return scan(KeyRange.prefix(prefix), revision, objectBatch, current -> {
      Envelope envelope = Envelope.decode(current.key(), current.value());
      total[0] = total[0].plus(Figures.object(envelope.body().size()));
    }).thenApply(ignored -> total[0]);
  }

  /**
   * What the check at open did.
   *
   * @param scopes how many legacy scopes got a base
   * @param mark when the check found nothing to backfill and no mark: the write of the mark, for the store to add to
   *     its next mutation's transaction (writing it on its own would change the revision behind its users' back);
   *     otherwise null
   */
  record Outcome(int scopes, KvOp.Put mark) {}

  /**
   * The check at open, until {@code meta/}{@value #BACKFILL_KEY} exists: reads the counter keys, gives every scope
   * that a store without counters wrote a base, one scope at a time (two small transactions each), then writes the
   * mark. Safe to run on several replicas at once. Stops early, without the mark, when {@code stopped} says so or a
   * scope fails; {@link #stats} stays exact meanwhile.
   */
  CompletableFuture<Outcome> backfill(BooleanSupplier stopped) {
    String markKey = keys.meta(BACKFILL_KEY);
    return Futures.of(kv.get(markKey)).thenCompose(mark -> {
      if (mark != null) {
        return CompletableFuture.completedFuture(new Outcome(0, null));
      }
      return read(null, null).thenCompose(snapshot -> {
        List<Scope> legacy = snapshot.scopes().stream().filter(scope -> !scope.counted()).toList();
        byte[] value = ((legacy.isEmpty() ? "none needed" : legacy.size() + " scopes") + " at revision "
            + snapshot.revision()).getBytes(StandardCharsets.US_ASCII);
        if (legacy.isEmpty()) {
          return CompletableFuture.completedFuture(new Outcome(0, KvOp.put(markKey, value)));
        }
        LOG.info("counting the live objects of {} scopes written without counters", legacy.size());
        return backfillEach(legacy, 0, 0, stopped).thenCompose(count -> {
          TxnRequest markDone = TxnRequest.when(List.of(Compare.absent(markKey)), List.of(KvOp.put(markKey, value)));
          return Futures.of(kv.txn(markDone)).thenApply(ignored -> new Outcome(count, null));
        });
      });
    });
  }

  private CompletableFuture<Integer> backfillEach(List<Scope> legacy, int index, int done, BooleanSupplier stopped) {
    if (index == legacy.size()) {
      return CompletableFuture.completedFuture(done);
    }
    if (stopped.getAsBoolean()) {
      return Futures.failed(new StorageException(StorageErrorCode.UNAVAILABLE, "store closed"));
    }
    Scope scope = legacy.get(index);
    return backfillScope(scope.type, scope.namespace, 1)
        .thenCompose(ignored -> backfillEach(legacy, index + 1, done + 1, stopped));
  }

  /** Reads one scope again and gives it a base unless it has an up-to-date one. */
  private CompletableFuture<Void> backfillScope(ResourceType type, String namespace, int attempt) {
    return readScope(type, namespace).thenCompose(snapshot -> {
      if (snapshot.scopes().isEmpty() || snapshot.scopes().get(0).counted()) {
        return CompletableFuture.completedFuture(true);
      }
      Scope scope = snapshot.scopes().get(0);
      return count(type, namespace, snapshot.revision()).thenCompose(live -> writeBase(scope, live));
    }).handle((written, error) -> {
      boolean compacted = error != null && StorageException.isKv(error, KvErrorCode.COMPACTED);
      if (error != null && !compacted) {
        return Futures.<Void>failed(error);
      }
      if (!compacted && written) {
        return CompletableFuture.<Void>completedFuture(null);
      }
      if (attempt >= ATTEMPTS) {
        return Futures.<Void>failed(new StorageException(StorageErrorCode.CONFLICT,
            "the objects of " + type + " " + namespace + " keep changing without counters; counted at read time"));
      }
      return backfillScope(type, namespace, attempt + 1);
    }).thenCompose(stage -> stage);
  }

  // ---------------------------------------------------------------------------------------------- helpers

  /**
   * Reads {@code range} in batches of {@code batch} keys at {@code revision} (0: at the first batch's revision).
   *
   * @return the revision read at
   */
  private CompletableFuture<Long> scan(KeyRange range, long revision, int batch, Consumer<KeyValue> sink) {
    RangeRequest request = RangeRequest.of(range).withLimit(batch).atRevision(revision);
    return Futures.of(kv.range(request)).thenCompose(result -> {
      long at = revision == 0 ? result.headerRevision() : revision;
      result.kvs().forEach(sink);
      if (!result.more() || result.kvs().isEmpty()) {
        return CompletableFuture.completedFuture(at);
      }
      String last = result.kvs().get(result.kvs().size() - 1).key();
      return scan(range.from(last + "\0"), at, batch, sink);
    });
  }
}
