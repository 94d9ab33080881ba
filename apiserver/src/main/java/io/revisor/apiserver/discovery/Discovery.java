package io.revisor.apiserver.discovery;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.revisor.apiserver.crd.ResourceDefinition;
import io.revisor.apiserver.crd.ResourceRegistry;
import io.revisor.apiserver.json.Json;
import io.revisor.apiserver.json.JsonDocument;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The discovery documents of a {@link ResourceRegistry}: {@code GET /apis} in its three representations, {@code GET
 * /apis/<group>} and {@code GET /apis/<group>/<version>}. Every document is serialized, hashed and given its content
 * type when the instance is built, so answering costs a map lookup; discovery therefore never depends on storage
 * health. Immutable and thread-safe.
 *
 * <p>The shapes are those kube-apiserver publishes for CustomResourceDefinitions (apiextensions-apiserver's discovery
 * controller): verbs in its order, {@code plural/status} as a separate legacy entry and as a subresource in the
 * aggregated document, and a {@code storageVersionHash} taken from the storage version.
 *
 * <p>{@code GET /api} is not served here: the HTTP layer answers 404 there, which client-go and kubectl accept (they
 * then only use {@code /apis}).
 */
public final class Discovery {
  /** The verbs of a custom resource, in the order kube lists them for CustomResourceDefinitions. */
  public static final List<String> RESOURCE_VERBS = ResourceDefinition.ALL_VERBS;
  /** The verbs of the {@code status} subresource. */
  public static final List<String> STATUS_VERBS = List.of("get", "patch", "update");

  private final Map<DiscoveryFormat, JsonDocument> apis = new EnumMap<>(DiscoveryFormat.class);
  private final Map<String, JsonDocument> groups = new HashMap<>();
  private final Map<String, JsonDocument> resourceLists = new HashMap<>();

  private Discovery(ResourceRegistry registry) {
    ArrayNode groupList = Json.MAPPER.createArrayNode();
    for (String group : registry.groups()) {
      ObjectNode apiGroup = apiGroup(registry, group);
      groupList.add(apiGroup);
      ObjectNode single = Json.object().put("kind", "APIGroup").put("apiVersion", "v1");
      single.setAll(apiGroup);
      groups.put(group, JsonDocument.of(single));
      for (String version : registry.versions(group)) {
        resourceLists.put(group + "/" + version, JsonDocument.of(apiResourceList(registry, group, version)));
      }
    }
    ObjectNode legacy = Json.object().put("kind", "APIGroupList").put("apiVersion", "v1");
    legacy.set("groups", groupList);
    apis.put(DiscoveryFormat.LEGACY, JsonDocument.of(legacy, DiscoveryFormat.LEGACY.contentType()));
    ArrayNode items = aggregatedItems(registry);
    for (DiscoveryFormat format : DiscoveryFormat.values()) {
      if (format.aggregated()) {
        ObjectNode list = Json.object().put("kind", DiscoveryFormat.AGGREGATED_KIND).put("apiVersion", format.apiVersion());
        list.set("metadata", Json.object());
        list.set("items", items.deepCopy());
        apis.put(format, JsonDocument.of(list, format.contentType()));
      }
    }
  }

  /** Builds every discovery document of {@code registry}. */
  public static Discovery of(ResourceRegistry registry) {
    return new Discovery(registry);
  }

  /**
   * The representation of {@code /apis} an {@code Accept} header asks for (see {@link DiscoveryFormat}); a null or
   * empty header asks for LEGACY. Empty when no media range of the header can be satisfied: answer 406 Not
   * Acceptable. kubectl's header ({@code ...;v=v2;as=APIGroupDiscoveryList,...;v=v2beta1;...,application/json})
   * selects AGGREGATED_V2.
   */
  public static Optional<DiscoveryFormat> negotiate(String accept) {
    return AcceptNegotiation.negotiate(accept);
  }

  /** {@code GET /apis} in {@code format}; its content type is {@link DiscoveryFormat#contentType()}. */
  public JsonDocument apis(DiscoveryFormat format) {
    return apis.get(format);
  }

  /** {@code GET /apis/<group>}: the {@code APIGroup}; empty for a group this server does not serve. */
  public Optional<JsonDocument> group(String group) {
    return Optional.ofNullable(groups.get(group));
  }

  /** {@code GET /apis/<group>/<version>}: the {@code APIResourceList}; empty when not served. */
  public Optional<JsonDocument> resources(String group, String version) {
    return Optional.ofNullable(resourceLists.get(group + "/" + version));
  }

