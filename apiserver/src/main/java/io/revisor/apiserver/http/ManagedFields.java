package io.revisor.apiserver.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.revisor.apiserver.crd.ServedVersion;
import io.revisor.apiserver.patch.FieldManager;
import io.revisor.apiserver.patch.FieldSchema;
import java.time.Clock;

/**
 * {@code metadata.managedFields} for every write, and server-side apply, through one {@link FieldManager} per served
 * version (built on first use from its schema). Thread-safe.
 */
public final class ManagedFields {
  private final Clock clock;
  /** Built per served version, by identity (hashing a version would hash its whole schema on every request). */
  private final Cache<ServedVersion, FieldManager> managers = Caffeine.newBuilder().weakKeys().build();

  public ManagedFields(Clock clock) {
    this.clock = clock;
  }

  FieldManager manager(ResourceRequest request) {
    return managers.get(request.version(), v -> FieldManager.create(clock,
        FieldSchema.fromSchema(v.schema()), request.definition().names().kind(), v.statusSubresource()));
  }

  /** The request's field manager: {@code fieldManager}, or derived from the User-Agent as kube does. */
  static String managerName(ResourceRequest request) {
    return FieldManager.managerOrUserAgent(request.query().string("fieldManager"),
        request.routing().request().getHeader("User-Agent"));
  }

  /**
   * Records a create ({@code old} null) or update by the request's field manager.
   *
   * @return {@code updated} with its managedFields rewritten (a new tree)
   */
  public ObjectNode recordUpdate(ResourceRequest request, ObjectNode old, ObjectNode updated) {
    String subresource = request.info().subresource().isEmpty() ? null : request.info().subresource();
    return manager(request).update(old, updated, managerName(request), request.apiVersion(), subresource);
  }

  /** Server-side apply of {@code configuration} onto {@code live} (null when absent). */
  public ObjectNode apply(ResourceRequest request, ObjectNode live, ObjectNode configuration, boolean force) {
    String subresource = request.info().subresource().isEmpty() ? null : request.info().subresource();
    return manager(request).apply(live, configuration, request.query().string("fieldManager"), request.apiVersion(),
        subresource, force);
  }
}
