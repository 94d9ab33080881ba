package io.revisor.apiserver.system;

import io.revisor.apiserver.auth.Authorizer;
import io.revisor.apiserver.crd.ResourceRegistry;
import io.revisor.apiserver.http.KindView;
import io.revisor.storage.resource.ResourceStore;
import java.util.Map;

/** Assembles the views serving Revisor's own kinds ({@code revisor.io/v1}). */
public final class SystemKinds {
  private SystemKinds() {}

  /**
   * The view of each of Revisor's own kinds, by definition name.
   *
   * @param store the server's store (with quota enforcement, so that restores count against quotas)
   * @param authorizer the server's authorizer, asked about the objects these kinds are about
   */
  public static Map<String, KindView> views(ResourceRegistry registry, ResourceStore store, Authorizer authorizer) {
    Targets targets = new Targets(registry);
    TargetAccess access = new TargetAccess(authorizer);
    return Map.of(
        "revisions.revisor.io", new Revisions(store, targets, access),
        "deletedobjects.revisor.io", new DeletedObjects(store, targets, access),
        "restores.revisor.io", new Restores(store, targets, access),
        "resourcestats.revisor.io", new ResourceStatsView(store, targets, access),
        "storagequotas.revisor.io", new StorageQuotas(store, targets));
  }

  /**
   * {@code store} enforcing StorageQuotas on creates, growing updates and restores of every served namespaced kind
   * (see {@link QuotaEnforcement}). Closing it closes {@code store}.
   */
  public static ResourceStore enforcingQuotas(ResourceStore store) {
    return new QuotaEnforcement(store);
  }
}
