package io.revisor.storage.resource;

import io.revisor.storage.kv.KeyRange;
import io.revisor.storage.kv.KeyValue;
import io.revisor.storage.kv.KvStore;
import io.revisor.storage.kv.RangeRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * Reads of the past from the history keys, which etcd's compaction never removes.
 *
 * <p>A history key {@code .../{name}/{s}} holds the version that became current at revision {@code s}; its own mod
 * revision {@code e} is when it stopped being current. So the version of an object at revision {@code r} is the
 * current one if its mod revision is at most {@code r}, otherwise the history version with {@code s <= r < e}, and
 * the object did not exist at {@code r} if there is neither. Retention may prune history: the pruner raises a
 * per-type floor, below which these reads answer COMPACTED instead of a wrong result.
 */
final class TimeTravel {
  private final KvStore kv;
  private final KeyLayout keys;
  private final KvResourceStore store;

  TimeTravel(KvStore kv, KeyLayout keys, KvResourceStore store) {
    this.kv = kv;
    this.keys = keys;
    this.store = store;
  }

  static String floorKeyName(ResourceType type) {
    return "history-floor/" + (type.group().isEmpty() ? KeyLayout.CORE_GROUP_SEGMENT : type.group()) + "/"
        + type.resource();
  }

  /** Fails with COMPACTED when {@code revision} is below the type's pruned-history floor. */
  private CompletableFuture<Void> checkFloor(ResourceType type, long revision) {
    return Futures.of(kv.get(keys.meta(floorKeyName(type)))).thenAccept(floor -> {
      long value = floor == null ? 0 : Long.parseLong(new String(floor.value(), java.nio.charset.StandardCharsets.UTF_8));
      if (revision < value) {
        throw new StorageException(StorageErrorCode.COMPACTED,
            "The resourceVersion " + revision + " is too old: the history of " + type.qualifiedName()
                + " is kept from resourceVersion " + value, value, null);
      }
    });
  }

  /** The version of {@code key} at exactly {@code revision}. */
  CompletableFuture<StoredObject> versionAt(ObjectKey key, long revision) {
    return Futures.of(kv.get(keys.current(key))).thenCompose(current -> {
      if (current != null && current.modRevision() <= revision) {
        return store.object(key, current, current.modRevision());
      }
      return checkFloor(key.type(), revision).thenCompose(ignored -> {
        RangeRequest latestStartedBefore = RangeRequest.of(
                KeyRange.prefix(keys.historyPrefix(key)).until(keys.history(key, revision + 1)))
            .inDescendingOrder()
            .withLimit(1);
        return Futures.of(kv.range(latestStartedBefore)).thenCompose(range -> {
          KeyValue version = range.first();
          if (version == null || version.modRevision() <= revision) {
            throw StorageException.notFound(key);
          }
          KeyLayout.HistoryKey parsed = keys.parseHistory(key.type(), version.key());
          return store.object(key, version, parsed.revision());
        });
      });
    });
  }

  /**
   * One page of the list at exactly {@code revision} from current and history keys. The history key space orders
   * objects differently from the current one ({@code a/..} sorts after {@code a-b/..}), so every candidate after
   * {@code start} is collected in a map sorted by object key and the page taken from its head. This costs a scan of
   * the type's history (in bounded batches): it is the slow path, taken only below the backend's compaction.
   */
  CompletableFuture<ListResult> listAt(
      ResourceType type, ListOptions options, String prefix, String start, long revision) {
    return checkFloor(type, revision).thenCompose(ignored -> {
      Candidates candidates = new Candidates(options.limit());
      String relativeStart = start.substring(keys.typePrefix(type).length());
      String historyStart = keys.historyTypePrefix(type) + relativeStart;
      KeyRange current = KeyRange.prefix(prefix).from(start);
      KeyRange history = KeyRange.prefix(keys.historyPrefix(type, options.namespace())).from(
          maxKey(historyStart, keys.historyPrefix(type, options.namespace())));
      return scan(current, kvs -> {
        for (KeyValue kv : kvs) {
          if (kv.modRevision() <= revision) {
            candidates.offer(type, kv.key(), kv, kv.modRevision());
          }
        }
      }).thenCompose(done -> scan(history, kvs -> {
        for (KeyValue kv : kvs) {
          KeyLayout.HistoryKey parsed = keys.parseHistory(type, kv.key());
          if (parsed != null && parsed.revision() <= revision && revision < kv.modRevision()) {
            String objectKey = keys.current(parsed.object());
            if (io.revisor.storage.kv.Keys.compare(objectKey, start) >= 0) {
              candidates.offer(type, objectKey, kv, parsed.revision());
            }
          }
        }
      })).thenCompose(done -> candidates.page(type, options, revision));
    });
  }

