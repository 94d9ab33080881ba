package io.revisor.storage.resource;

import io.revisor.storage.kv.Compare;
import io.revisor.storage.kv.KeyRange;
import io.revisor.storage.kv.KeyValue;
import io.revisor.storage.kv.KvOp;
import io.revisor.storage.kv.KvStore;
import io.revisor.storage.kv.RangeRequest;
import io.revisor.storage.kv.TxnRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Background upkeep of a store, safe to run on every replica:
 *
 * <ul>
 *   <li><b>Compaction</b>, as kube-apiserver does it: each cycle bumps the version of {@code meta/compact-rev} with
 *       a compare-and-swap (so one replica wins per cycle) and compacts the backend to the revision recorded one
 *       cycle earlier, so every revision stays readable for at least one interval. History keys are never
 *       overwritten, so compaction never removes them.
 *   <li><b>Retention</b>: drops superseded versions beyond a type's {@link RetentionPolicy} and expired trash
 *       entries. It first raises the type's history floor, so that reads of pruned revisions answer COMPACTED
 *       rather than a wrong result. Runs on one replica at a time, under a lease held in {@code meta/pruner-lease}
 *       with compare-and-swap.
 *   <li><b>Chunk collection</b>: deletes chunks that no current, history or trash value references at a pinned
 *       revision; each delete is guarded by the chunk's mod revision, and writers guard on the chunk's create
 *       revision, so a chunk being written concurrently is never lost.
 * </ul>
 *
 * Each task can also be run once, for tests and operators.
 */
