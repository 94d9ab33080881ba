package io.revisor.apiserver.openapi;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.revisor.apiserver.crd.ResourceRegistry;
import io.revisor.apiserver.json.Json;
import io.revisor.apiserver.json.JsonDocument;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The OpenAPI documents of a {@link ResourceRegistry}, as kube-apiserver publishes them for CustomResourceDefinitions:
 *
 * <ul>
 *   <li>{@code GET /openapi/v3}: the index, {@code {"paths":{"apis/<g>/<v>":{"serverRelativeURL":
 *       "/openapi/v3/apis/<g>/<v>?hash=<HASH>"}}}}, where HASH is the {@link JsonDocument#hash()} of the group
 *       version's document;
 *   <li>{@code GET /openapi/v3/apis/<g>/<v>}: OpenAPI 3.0 with the paths of every resource serving that version, the
 *       kinds' schemas (from the definitions, with descriptions and defaults) and the {@code meta/v1} types they use;
 *   <li>{@code GET /openapi/v2}: Swagger 2.0 JSON with every group version, schemas converted to what Swagger 2.0
 *       can say.
 * </ul>
 *
 * <p>Every schema of a kind and every operation carries {@code x-kubernetes-group-version-kind}; PATCH operations
 * declare {@code fieldValidation} and accept JSON patch, merge patch and apply patch only. These are what kubectl
 * needs for {@code kubectl explain}, for server-side field validation on {@code kubectl apply}, and to choose merge
 * patch over strategic merge patch.
 *
 * <p>All documents are serialized and hashed when the instance is built. Immutable and thread-safe.
 */
public final class OpenApi {
  private static final String V3_PREFIX = "/openapi/v3/";

  private final Map<String, JsonDocument> v3 = new HashMap<>();
  private final JsonDocument v3Index;
  private final JsonDocument v2;

  private OpenApi(ResourceRegistry registry) {
    ObjectNode index = Json.object();
    ObjectNode paths = index.putObject("paths");
    for (String group : registry.groups()) {
      for (String version : registry.versions(group)) {
        String path = path(group, version);
        JsonDocument document = JsonDocument.of(Documents.v3(version, registry.resources(group, version)));
        v3.put(path, document);
        paths.putObject(path).put("serverRelativeURL", serverRelativeUrl(path, document));
      }
    }
    v3Index = JsonDocument.of(index);
    v2 = JsonDocument.of(Documents.v2(registry.definitions()));
  }

  /** Builds every OpenAPI document of {@code registry}. */
  public static OpenApi of(ResourceRegistry registry) {
    return new OpenApi(registry);
  }

  /** {@code GET /openapi/v3}. */
  public JsonDocument v3Index() {
    return v3Index;
  }

  /** {@code GET /openapi/v3/apis/<group>/<version>}; empty when the group version is not served. */
  public Optional<JsonDocument> v3(String group, String version) {
    return Optional.ofNullable(v3.get(path(group, version)));
  }

  /**
   * The v3 document at a request path: {@code /openapi/v3/apis/<g>/<v>}, or the index key {@code apis/<g>/<v>}.
   * Empty for anything else. When the request carries a {@code hash} that differs from the document's {@link
   * JsonDocument#hash()}, kube redirects (301) to {@link #serverRelativeUrl(String, String)}; when it matches, the
   * answer may be cached for good ({@code Cache-Control: public, immutable}).
   */
  public Optional<JsonDocument> v3(String path) {
    String key = path.startsWith(V3_PREFIX) ? path.substring(V3_PREFIX.length()) : path;
    return Optional.ofNullable(v3.get(key));
  }

  /** The URL the index gives for a group version's document, with its current hash; empty when not served. */
  public Optional<String> serverRelativeUrl(String group, String version) {
    String path = path(group, version);
    return Optional.ofNullable(v3.get(path)).map(document -> serverRelativeUrl(path, document));
  }

  /** {@code GET /openapi/v2}, as JSON (kube also serves protobuf there, which this server does not). */
  public JsonDocument v2() {
    return v2;
  }

  private static String path(String group, String version) {
    return "apis/" + group + "/" + version;
  }

  private static String serverRelativeUrl(String path, JsonDocument document) {
    return V3_PREFIX + path + "?hash=" + URLEncoder.encode(document.hash(), StandardCharsets.UTF_8);
  }
}
