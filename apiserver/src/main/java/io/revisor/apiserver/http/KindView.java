package io.revisor.apiserver.http;

import io.revisor.storage.resource.ResourceStore;
import io.vertx.core.Future;

/**
 * How one of Revisor's own kinds is served: the store its requests see. A view computes objects from the server's
 * store (history, trash, stats) or adds to what is stored (a Restore's outcome, a quota's usage); the generic
 * handlers do the rest, so such a kind gets the same parameters, representations and errors as any other. A view may
 * authorize more than the request itself (the object a Revision is of), failing the returned future with the 403.
 */
@FunctionalInterface
public interface KindView {
  /** The store for {@code request}, once it may proceed. Called on the request's event loop. */
  Future<ResourceStore> storeFor(ResourceRequest request);
}
