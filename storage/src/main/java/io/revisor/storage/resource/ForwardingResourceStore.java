package io.revisor.storage.resource;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * A {@link ResourceStore} that passes every call to another one: the base of decorators and views that change a few
 * operations and keep the rest. Closing it does not close the delegate, which its owner closes.
 *
 * <p>The updates and deletes that start from an expected version ({@link #update(ObjectKey, Preconditions,
 * UpdateFunction, Actor, StoredObject)}) are not passed on as such: they go through this store's own {@code update}
 * and {@code delete}, without the hint, so that a subclass that changes those is never bypassed. A wrapper that only
 * observes may pass the hint on by overriding them.
 */
public abstract class ForwardingResourceStore implements ResourceStore {
  private final ResourceStore delegate;

  protected ForwardingResourceStore(ResourceStore delegate) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
  }

  /** The store calls are passed to. */
  protected final ResourceStore delegate() {
    return delegate;
  }

  @Override
  public CompletionStage<StoredObject> create(ObjectKey key, byte[] json, Actor actor) {
    return delegate.create(key, json, actor);
  }

  @Override
  public CompletionStage<StoredObject> get(ObjectKey key, long revision) {
    return delegate.get(key, revision);
  }

  @Override
  public CompletionStage<StoredObject> update(
      ObjectKey key, Preconditions preconditions, UpdateFunction update, Actor actor) {
    return delegate.update(key, preconditions, update, actor);
  }

  @Override
  public CompletionStage<StoredObject> delete(
      ObjectKey key, Preconditions preconditions, Consumer<StoredObject> check, Actor actor) {
    return delegate.delete(key, preconditions, check, actor);
  }

  @Override
  public CompletionStage<ListResult> list(ResourceType type, ListOptions options) {
    return delegate.list(type, options);
  }

  @Override
  public ResourceWatch watch(ResourceType type, WatchOptions options, ResourceWatchListener listener) {
    return delegate.watch(type, options, listener);
  }

  @Override
  public CompletionStage<HistoryPage> history(ObjectKey key, long limit, String continueToken) {
    return delegate.history(key, limit, continueToken);
  }

  @Override
  public CompletionStage<HistoryEntry> change(ObjectKey key, long revision) {
    return delegate.change(key, revision);
  }

  @Override
  public CompletionStage<TrashEntry> trashed(ObjectKey key) {
    return delegate.trashed(key);
  }

  @Override
  public CompletionStage<TrashPage> trash(ResourceType type, String namespace, long limit, String continueToken) {
    return delegate.trash(type, namespace, limit, continueToken);
  }

  @Override
  public CompletionStage<StoredObject> restore(
      ObjectKey key, long fromRevision, Preconditions expected, RestoreFunction prepare, Actor actor) {
    return delegate.restore(key, fromRevision, expected, prepare, actor);
  }

  @Override
  public CompletionStage<List<ResourceStats>> stats(ResourceType type, String namespace) {
    return delegate.stats(type, namespace);
  }

  @Override
  public CompletionStage<Long> currentRevision() {
    return delegate.currentRevision();
  }

  @Override
  public CompletionStage<Freshness> freshness(ResourceType type, long sinceRevision) {
    return delegate.freshness(type, sinceRevision);
  }

  @Override
  public CompletionStage<ListTokens> listTokens() {
    return delegate.listTokens();
  }

  /** Does nothing: the delegate belongs to whoever created it. */
  @Override
  public void close() {}
}
