package io.revisor.apiserver.e2e;

import io.revisor.apiserver.testing.RevisorServer;
import io.revisor.storage.testing.EtcdCluster;

/** kubectl against the server on a real etcd process. */
class KubectlEtcdIT extends AbstractKubectlTest {
  private EtcdCluster etcd;

  @Override
  protected RevisorServer startServer() {
    etcd = EtcdCluster.start(1);
    return RevisorServer.etcd(etcd.clientEndpoints());
  }

  @Override
  protected void afterServerStopped() {
    if (etcd != null) {
      etcd.close();
    }
  }
}
