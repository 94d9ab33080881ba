package io.revisor.apiserver.system;

import io.revisor.apiserver.testing.ApiClient;
import io.revisor.apiserver.testing.RevisorServer;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/**
 * One embedded server for a whole test class of Revisor's own kinds, with the demo kinds; each test works in a fresh
 * namespace of its own ({@link #namespace()}), so the tests of a class do not see each other's objects.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class SystemKindTestBase {
  static final String DEMO = "/apis/demo.revisor.io/v1/namespaces/";
  static final String SYSTEM = "/apis/revisor.io/v1/namespaces/";

  RevisorServer server;
  ApiClient admin;

  @BeforeAll
  void start() {
    server = RevisorServer.embedded();
    admin = server.admin();
  }

  @AfterAll
  void stop() {
    server.close();
  }

  /** A namespace no other test uses. */
  static String namespace() {
    return "ns-" + UUID.randomUUID().toString().substring(0, 8);
  }

  static String dashboard(String name, String title) {
    return "{\"apiVersion\":\"demo.revisor.io/v1\",\"kind\":\"Dashboard\",\"metadata\":{\"name\":\"" + name
        + "\"},\"spec\":{\"title\":\"" + title + "\"}}";
  }

  static String folder(String name) {
    return "{\"apiVersion\":\"demo.revisor.io/v1\",\"kind\":\"Folder\",\"metadata\":{\"name\":\"" + name
        + "\"},\"spec\":{\"displayName\":\"F\"}}";
  }
}
