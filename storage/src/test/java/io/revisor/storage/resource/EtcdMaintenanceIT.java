package io.revisor.storage.resource;

import io.revisor.storage.kv.KvStore;
import io.revisor.storage.kv.etcd.EtcdKvStore;
import io.revisor.storage.kv.etcd.EtcdKvStoreOptions;
import io.revisor.storage.testing.EtcdExtension;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The maintenance contract against a real single-member etcd. */
class EtcdMaintenanceIT extends AbstractMaintenanceContractTest {
  @RegisterExtension static final EtcdExtension ETCD = EtcdExtension.singleMember();

  @Override
  protected KvStore newKvStore() {
    return EtcdKvStore.connect(EtcdKvStoreOptions.of(ETCD.clientEndpoints()));
  }
}