  private static String maxKey(String a, String b) {
    return io.revisor.storage.kv.Keys.compare(a, b) >= 0 ? a : b;
  }

  /** Reads a whole range at the latest revision in bounded batches, handing each batch to {@code sink}. */
  private CompletableFuture<Void> scan(KeyRange range, java.util.function.Consumer<List<KeyValue>> sink) {
    RangeRequest request = RangeRequest.of(range).withLimit(store.options().listBatchSize());
    return Futures.of(kv.range(request)).thenCompose(result -> {
      sink.accept(result.kvs());
      if (!result.more() || result.kvs().isEmpty()) {
        return CompletableFuture.completedFuture(null);
      }
      String last = result.kvs().get(result.kvs().size() - 1).key();
      return scan(range.from(last + "\0"), sink);
    });
  }

  /**
   * The candidates of one page: the version of each object at the listed revision, by object key. Selection needs
   * the body, so candidates are filtered while the page is assembled, in key order.
   */
  private final class Candidates {
    private final long limit;
    private final TreeMap<String, Candidate> all = new TreeMap<>(io.revisor.storage.kv.Keys::compare);

    Candidates(long limit) {
      this.limit = limit;
    }

    void offer(ResourceType type, String objectKey, KeyValue stored, long revision) {
      all.put(objectKey, new Candidate(keys.parseCurrent(type, objectKey), stored, revision));
    }

    CompletableFuture<ListResult> page(ResourceType type, ListOptions options, long listRevision) {
      List<Candidate> ordered = new ArrayList<>(all.values());
      return select(ordered, 0, new ArrayList<>(), options, listRevision, type);
    }

    private CompletableFuture<ListResult> select(
        List<Candidate> ordered, int index, List<StoredObject> items, ListOptions options, long listRevision,
        ResourceType type) {
      if (index >= ordered.size()) {
        return CompletableFuture.completedFuture(new ListResult(items, listRevision, null, null));
      }
      if (limit > 0 && items.size() == limit) {
        String lastKey = keys.current(items.get(items.size() - 1).key());
        Long remaining = options.predicate().isEverything() ? (long) (ordered.size() - index) : null;
        return store.tokens().thenApply(codec -> new ListResult(items, listRevision,
            codec.encode(ContinueTokens.Kind.LIST, listRevision, store.relative(type, lastKey + "\0")), remaining));
      }
      Candidate c = ordered.get(index);
      return store.object(c.key(), c.stored(), c.revision()).thenCompose(object -> {
        if (ObjectJson.matches(c.key(), object.json(), options.predicate())) {
          items.add(object);
        }
        return select(ordered, index + 1, items, options, listRevision, type);
      });
    }
  }

  private record Candidate(ObjectKey key, KeyValue stored, long revision) {}

  // ------------------------------------------------------------------------------------------- history listing

  /**
   * Every change of one object, newest first: its current version, then each history version preceded by the
   * deletion that ended it, if any. The token remembers the revision of the last entry returned.
   */
  CompletableFuture<HistoryPage> history(ObjectKey key, long limit, String continueToken) {
    CompletableFuture<Long> before = continueToken == null
        ? CompletableFuture.completedFuture(Long.MAX_VALUE)
        : store.tokens().thenApply(codec ->
            codec.decode(ContinueTokens.Kind.HISTORY, continueToken, "").revision());
    return before.thenCompose(bound -> Futures.of(kv.get(keys.current(key))).thenCompose(current -> {
      List<CompletableFuture<HistoryEntry>> entries = new ArrayList<>();
      if (current != null && current.modRevision() < bound) {
        entries.add(entry(key, current, current.modRevision(), null));
      }
      String until = bound == Long.MAX_VALUE ? null : keys.history(key, bound);
      KeyRange range = KeyRange.prefix(keys.historyPrefix(key));
      if (until != null) {
        range = range.until(until);
      }
      long want = limit == 0 ? Long.MAX_VALUE : limit;
      RangeRequest request = RangeRequest.of(range).inDescendingOrder()
          .withLimit(limit == 0 ? 0 : Math.max(1, want - entries.size()));
      return Futures.of(kv.range(request)).thenCompose(result -> {
        for (KeyValue version : result.kvs()) {
          KeyLayout.HistoryKey parsed = keys.parseHistory(key.type(), version.key());
          Envelope envelope = Envelope.decode(version.key(), version.value());
          if (envelope.ending() != null && envelope.ending().action() == Action.DELETED
              && version.modRevision() < bound) {
            entries.add(entry(key, version, version.modRevision(), envelope.ending()));
          }
          entries.add(entry(key, version, parsed.revision(), null));
        }
        boolean more = result.more();
        return Futures.all(entries).thenCompose(all -> {
          List<HistoryEntry> page = all.size() > want ? all.subList(0, (int) want) : all;
          boolean truncated = more || all.size() > want;
          if (!truncated || page.isEmpty()) {
            return CompletableFuture.completedFuture(new HistoryPage(page, null));
          }
          long last = page.get(page.size() - 1).resourceVersion();
          return store.tokens().thenApply(codec ->
              new HistoryPage(page, codec.encode(ContinueTokens.Kind.HISTORY, last, "")));
        });
      });
    }));
  }

