package io.revisor.apiserver.e2e;

import io.revisor.apiserver.testing.RevisorServer;

/** kubectl against the server on the embedded store. */
class KubectlEmbeddedIT extends AbstractKubectlTest {
  @Override
  protected RevisorServer startServer() {
    return RevisorServer.embedded();
  }
}
