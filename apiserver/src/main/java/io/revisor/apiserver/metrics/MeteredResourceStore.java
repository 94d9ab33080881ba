package io.revisor.apiserver.metrics;

import io.revisor.storage.resource.Actor;
import io.revisor.storage.resource.HistoryPage;
import io.revisor.storage.resource.ListOptions;
import io.revisor.storage.resource.ListResult;
import io.revisor.storage.resource.ObjectKey;
import io.revisor.storage.resource.Preconditions;
import io.revisor.storage.resource.ResourceStats;
import io.revisor.storage.resource.ResourceStore;
import io.revisor.storage.resource.ResourceType;
import io.revisor.storage.resource.ResourceWatch;
import io.revisor.storage.resource.ResourceWatchListener;
import io.revisor.storage.resource.RestoreFunction;
import io.revisor.storage.resource.StoredObject;
import io.revisor.storage.resource.TrashPage;
import io.revisor.storage.resource.UpdateFunction;
import io.revisor.storage.resource.WatchOptions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import java.util.function.Supplier;

/** A {@link ResourceStore} that records the latency of every call in {@link ApiMetrics}. Thread-safe. */
public final class MeteredResourceStore implements ResourceStore {
  private final ResourceStore delegate;
  private final ApiMetrics metrics;

  public MeteredResourceStore(ResourceStore delegate, ApiMetrics metrics) {
    this.delegate = delegate;
    this.metrics = metrics;
  }

  private <T> CompletionStage<T> timed(String operation, Supplier<CompletionStage<T>> call) {
    long start = System.nanoTime();
    return call.get().whenComplete((r, e) -> metrics.storage(operation, Duration.ofNanos(System.nanoTime() - start)));
  }

  @Override
  public CompletionStage<StoredObject> create(ObjectKey key, byte[] json, Actor actor) {
    return timed("create", () -> delegate.create(key, json, actor));
  }

  @Override
  public CompletionStage<StoredObject> get(ObjectKey key, long revision) {
    return timed("get", () -> delegate.get(key, revision));
  }

  @Override
  public CompletionStage<StoredObject> getNotOlderThan(ObjectKey key, long minRevision) {
    return timed("get", () -> delegate.getNotOlderThan(key, minRevision));
  }

  @Override
  public CompletionStage<StoredObject> update(
      ObjectKey key, Preconditions preconditions, UpdateFunction update, Actor actor) {
    return timed("update", () -> delegate.update(key, preconditions, update, actor));
  }

  @Override
  public CompletionStage<StoredObject> delete(
      ObjectKey key, Preconditions preconditions, Consumer<StoredObject> check, Actor actor) {
    return timed("delete", () -> delegate.delete(key, preconditions, check, actor));
  }

  @Override
  public CompletionStage<ListResult> list(ResourceType type, ListOptions options) {
    return timed("list", () -> delegate.list(type, options));
  }

  @Override
  public ResourceWatch watch(ResourceType type, WatchOptions options, ResourceWatchListener listener) {
    return delegate.watch(type, options, listener);
  }

  @Override
  public CompletionStage<HistoryPage> history(ObjectKey key, long limit, String continueToken) {
    return timed("history", () -> delegate.history(key, limit, continueToken));
  }

  @Override
  public CompletionStage<io.revisor.storage.resource.HistoryEntry> change(ObjectKey key, long revision) {
    return timed("change", () -> delegate.change(key, revision));
  }

  @Override
  public CompletionStage<io.revisor.storage.resource.TrashEntry> trashed(ObjectKey key) {
    return timed("trashed", () -> delegate.trashed(key));
  }

  @Override
  public CompletionStage<TrashPage> trash(ResourceType type, String namespace, long limit, String continueToken) {
    return timed("trash", () -> delegate.trash(type, namespace, limit, continueToken));
  }

  @Override
  public CompletionStage<StoredObject> restore(
      ObjectKey key, long fromRevision, Preconditions expected, RestoreFunction prepare, Actor actor) {
    return timed("restore", () -> delegate.restore(key, fromRevision, expected, prepare, actor));
  }

  @Override
  public CompletionStage<List<ResourceStats>> stats(ResourceType type, String namespace) {
    return timed("stats", () -> delegate.stats(type, namespace));
  }

  @Override
  public CompletionStage<Long> currentRevision() {
    return timed("current_revision", delegate::currentRevision);
  }

  @Override
  public void close() {
    delegate.close();
  }
}
