package io.revisor.apiserver.system;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.revisor.apiserver.admission.FieldError;
import io.revisor.apiserver.crd.DefinitionLoader;
import io.revisor.apiserver.http.KindView;
import io.revisor.apiserver.http.ResourceRequest;
import io.revisor.apiserver.json.Json;
import io.revisor.storage.resource.Actor;
import io.revisor.storage.resource.ForwardingResourceStore;
import io.revisor.storage.resource.ListOptions;
import io.revisor.storage.resource.ListResult;
import io.revisor.storage.resource.ObjectKey;
import io.revisor.storage.resource.Preconditions;
import io.revisor.storage.resource.ResourceStats;
import io.revisor.storage.resource.ResourceStore;
import io.revisor.storage.resource.ResourceType;
import io.revisor.storage.resource.ResourceWatch;
import io.revisor.storage.resource.ResourceWatchListener;
import io.revisor.storage.resource.StoredObject;
import io.revisor.storage.resource.UpdateFunction;
import io.revisor.storage.resource.WatchEvent;
import io.revisor.storage.resource.WatchOptions;
import io.vertx.core.Future;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * {@code storagequotas}: stored objects like any other kind, with two differences. Writes validate {@code spec.hard}
 * (422 Invalid, see {@link QuotaLimits}) and drop {@code status}; every object read (get, list, watch, and the result
 * of a write) has its {@code status} computed from the live counters: {@code hard}, a copy of {@code spec.hard}, and
 * {@code used}, the same keys with the namespace's current figures as whole numbers. The status is therefore always
 * the current one, also for an object read as of an older resourceVersion. Enforcement is {@link QuotaEnforcement}'s.
 *
 * <p>A write naming a resource that is not served is accepted (a definition may come back, and kube's ResourceQuota
 * accepts any resource too) with a warning; its usage reads 0. Dry runs do not reach the store, so they are not
 * validated here.
 */
final class StorageQuotas implements KindView {
  static final String KIND = "StorageQuota";
  static final ResourceType TYPE = ResourceType.namespaced(DefinitionLoader.SYSTEM_GROUP, "storagequotas");

  private final ResourceStore store;
  private final Targets targets;

  StorageQuotas(ResourceStore store, Targets targets) {
    this.store = store;
    this.targets = targets;
  }

  @Override
  public Future<ResourceStore> storeFor(ResourceRequest request) {
    return Future.succeededFuture(new View(request));
  }

  /** The quotas as one request sees them; warnings go to that request. */
  private final class View extends ForwardingResourceStore {
    private final ResourceRequest request;

    View(ResourceRequest request) {
      super(store);
      this.request = request;
    }

    @Override
    public CompletionStage<StoredObject> create(ObjectKey key, byte[] json, Actor actor) {
      byte[] admitted;
      try {
        admitted = admitted(key, json);
      } catch (RuntimeException e) {
        return CompletableFuture.failedFuture(e);
      }
      return delegate().create(key, admitted, actor).thenCompose(this::withStatus).thenApply(this::warned);
    }

    @Override
    public CompletionStage<StoredObject> update(
        ObjectKey key, Preconditions preconditions, UpdateFunction update, Actor actor) {
      return delegate().update(key, preconditions, current -> admitted(key, update.apply(current)), actor)
          .thenCompose(this::withStatus)
          .thenApply(this::warned);
    }

    @Override
    public CompletionStage<StoredObject> get(ObjectKey key, long revision) {
      return delegate().get(key, revision).thenCompose(this::withStatus);
    }

    @Override
    public CompletionStage<StoredObject> delete(
        ObjectKey key, Preconditions preconditions, Consumer<StoredObject> check, Actor actor) {
      return delegate().delete(key, preconditions, check, actor).thenCompose(this::withStatus);
    }

