package io.revisor.apiserver.e2e;

import io.revisor.apiserver.testing.RevisorServer;

/** Fabric8 against the server on the embedded store. */
class EmbeddedFabric8Test extends AbstractFabric8Test {
  @Override
  protected RevisorServer startServer() {
    return RevisorServer.embedded();
  }
}
