package io.revisor.apiserver.e2e;

import io.revisor.apiserver.testing.RevisorServer;

/** Fabric8 on Revisor's own kinds, against the server on the embedded store. */
class EmbeddedHistoryFabric8Test extends AbstractHistoryFabric8Test {
  @Override
  protected RevisorServer startServer() {
    return RevisorServer.embedded();
  }
}