  /**
   * The change of {@code key} at exactly {@code revision}: the newest history entry not after it (a one-entry history
   * page bounded above), if it is at that revision.
   */
  CompletableFuture<HistoryEntry> change(ObjectKey key, long revision) {
    if (revision <= 0 || revision == Long.MAX_VALUE) {
      return CompletableFuture.failedFuture(StorageException.notFound(key));
    }
    return store.tokens().thenCompose(codec -> history(key, 1,
            codec.encode(ContinueTokens.Kind.HISTORY, revision + 1, "")))
        .thenApply(page -> {
          if (page.entries().isEmpty() || page.entries().get(0).resourceVersion() != revision) {
            throw StorageException.notFound(key);
          }
          return page.entries().get(0);
        });
  }

  /** A history entry for the version in {@code stored}, or for its deletion when {@code deletion} is given. */
  private CompletableFuture<HistoryEntry> entry(ObjectKey key, KeyValue stored, long rv, Envelope.Ending deletion) {
    Envelope envelope = Envelope.decode(stored.key(), stored.value());
    return store.object(key, stored, rv).thenApply(object -> deletion != null
        ? new HistoryEntry(rv, Action.DELETED, deletion.user(), KvResourceStore.instant(deletion.timeMillis()), object)
        : new HistoryEntry(rv, envelope.action(), envelope.user(), KvResourceStore.instant(envelope.timeMillis()),
            object));
  }

  // ------------------------------------------------------------------------------------------- trash listing

  /** The trash entry of one object. */
  CompletableFuture<TrashEntry> trashed(ObjectKey key) {
    return Futures.of(kv.get(keys.trash(key))).thenCompose(stored -> {
      if (stored == null) {
        throw StorageException.notFound(key);
      }
      return trashEntry(key, stored);
    });
  }

  private CompletableFuture<TrashEntry> trashEntry(ObjectKey key, KeyValue stored) {
    Envelope envelope = Envelope.decode(stored.key(), stored.value());
    Envelope.Ending ending = envelope.ending();
    return store.object(key, stored, envelope.revision()).thenApply(object -> new TrashEntry(
        key, stored.modRevision(), ending == null ? "" : ending.user(),
        KvResourceStore.instant(ending == null ? 0 : ending.timeMillis()), object));
  }

  CompletableFuture<TrashPage> trash(ResourceType type, String namespace, long limit, String continueToken) {
    String ns = type.namespaced() ? namespace : null;
    String scope = KvResourceStore.scope(type, ns);
    String prefix = keys.trashPrefix(type, ns);
    String trashTypePrefix = keys.trashTypePrefix(type);
    CompletableFuture<String> start = continueToken == null
        ? CompletableFuture.completedFuture(prefix)
        : store.tokens().thenApply(codec ->
            trashTypePrefix + codec.decode(ContinueTokens.Kind.TRASH, continueToken, scope).start());
    return start.thenCompose(from -> {
      RangeRequest request = RangeRequest.of(KeyRange.prefix(prefix).from(from)).withLimit(limit);
      return Futures.of(kv.range(request)).thenCompose(result -> {
        List<CompletableFuture<TrashEntry>> entries = new ArrayList<>();
        for (KeyValue stored : result.kvs()) {
          ObjectKey key = keys.parseTrash(type, stored.key());
          if (key == null) {
            continue;
          }
          entries.add(trashEntry(key, stored));
        }
        return Futures.all(entries).thenCompose(page -> {
          if (!result.more() || result.kvs().isEmpty()) {
            return CompletableFuture.completedFuture(new TrashPage(page, null));
          }
          String last = result.kvs().get(result.kvs().size() - 1).key() + "\0";
          return store.tokens().thenApply(codec -> new TrashPage(page,
              codec.encode(ContinueTokens.Kind.TRASH, result.headerRevision(), last.substring(trashTypePrefix.length()))));
        });
      });
    });
  }
}
