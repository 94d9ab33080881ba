package io.revisor.apiserver.discovery;

/**
 * The representations of {@code GET /apis}: aggregated discovery ({@code apidiscovery.k8s.io} {@code
 * APIGroupDiscoveryList}, in two versions with the same body) or the legacy {@code APIGroupList}.
 */
public enum DiscoveryFormat {
  /** {@code apidiscovery.k8s.io/v2} {@code APIGroupDiscoveryList} (kubectl 1.30 and later ask for it first). */
  AGGREGATED_V2("v2"),
  /** {@code apidiscovery.k8s.io/v2beta1} {@code APIGroupDiscoveryList} (kubectl 1.26 to 1.29 ask for it). */
  AGGREGATED_V2BETA1("v2beta1"),
  /** The {@code v1} {@code APIGroupList}, for clients that do not ask for aggregated discovery. */
  LEGACY(null);

  /** The API group of the aggregated discovery types. */
  public static final String AGGREGATED_GROUP = "apidiscovery.k8s.io";
  /** The kind of the aggregated discovery document. */
  public static final String AGGREGATED_KIND = "APIGroupDiscoveryList";

  private final String version;

  DiscoveryFormat(String version) {
    this.version = version;
  }

  /** Whether this is one of the aggregated representations. */
  public boolean aggregated() {
    return version != null;
  }

  /** The {@code apiVersion} of the aggregated document, e.g. {@code apidiscovery.k8s.io/v2}; null for LEGACY. */
  public String apiVersion() {
    return version == null ? null : AGGREGATED_GROUP + "/" + version;
  }

  /**
   * The {@code Content-Type} to answer with. Clients recognise an aggregated answer only by the {@code g}, {@code v}
   * and {@code as} parameters echoed here; without them they take the body for a legacy list and mark the group stale.
   */
  public String contentType() {
    if (version == null) {
      return "application/json";
    }
    return "application/json;g=" + AGGREGATED_GROUP + ";v=" + version + ";as=" + AGGREGATED_KIND;
  }

  /** The aggregated version ({@code v2} or {@code v2beta1}), or null for LEGACY. */
  String version() {
    return version;
  }
}
