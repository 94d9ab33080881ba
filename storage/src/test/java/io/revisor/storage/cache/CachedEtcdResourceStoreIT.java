package io.revisor.storage.cache;

import io.revisor.storage.kv.KvStore;
import io.revisor.storage.kv.etcd.EtcdKvStore;
import io.revisor.storage.kv.etcd.EtcdKvStoreOptions;
import io.revisor.storage.resource.AbstractResourceStoreContractTest;
import io.revisor.storage.resource.ResourceStore;
import io.revisor.storage.resource.ResourceStoreOptions;
import io.revisor.storage.testing.EtcdExtension;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The whole resource store contract, through the watch cache, on a real etcd. */
class CachedEtcdResourceStoreIT extends AbstractResourceStoreContractTest {
  @RegisterExtension static final EtcdExtension ETCD = EtcdExtension.singleMember();

  @Override
  protected KvStore newKvStore() {
    return EtcdKvStore.connect(EtcdKvStoreOptions.of(ETCD.clientEndpoints()));
  }

  @Override
  protected void restartBackend() {
    ETCD.cluster().restart();
  }

  @Override
  protected ResourceStore wrap(ResourceStore store, ResourceStoreOptions options) {
    return CachedContract.wrap(store, options);
  }
}
