package io.revisor.apiserver.system;

import io.revisor.apiserver.http.ApiException;
import io.revisor.storage.resource.Actor;
import io.revisor.storage.resource.ForwardingResourceStore;
import io.revisor.storage.resource.ObjectKey;
import io.revisor.storage.resource.Preconditions;
import io.revisor.storage.resource.ResourceStore;
import io.revisor.storage.resource.RestoreFunction;
import io.revisor.storage.resource.StoredObject;
import io.revisor.storage.resource.UpdateFunction;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * A view of computed objects: reads are the subclass's, every write is refused. Routing already refuses the verbs
 * these kinds do not serve; this makes sure no write could ever reach the objects the view is computed from.
 */
abstract class ReadOnlyView extends ForwardingResourceStore {
  ReadOnlyView(ResourceStore store) {
    super(store);
  }

  private static <T> CompletionStage<T> refused() {
    return CompletableFuture.failedFuture(
        ApiException.methodNotAllowed("the server does not allow this method on the requested resource"));
  }

  @Override
  public final CompletionStage<StoredObject> create(ObjectKey key, byte[] json, Actor actor) {
    return refused();
  }

  @Override
  public final CompletionStage<StoredObject> update(
      ObjectKey key, Preconditions preconditions, UpdateFunction update, Actor actor) {
    return refused();
  }

  @Override
  public final CompletionStage<StoredObject> delete(
      ObjectKey key, Preconditions preconditions, Consumer<StoredObject> check, Actor actor) {
    return refused();
  }

  @Override
  public final CompletionStage<StoredObject> restore(
      ObjectKey key, long fromRevision, Preconditions expected, RestoreFunction prepare, Actor actor) {
    return refused();
  }
}
