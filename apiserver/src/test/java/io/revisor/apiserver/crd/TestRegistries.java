package io.revisor.apiserver.crd;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Registries for tests: the bundled demo set, and the test definitions under {@code testdefs/}. */
public final class TestRegistries {
  private TestRegistries() {}

  /** {@code demo.revisor.io}: Dashboard (namespaced, status), Folder (namespaced), Organization (cluster). */
  public static ResourceRegistry demo() {
    return ResourceRegistry.of(DefinitionLoader.bundledDemo());
  }

  /**
   * {@code test.revisor.io}: Gadget (namespaced; v1 served with status, v1beta1 served and storage, v1alpha1 not
   * served; a schema with int-or-string, nullable, preserve-unknown-fields and embedded resources) and Blob
   * (cluster-scoped, schema preserving unknown fields at the root).
   */
  public static ResourceRegistry gadgets() {
    return ResourceRegistry.of(DefinitionLoader.parse("gadgets.yaml", resource("gadgets.yaml")));
  }

  private static String resource(String name) {
    String path = "/io/revisor/apiserver/testdefs/" + name;
    try (InputStream in = TestRegistries.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException("test resource missing: " + path);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
