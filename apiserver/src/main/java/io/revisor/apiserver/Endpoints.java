package io.revisor.apiserver;

import io.revisor.apiserver.crd.ResourceDefinition;
import io.revisor.apiserver.crd.ResourceRegistry;
import io.vertx.ext.web.Router;
import java.util.List;

/** Mounts the non-resource endpoints: version, discovery and OpenAPI. */
final class Endpoints {
  private Endpoints() {}

  /** Checks definitions beyond the loader (schemas, printer columns); throws DefinitionException. */
  static void check(List<ResourceDefinition> definitions) {}

  static void mount(Router router, ResourceRegistry registry) {}
}
