package io.revisor.apiserver.system;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.revisor.apiserver.crd.DefinitionLoader;
import io.revisor.storage.resource.Actor;
import io.revisor.storage.resource.ForwardingResourceStore;
import io.revisor.storage.resource.KeyedQueue;
import io.revisor.storage.resource.ListOptions;
import io.revisor.storage.resource.ObjectKey;
import io.revisor.storage.resource.Preconditions;
import io.revisor.storage.resource.ResourceStats;
import io.revisor.storage.resource.ResourceStore;
import io.revisor.storage.resource.ResourceType;
import io.revisor.storage.resource.RestoreFunction;
import io.revisor.storage.resource.StoredObject;
import io.revisor.storage.resource.UpdateFunction;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Enforces StorageQuotas on every served namespaced kind (never on Revisor's own): a create, or a restore of a
 * deleted object, adds one object and its bytes; an update, or a rollback, adds the growth of the object's bytes.
 * When that would take a namespace beyond a {@code spec.hard} limit of one of its StorageQuotas, the write fails with
 * kube's ResourceQuota refusal (403, see {@link QuotaLimits#exceeded}). Deletes are never refused, and a write that
 * adds nothing (a shrinking update) passes even when the namespace is over a lowered limit.
 *
 * <p>Each write reads the namespace's StorageQuotas (one list, not older than this replica's latest StorageQuota
 * write, so from the watch cache's memory when it has one: no read of etcd per write). This replica's own quota
 * writes are therefore enforced from the next write on; another replica's once this replica's watch cache has seen
 * them (normally within milliseconds, as kube's quota admission works from its informers). Only when a quota limits
 * the written resource does the write read the usage ({@link ResourceStore#stats}, a few counter keys). The checks and writes on one (namespace, resource) with
 * a limit are serialized on this replica, so one replica never overshoots a limit. Replicas do not coordinate: writes
 * racing on several replicas can overshoot by at most the number of racing writes. Thread-safe.
 */
final class QuotaEnforcement extends ForwardingResourceStore {

  /**
   * The checks and writes of each (namespace, resource) with a limit, one after another, so that each check sees the
   * usage of the writes before it.
   */
  private final KeyedQueue<Scope> queues = new KeyedQueue<>();
  /** The revision of this replica's latest StorageQuota write: the quotas read are never older. */
  private final AtomicLong quotasWritten = new AtomicLong(ListOptions.ANY);

  QuotaEnforcement(ResourceStore store) {
    super(store);
  }

  private record Scope(ResourceType type, String namespace) {}

  /** The limits one StorageQuota puts on the written resource. */
  private record Applicable(String quota, List<QuotaLimits.Limit> limits) {}

  /** The live objects of the written resource in its namespace. */
  private record Usage(long count, long bytes) {
    long of(QuotaLimits.Measure measure) {
      return measure == QuotaLimits.Measure.COUNT ? count : bytes;
    }
  }

  /** Reads are not limited: to the store below, whose cache may answer. */
  @Override
  public CompletionStage<StoredObject> getNotOlderThan(ObjectKey key, long minRevision) {
    return delegate().getNotOlderThan(key, minRevision);
  }

  @Override
  public CompletionStage<StoredObject> create(ObjectKey key, byte[] json, Actor actor) {
    return limited(key, false, quotas -> usage(key).thenCompose(used -> {
      check(key, quotas, used, 1, ResourceStats.storedSize(key, json));
      return delegate().create(key, json, actor);
    }), () -> delegate().create(key, json, actor));
  }

  @Override
  public CompletionStage<StoredObject> update(
      ObjectKey key, Preconditions preconditions, UpdateFunction update, Actor actor) {
    // The function may run several times (once per conflicting write): each run checks against the usage read once.
    return limited(key, true, quotas -> usage(key).thenCompose(used -> delegate().update(key, preconditions, current -> {
      byte[] next = update.apply(current);
      check(key, quotas, used, 0, ResourceStats.storedSize(key, next) - ResourceStats.storedSize(key, current.json()));
      return next;
    }, actor)), () -> delegate().update(key, preconditions, update, actor));
  }

  @Override
  public CompletionStage<StoredObject> restore(
      ObjectKey key, long fromRevision, Preconditions expected, RestoreFunction prepare, Actor actor) {
    return limited(key, false, quotas -> usage(key).thenCompose(used ->
        delegate().restore(key, fromRevision, expected, (source, current) -> {
          byte[] body = prepare.apply(source, current);
          long size = ResourceStats.storedSize(key, body);
          if (current == null) {
            check(key, quotas, used, 1, size);
          } else {
            check(key, quotas, used, 0, size - ResourceStats.storedSize(key, current.json()));
          }
          return body;
        }, actor)), () -> delegate().restore(key, fromRevision, expected, prepare, actor));
  }

  @Override
  public CompletionStage<StoredObject> delete(
      ObjectKey key, Preconditions preconditions, Consumer<StoredObject> check, Actor actor) {
    CompletionStage<StoredObject> deleted = delegate().delete(key, preconditions, check, actor);
    if (!key.type().equals(StorageQuotas.TYPE)) {
      return deleted;
    }
    // The deleted object carries its last resourceVersion, not the deletion's: the store's revision now covers both.
    return deleted.thenCompose(quota -> delegate().currentRevision().thenApply(revision -> {
      quotasWritten.accumulateAndGet(revision, Math::max);
      return quota;
    }));
  }

  /**
   * Runs {@code checked} in the queue of {@code key}'s (namespace, resource) when a StorageQuota of the namespace
   * limits its resource (its bytes, when {@code bytesOnly}), otherwise {@code unchecked} at once.
   */
  private CompletionStage<StoredObject> limited(ObjectKey key, boolean bytesOnly,
      java.util.function.Function<List<Applicable>, CompletionStage<StoredObject>> checked,
      Supplier<CompletionStage<StoredObject>> unchecked) {
    if (key.type().equals(StorageQuotas.TYPE)) {
      return unchecked.get().thenApply(written -> {
        quotasWritten.accumulateAndGet(written.resourceVersion(), Math::max);
        return written;
      });
    }
    if (!key.type().namespaced() || key.type().group().equals(DefinitionLoader.SYSTEM_GROUP)) {
      return unchecked.get();
    }
    return applicable(key, bytesOnly).thenCompose(quotas -> quotas.isEmpty()
        ? unchecked.get()
        : queues.run(new Scope(key.type(), key.namespace()), () -> checked.apply(quotas)));
  }

  /** The StorageQuotas of {@code key}'s namespace that limit its resource, in name order. */
  private CompletionStage<List<Applicable>> applicable(ObjectKey key, boolean bytesOnly) {
    String resource = key.type().qualifiedName();
    ListOptions quotas = ListOptions.inNamespace(key.namespace()).notOlderThan(quotasWritten.get());
    return delegate().list(StorageQuotas.TYPE, quotas).thenApply(page -> {
      List<Applicable> found = new ArrayList<>();
      for (StoredObject quota : page.items()) {
        ObjectNode object = SystemObjects.json(quota);
        List<QuotaLimits.Limit> limits = QuotaLimits.parse(object.path("spec").path("hard")).stream()
            .filter(l -> l.resource().equals(resource))
            .filter(l -> !bytesOnly || l.measure() == QuotaLimits.Measure.BYTES)
            .toList();
        if (!limits.isEmpty()) {
          found.add(new Applicable(quota.key().name(), limits));
        }
      }
      return found;
    });
  }

  private CompletionStage<Usage> usage(ObjectKey key) {
    return delegate().stats(key.type(), key.namespace()).thenApply(stats -> stats.isEmpty()
        ? new Usage(0, 0)
        : new Usage(stats.get(0).count(), stats.get(0).bytes()));
  }

  /**
   * Refuses adding {@code count} objects and {@code bytes} bytes to {@code used}, at the first quota that it would
   * exceed (kube names one quota too). Only what grows is checked.
   */
  private static void check(ObjectKey key, List<Applicable> quotas, Usage used, long count, long bytes) {
    for (Applicable quota : quotas) {
      SortedMap<String, String> requested = new TreeMap<>();
      SortedMap<String, String> current = new TreeMap<>();
      SortedMap<String, String> limited = new TreeMap<>();
      for (QuotaLimits.Limit limit : quota.limits()) {
        long adds = limit.measure() == QuotaLimits.Measure.COUNT ? count : bytes;
        long now = used.of(limit.measure());
        if (adds > 0 && adds > limit.hard() - now) {
          requested.put(limit.key(), Long.toString(adds));
          current.put(limit.key(), Long.toString(now));
          limited.put(limit.key(), limit.spelled());
        }
      }
      if (!requested.isEmpty()) {
        throw QuotaLimits.exceeded(key, quota.quota(), requested, current, limited);
      }
    }
  }

  /** Closes the store it enforces on: like the server's other decorators, it owns the store it wraps. */
  @Override
  public void close() {
    delegate().close();
  }
}
