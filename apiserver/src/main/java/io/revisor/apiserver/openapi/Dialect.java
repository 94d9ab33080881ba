package io.revisor.apiserver.openapi;

/** The two OpenAPI documents kube serves, which differ in where definitions live and in what schemas may say. */
enum Dialect {
  /** Swagger 2.0, {@code /openapi/v2}: no {@code nullable}, {@code anyOf} and friends, or defaults. */
  V2("#/definitions/"),
  /** OpenAPI 3.0, {@code /openapi/v3/...}: a {@code $ref} never has siblings (they go through {@code allOf}). */
  V3("#/components/schemas/");

  private final String refPrefix;

  Dialect(String refPrefix) {
    this.refPrefix = refPrefix;
  }

  /** The {@code $ref} value naming the definition {@code name}. */
  String ref(String name) {
    return refPrefix + name;
  }

  /** The prefix of {@code $ref} values. */
  String refPrefix() {
    return refPrefix;
  }
}