public final class Maintenance implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Maintenance.class);
  private static final int DELETE_BATCH = 64;

  private final KvStore kv;
  private final MaintenanceOptions options;
  private final KeyLayout keys;
  private final ScheduledExecutorService scheduler;
  private long compactVersion;
  private long compactRevision;

  /** What one retention run did. */
  public record PruneReport(boolean leader, long versionsDeleted, long trashDeleted, long chunksDeleted) {}

  private Maintenance(KvStore kv, MaintenanceOptions options, ScheduledExecutorService scheduler) {
    this.kv = kv;
    this.options = options;
    this.keys = new KeyLayout(options.keyPrefix());
    this.scheduler = scheduler;
  }

  /** Maintenance that only runs when asked ({@link #compactOnce()}, {@link #pruneOnce()}). */
  public static Maintenance manual(KvStore kv, MaintenanceOptions options) {
    return new Maintenance(kv, options, null);
  }

  /** Maintenance that runs on its own schedule until closed. */
  public static Maintenance start(KvStore kv, MaintenanceOptions options) {
    ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "revisor-maintenance");
      t.setDaemon(true);
      return t;
    });
    Maintenance maintenance = new Maintenance(kv, options, scheduler);
    maintenance.schedule(options.compactionInterval().toMillis(), m -> m.compactOnce());
    maintenance.schedule(options.pruneInterval().toMillis(), m -> m.pruneOnce());
    return maintenance;
  }

  private void schedule(long everyMillis, Consumer<Maintenance> task) {
    if (everyMillis <= 0) {
      return;
    }
    // Tasks run one at a time on the scheduler thread and wait for their own completion, bounded by the store's
    // request timeouts, so a slow cycle delays the next instead of piling up.
    scheduler.scheduleWithFixedDelay(() -> {
      try {
        task.accept(this);
      } catch (RuntimeException e) {
        LOG.warn("maintenance task failed; will try again", e);
      }
    }, everyMillis, everyMillis, TimeUnit.MILLISECONDS);
  }

  // ---------------------------------------------------------------------------------------------- compaction

  /**
   * One compaction cycle. The first cycle of a replica only records the current revision; each later cycle that
   * wins the compare-and-swap compacts to the revision recorded by the previous one.
   *
   * @return the revision compacted to, or 0 when this cycle did not compact
   */
  public synchronized long compactOnce() {
    String key = keys.meta("compact-rev");
    TxnRequest bump = new TxnRequest(
        List.of(Compare.versionIs(key, compactVersion)),
        List.of(KvOp.put(key, new byte[0])),
        List.of(KvOp.get(key)));
    var result = join(kv.txn(bump));
    if (!result.succeeded()) {
      KeyValue current = result.range(0).first();
      compactVersion = current == null ? 0 : current.version();
      return 0;
    }
    compactVersion++;
    long compactTo = compactRevision;
    compactRevision = result.revision();
    if (compactTo == 0) {
      return 0;
    }
    join(kv.compact(compactTo));
    LOG.info("compacted storage to revision {}", compactTo);
    return compactTo;
  }

  // ---------------------------------------------------------------------------------------------- retention

  /** One retention run, if this replica holds (or takes) the pruner lease. */
  public PruneReport pruneOnce() {
    if (!acquireLease()) {
      return new PruneReport(false, 0, 0, 0);
    }
    long versions = 0;
    long trash = 0;
    for (ResourceType type : knownTypes()) {
      RetentionPolicy policy = options.retention().apply(type);
      if (policy == null || policy.keepsEverything()) {
        continue;
      }
      versions += pruneHistory(type, policy);
      if (policy.trashTtl() != null) {
        trash += pruneTrash(type, policy);
      }
    }
    long chunks = collectChunks();
    if (versions + trash + chunks > 0) {
      LOG.info("retention removed {} versions, {} trash entries, {} chunks", versions, trash, chunks);
    }
    return new PruneReport(true, versions, trash, chunks);
  }

  private boolean acquireLease() {
    String key = keys.meta("pruner-lease");
    long now = options.clock().millis();
    KeyValue lease = join(kv.get(key));
    if (lease != null) {
      String[] parts = new String(lease.value(), StandardCharsets.UTF_8).split("\\|", 2);
      boolean mine = parts[0].equals(options.holderId());
      long expires = parts.length == 2 ? parseLong(parts[1]) : 0;
      if (!mine && expires > now) {
        return false;
      }
    }
    byte[] value = (options.holderId() + "|" + (now + options.leaseDuration().toMillis()))
        .getBytes(StandardCharsets.UTF_8);
    long seen = lease == null ? 0 : lease.modRevision();
    return join(kv.txn(TxnRequest.when(List.of(Compare.modRevisionIs(key, seen)), List.of(KvOp.put(key, value)))))
        .succeeded();
  }

  private static long parseLong(String s) {
    try {
      return Long.parseLong(s.trim());
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  /**
   * Every resource type that ever had an object: each has counter shards (or, written before counters, a stats
   * marker).
   */
  private Set<ResourceType> knownTypes() {
    Set<ResourceType> types = new LinkedHashSet<>();
    scan(KeyRange.prefix(keys.statsRoot()), true, 0, stats -> {
      KeyLayout.StatsKey key = keys.parseStats(stats.key());
      if (key != null) {
        types.add(key.type());
      }
    });
    return types;
  }

  /** Deletes the superseded versions the policy no longer keeps; returns how many. */
  private long pruneHistory(ResourceType type, RetentionPolicy policy) {
    long oldestKept = policy.maxAge() == null ? Long.MIN_VALUE : options.clock().millis() - policy.maxAge().toMillis();
    List<String> doomed = new ArrayList<>();
    long[] floor = {0};
    List<KeyValue> versions = new ArrayList<>();
    String[] object = {null};
    Consumer<List<KeyValue>> judge = objectVersions -> {
      int excess = policy.keepVersions() == 0 ? 0 : Math.max(0, objectVersions.size() - policy.keepVersions());
      for (int i = 0; i < objectVersions.size(); i++) {
        KeyValue version = objectVersions.get(i);
        Envelope envelope = Envelope.decode(version.key(), version.value());
        boolean tooMany = i < excess;
        boolean tooOld = envelope.ending() != null && envelope.ending().timeMillis() < oldestKept;
        if (tooMany || tooOld) {
          doomed.add(version.key());
          floor[0] = Math.max(floor[0], version.modRevision());
        }
      }
    };
    scan(KeyRange.prefix(keys.historyTypePrefix(type)), false, 0, version -> {
      String owner = version.key().substring(0, version.key().lastIndexOf('/'));
      if (!owner.equals(object[0])) {
        judge.accept(versions);
        versions.clear();
        object[0] = owner;
      }
      versions.add(version);
    });
    judge.accept(versions);
    if (doomed.isEmpty()) {
      return 0;
    }
    raiseFloor(type, floor[0]);
    deleteAll(doomed);
    return doomed.size();
  }

  /** Raises the type's history floor to at least {@code revision} (monotonic compare-and-swap). */
  private void raiseFloor(ResourceType type, long revision) {
    String key = keys.meta(TimeTravel.floorKeyName(type));
    for (int attempt = 0; attempt < 100; attempt++) {
      KeyValue floor = join(kv.get(key));
      long current = floor == null ? 0 : parseLong(new String(floor.value(), StandardCharsets.UTF_8));
      if (current >= revision) {
        return;
      }
      TxnRequest raise = TxnRequest.when(
          List.of(Compare.modRevisionIs(key, floor == null ? 0 : floor.modRevision())),
          List.of(KvOp.put(key, Long.toString(revision).getBytes(StandardCharsets.UTF_8))));
      if (join(kv.txn(raise)).succeeded()) {
        return;
      }
    }
    throw new StorageException(StorageErrorCode.CONFLICT, "could not raise the history floor of " + type);
  }

  private long pruneTrash(ResourceType type, RetentionPolicy policy) {
    long expiredBefore = options.clock().millis() - policy.trashTtl().toMillis();
    long[] deleted = {0};
    scan(KeyRange.prefix(keys.trashTypePrefix(type)), false, 0, entry -> {
      Envelope envelope = Envelope.decode(entry.key(), entry.value());
      if (envelope.ending() != null && envelope.ending().timeMillis() < expiredBefore) {
        // Guarded: a restore or a second deletion since the scan keeps the entry.
        TxnRequest remove = TxnRequest.when(
            List.of(Compare.modRevisionIs(entry.key(), entry.modRevision())), List.of(KvOp.delete(entry.key())));
        if (join(kv.txn(remove)).succeeded()) {
          deleted[0]++;
        }
      }
    });
    return deleted[0];
  }

  // ---------------------------------------------------------------------------------------------- chunks

  /** Deletes unreferenced chunks; returns how many. Reads every value only when there are chunks at all. */
  public long collectChunks() {
    long revision = join(kv.currentRevision());
    Map<String, Long> chunks = new HashMap<>();
    scan(KeyRange.prefix(keys.chunkPrefix()), true, revision,
        chunk -> chunks.put(chunk.key().substring(keys.chunkPrefix().length()), chunk.modRevision()));
    if (chunks.isEmpty()) {
      return 0;
    }
    Set<String> referenced = new HashSet<>();
    Consumer<KeyValue> collect = stored -> {
      Envelope envelope;
      try {
        envelope = Envelope.decode(stored.key(), stored.value());
      } catch (StorageException undecodable) {
        return;
      }
      if (envelope.body() instanceof Envelope.Chunked chunked) {
        referenced.addAll(chunked.hashes());
      }
    };
    String root = options.keyPrefix();
    for (String space : List.of("/registry/", "/history/", "/trash/")) {
      scan(KeyRange.prefix(root + space), false, revision, collect);
    }
    long deleted = 0;
    for (Map.Entry<String, Long> chunk : chunks.entrySet()) {
      if (referenced.contains(chunk.getKey())) {
        continue;
      }
      String key = keys.chunk(chunk.getKey());
      TxnRequest remove = TxnRequest.when(
          List.of(Compare.modRevisionIs(key, chunk.getValue())), List.of(KvOp.delete(key)));
      if (join(kv.txn(remove)).succeeded()) {
        deleted++;
      }
    }
    return deleted;
  }

  // ---------------------------------------------------------------------------------------------- helpers

  private void scan(KeyRange range, boolean keysOnly, long revision, Consumer<KeyValue> sink) {
    KeyRange next = range;
    while (true) {
      RangeRequest request = RangeRequest.of(next).withLimit(200).atRevision(revision);
      if (keysOnly) {
        request = request.withKeysOnly();
      }
      var result = join(kv.range(request));
      result.kvs().forEach(sink);
      if (!result.more() || result.kvs().isEmpty()) {
        return;
      }
      next = range.from(result.kvs().get(result.kvs().size() - 1).key() + "\0");
    }
  }

  private void deleteAll(List<String> doomed) {
    for (int i = 0; i < doomed.size(); i += DELETE_BATCH) {
      List<KvOp> deletes = new ArrayList<>();
      for (String key : doomed.subList(i, Math.min(doomed.size(), i + DELETE_BATCH))) {
        deletes.add(KvOp.delete(key));
      }
      join(kv.txn(TxnRequest.when(List.of(), deletes)));
    }
  }

  private static <T> T join(CompletionStage<T> stage) {
    try {
      return stage.toCompletableFuture().join();
    } catch (java.util.concurrent.CompletionException e) {
      throw StorageException.from(e);
    }
  }

  @Override
  public void close() {
    if (scheduler != null) {
      scheduler.shutdownNow();
    }
  }

}
