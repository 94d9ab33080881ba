package io.revisor.apiserver.e2e;

import io.revisor.apiserver.testing.RevisorServer;

/** The README's history walk-through with kubectl against the server on the embedded store. */
class HistoryKubectlEmbeddedIT extends AbstractHistoryKubectlTest {
  @Override
  protected RevisorServer startServer(String... flags) {
    return RevisorServer.embedded(flags);
  }
}
