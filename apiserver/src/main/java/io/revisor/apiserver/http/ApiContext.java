package io.revisor.apiserver.http;

import io.revisor.storage.resource.ResourceStore;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;

/**
 * The services every resource handler uses, created once per server.
 *
 * @param vertx the server's Vert.x instance (timers)
 * @param store the resource store
 * @param strategy the object rules
 * @param admission body decoding and schema admission
 * @param managedFields {@code metadata.managedFields} bookkeeping and server-side apply
 * @param renderer response representations
 * @param metrics request, watch and storage metrics
 * @param clock the clock for timestamps and deadlines
 * @param resourceVersionWait how long a read for a resourceVersion newer than the store's waits before a 504
 * @param authorizer the server's authorizer, for checks beyond the request's own (the target of a Revision or a
 *     Restore)
 */
public record ApiContext(
    Vertx vertx,
    ResourceStore store,
    ObjectStrategy strategy,
    Admission admission,
    ManagedFields managedFields,
    ObjectRenderer renderer,
    io.revisor.apiserver.metrics.ApiMetrics metrics,
    Clock clock,
    Duration resourceVersionWait,
    io.revisor.apiserver.auth.Authorizer authorizer) {

  /**
   * This context with {@code store} in place of the server's store: what handlers of a view of it use. The view
   * computes its objects, so their Table rows are not reused ({@link ObjectRenderer#forComputedObjects}).
   */
  public ApiContext withStore(ResourceStore store) {
    return new ApiContext(vertx, store, strategy, admission, managedFields, renderer.forComputedObjects(), metrics,
        clock, resourceVersionWait, authorizer);
  }

  /**
   * Completes with the store's current revision once it is at least {@code revision}; fails with the 504 {@code Too
   * large resource version} when it is not there within {@link #resourceVersionWait()}.
   */
  public Future<Long> awaitRevision(long revision) {
    Promise<Long> promise = Promise.promise();
    long deadline = clock.millis() + resourceVersionWait.toMillis();
    poll(revision, deadline, promise);
    return promise.future();
  }

  private void poll(long revision, long deadline, Promise<Long> promise) {
    Future.fromCompletionStage(store.currentRevision(), vertx.getOrCreateContext())
        .onFailure(promise::fail)
        .onSuccess(current -> {
          if (current >= revision) {
            promise.complete(current);
          } else if (clock.millis() >= deadline) {
            promise.fail(ApiException.tooLargeResourceVersion(revision, current));
          } else {
            vertx.setTimer(25, id -> poll(revision, deadline, promise));
          }
        });
  }
}
