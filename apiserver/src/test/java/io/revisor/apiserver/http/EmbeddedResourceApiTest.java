package io.revisor.apiserver.http;

import io.revisor.apiserver.testing.RevisorServer;

/** The API semantics on the embedded store. */
class EmbeddedResourceApiTest extends AbstractResourceApiTest {
  @Override
  protected RevisorServer startServer() {
    return RevisorServer.embedded();
  }
}
