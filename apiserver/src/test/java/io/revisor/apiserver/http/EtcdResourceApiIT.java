package io.revisor.apiserver.http;

import io.revisor.apiserver.testing.RevisorServer;
import io.revisor.storage.testing.EtcdCluster;

/** The API semantics on a real etcd process. */
class EtcdResourceApiIT extends AbstractResourceApiTest {
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
