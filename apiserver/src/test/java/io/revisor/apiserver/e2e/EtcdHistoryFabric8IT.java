package io.revisor.apiserver.e2e;

import io.revisor.apiserver.testing.RevisorServer;

/** Fabric8 on Revisor's own kinds, against the server on a real etcd process. */
class EtcdHistoryFabric8IT extends AbstractHistoryFabric8Test {
  @Override
  protected RevisorServer startServer() {
    return serverOnEtcd();
  }
}