  /**
   * kube's {@code storageVersionHash}: base64 of the first 8 bytes of the SHA-256 of {@code group/version/kind},
   * computed over the storage version, so that clients can tell when the stored form of a kind changes.
   */
  static String storageVersionHash(String group, String version, String kind) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256")
          .digest((group + "/" + version + "/" + kind).getBytes(StandardCharsets.UTF_8));
      return Base64.getEncoder().encodeToString(Arrays.copyOf(digest, 8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime provides SHA-256", e);
    }
  }

  private static ObjectNode apiGroup(ResourceRegistry registry, String group) {
    ObjectNode node = Json.object().put("name", group);
    ArrayNode versions = node.putArray("versions");
    for (String version : registry.versions(group)) {
      versions.add(groupVersion(group, version));
    }
    node.set("preferredVersion", groupVersion(group, registry.preferredVersion(group).orElseThrow()));
    return node;
  }

  private static ObjectNode groupVersion(String group, String version) {
    return Json.object().put("groupVersion", group + "/" + version).put("version", version);
  }

  private static ObjectNode apiResourceList(ResourceRegistry registry, String group, String version) {
    ObjectNode list = Json.object()
        .put("kind", "APIResourceList")
        .put("apiVersion", "v1")
        .put("groupVersion", group + "/" + version);
    ArrayNode resources = list.putArray("resources");
    for (ResourceDefinition d : registry.resources(group, version)) {
      ObjectNode resource = resources.addObject()
          .put("name", d.names().plural())
          .put("singularName", d.names().singular())
          .put("namespaced", d.namespaced())
          .put("kind", d.names().kind());
      strings(resource, "verbs", d.verbs());
      optionalStrings(resource, "shortNames", d.names().shortNames());
      optionalStrings(resource, "categories", d.names().categories());
      resource.put("storageVersionHash",
          storageVersionHash(group, d.storageVersion().name(), d.names().kind()));
      if (d.servedVersion(version).orElseThrow().statusSubresource()) {
        // Upstream leaves singularName empty on subresources (the field is required, so it is present).
        ObjectNode status = resources.addObject()
            .put("name", d.names().plural() + "/status")
            .put("singularName", "")
            .put("namespaced", d.namespaced())
            .put("kind", d.names().kind());
        strings(status, "verbs", STATUS_VERBS);
      }
    }
    return list;
  }

  private static ArrayNode aggregatedItems(ResourceRegistry registry) {
    ArrayNode items = Json.MAPPER.createArrayNode();
    for (String group : registry.groups()) {
      ObjectNode item = items.addObject();
      item.putObject("metadata").put("name", group);
      ArrayNode versions = item.putArray("versions");
      for (String version : registry.versions(group)) {
        ObjectNode versionNode = versions.addObject().put("version", version);
        ArrayNode resources = versionNode.putArray("resources");
        for (ResourceDefinition d : registry.resources(group, version)) {
          resources.add(aggregatedResource(d, group, version));
        }
        versionNode.put("freshness", "Current");
      }
    }
    return items;
  }

  private static ObjectNode aggregatedResource(ResourceDefinition d, String group, String version) {
    ObjectNode resource = Json.object().put("resource", d.names().plural());
    resource.set("responseKind", responseKind(group, version, d.names().kind()));
    resource.put("scope", d.namespaced() ? "Namespaced" : "Cluster");
    resource.put("singularResource", d.names().singular());
    strings(resource, "verbs", d.verbs());
    optionalStrings(resource, "shortNames", d.names().shortNames());
    optionalStrings(resource, "categories", d.names().categories());
    if (d.servedVersion(version).orElseThrow().statusSubresource()) {
      ObjectNode status = resource.putArray("subresources").addObject().put("subresource", "status");
      status.set("responseKind", responseKind(group, version, d.names().kind()));
      strings(status, "verbs", STATUS_VERBS);
    }
    return resource;
  }

  private static ObjectNode responseKind(String group, String version, String kind) {
    return Json.object().put("group", group).put("version", version).put("kind", kind);
  }

  private static void strings(ObjectNode parent, String field, List<String> values) {
    ArrayNode array = parent.putArray(field);
    values.forEach(array::add);
  }

  /** Like upstream's {@code omitempty}: an empty list is left out. */
  private static void optionalStrings(ObjectNode parent, String field, List<String> values) {
    if (!values.isEmpty()) {
      strings(parent, field, values);
    }
  }
}
