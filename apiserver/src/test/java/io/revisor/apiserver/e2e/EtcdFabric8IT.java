package io.revisor.apiserver.e2e;

import io.revisor.apiserver.testing.RevisorServer;

/** Fabric8 against the server on a real etcd process. */
class EtcdFabric8IT extends AbstractFabric8Test {
  @Override
  protected RevisorServer startServer() {
    return serverOnEtcd();
  }
}
