package io.revisor.storage.kv.etcd;

import io.revisor.storage.kv.AbstractKvStoreContractTest;
import io.revisor.storage.kv.KvStore;
import io.revisor.storage.testing.EtcdExtension;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The KV contract against a real single-member etcd, one etcd process for the whole class. */
class EtcdKvStoreIT extends AbstractKvStoreContractTest {
  @RegisterExtension static final EtcdExtension ETCD = EtcdExtension.singleMember();

  @Override
  protected KvStore newStore() {
    return EtcdKvStore.connect(EtcdKvStoreOptions.of(ETCD.clientEndpoints()));
  }

  @Override
  protected void restartBackend() {
    ETCD.cluster().restart();
  }
}
