package io.revisor.storage.resource;

import io.revisor.storage.kv.KvStore;
import io.revisor.storage.kv.etcd.EtcdKvStore;
import io.revisor.storage.kv.etcd.EtcdKvStoreOptions;
import io.revisor.storage.testing.EtcdExtension;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The resource store contract on a real single-member etcd, one etcd process for the whole class. */
class EtcdResourceStoreIT extends AbstractResourceStoreContractTest {
  @RegisterExtension static final EtcdExtension ETCD = EtcdExtension.singleMember();

  @Override
  protected KvStore newKvStore() {
    return EtcdKvStore.connect(EtcdKvStoreOptions.of(ETCD.clientEndpoints()));
  }

  @Override
  protected void restartBackend() {
    ETCD.cluster().restart();
  }
}
