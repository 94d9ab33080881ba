/**
 * OpenAPI documents: the schemas and operations of the served kinds, in OpenAPI 3.0 per group version (what kubectl
 * 1.27 and later use for {@code explain} and {@code apply}) and in Swagger 2.0 (older clients).
 *
 * <p>{@link io.revisor.apiserver.openapi.OpenApi} is the entry point. The package-private classes split the work as
 * upstream's CRD OpenAPI builder does: {@code KindSchemas} turns a definition's {@code openAPIV3Schema} into the
 * published schema of the kind and its list, {@code MetaSchemas} holds the {@code meta/v1} types, {@code Routes}
 * describes each resource's operations once, and {@code Documents} renders both dialects. Pure: no HTTP types, no
 * storage; documents are built ahead of time as {@link io.revisor.apiserver.json.JsonDocument}s.
 */
package io.revisor.apiserver.openapi;