    @Override
    public CompletionStage<ListResult> list(ResourceType type, ListOptions options) {
      return delegate().list(type, options).thenCompose(page -> page.items().isEmpty()
          ? CompletableFuture.completedFuture(page)
          : store.stats(null, options.namespace()).thenApply(stats -> {
            Usage usage = new Usage(stats);
            List<StoredObject> items = page.items().stream().map(usage::withStatus).toList();
            return new ListResult(items, page.resourceVersion(), page.continueToken(), page.remainingItemCount());
          }));
    }

    @Override
    public ResourceWatch watch(ResourceType type, WatchOptions options, ResourceWatchListener listener) {
      StatusWatch watch = new StatusWatch(listener);
      watch.attach(delegate().watch(type, options, watch));
      return watch;
    }

    private CompletionStage<StoredObject> withStatus(StoredObject quota) {
      return store.stats(null, quota.key().namespace()).thenApply(stats -> new Usage(stats).withStatus(quota));
    }

    /**
     * {@code quota} after adding a warning per limit of a resource that is not served. The request's event loop is
     * waiting for this stage, whose completion orders these additions before the response is written.
     */
    private StoredObject warned(StoredObject quota) {
      for (QuotaLimits.Limit limit : QuotaLimits.parse(SystemObjects.json(quota).path("spec").path("hard"))) {
        if (targets.find(limit.resource()).isEmpty()) {
          request.warn("spec.hard[" + limit.key() + "]: " + limit.resource() + " is not a namespaced resource "
              + "served here; the limit applies once it is");
        }
      }
      return quota;
    }

    /** A StorageQuota's events with their status, in the source's order; a failed lookup ends the watch. */
    private final class StatusWatch extends SerialWatch {
      StatusWatch(ResourceWatchListener listener) {
        super(listener);
      }

      @Override
      public void onEvent(WatchEvent event) {
        then(() -> event.type() == WatchEvent.Type.BOOKMARK
            ? deliver(event)
            : withStatus(event.object()).thenCompose(object -> deliver(
                new WatchEvent(event.type(), object, event.resourceVersion(), event.initialEventsEnd()))));
      }

      private CompletionStage<Void> deliver(WatchEvent event) {
        if (!closed()) {
          listener.onEvent(event);
        }
        return CompletableFuture.completedFuture(null);
      }
    }
  }

  /**
   * {@code json} as stored: {@code spec.hard} valid, {@code status} dropped.
   *
   * @throws io.revisor.apiserver.http.ApiException 422 Invalid naming every bad limit
   */
  static byte[] admitted(ObjectKey key, byte[] json) {
    ObjectNode object = SystemObjects.json(new StoredObject(key, json, 0));
    List<FieldError> errors = QuotaLimits.validate(object.path("spec").path("hard"));
    if (!errors.isEmpty()) {
      throw QuotaLimits.invalid(key.name(), errors);
    }
    object.remove("status");
    return Json.bytes(object);
  }

  /** The usage of every resource in the namespaces of one {@link ResourceStore#stats} answer. */
  private static final class Usage {
    private final Map<String, ResourceStats> byScope = new HashMap<>();

    Usage(List<ResourceStats> stats) {
      for (ResourceStats s : stats) {
        byScope.put(s.namespace() + "/" + s.type().qualifiedName(), s);
      }
    }

    /** {@code quota} with {@code status.hard} and {@code status.used}. */
    StoredObject withStatus(StoredObject quota) {
      ObjectNode object = SystemObjects.json(quota);
      JsonNode hard = object.path("spec").path("hard");
      ObjectNode status = object.putObject("status");
      ObjectNode statusHard = status.putObject("hard");
      hard.properties().forEach(e -> statusHard.put(e.getKey(), e.getValue().asText()));
      ObjectNode used = status.putObject("used");
      for (QuotaLimits.Limit limit : QuotaLimits.parse(hard)) {
        ResourceStats s = byScope.get(quota.key().namespace() + "/" + limit.resource());
        long value = s == null ? 0 : limit.measure() == QuotaLimits.Measure.COUNT ? s.count() : s.bytes();
        used.put(limit.key(), Long.toString(value));
      }
      return new StoredObject(quota.key(), Json.bytes(object), quota.resourceVersion());
    }
  }
}
