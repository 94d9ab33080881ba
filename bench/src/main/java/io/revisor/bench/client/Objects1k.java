package io.revisor.bench.client;

import java.nio.charset.StandardCharsets;

/**
 * The objects the benchmark writes: demo kinds ({@code demo.revisor.io/v1}, bundled with the server) whose JSON
 * body, as sent, is exactly {@value #SIZE} bytes, padded through {@code spec.description}. The raw side stores the
 * same bytes.
 */
public enum Objects1k {
  /** A Dashboard: schema-validated and defaulted by the server ({@code spec.refreshInterval} is given). */
  DASHBOARD("dashboards", "Dashboard", "\"title\":\"%s\",\"folder\":\"bench\",\"refreshInterval\":\"5m\""),
  /** A Folder: used where a kind of its own is wanted (the memory measurement). */
  FOLDER("folders", "Folder", "\"displayName\":\"%s\"");

  public static final int SIZE = 1024;
  public static final String GROUP_VERSION = "demo.revisor.io/v1";
  private static final String FILLER = "The quick brown fox jumps over the lazy dog while benchmarks count. ";

  private final String plural;
  private final String kind;
  private final String specFields;

  Objects1k(String plural, String kind, String specFields) {
    this.plural = plural;
    this.kind = kind;
    this.specFields = specFields;
  }

  /** The resource name, e.g. {@code dashboards}. */
  public String plural() {
    return plural;
  }

  /** The collection's path in {@code namespace}. */
  public String path(String namespace) {
    return "/apis/" + GROUP_VERSION + "/namespaces/" + namespace + "/" + plural;
  }

  /** One object's path. */
  public String path(String namespace, String name) {
    return path(namespace) + "/" + name;
  }

  /**
   * The JSON body of object {@code name}, exactly {@value #SIZE} bytes.
   *
   * @param version a number shown in the title and padding, so that each update changes the object
   * @param resourceVersion {@code metadata.resourceVersion} for an update, or null for a create
   */
  public byte[] body(String namespace, String name, long version, String resourceVersion) {
    String rv = resourceVersion == null ? "" : ",\"resourceVersion\":\"" + resourceVersion + "\"";
    String head = "{\"apiVersion\":\"" + GROUP_VERSION + "\",\"kind\":\"" + kind + "\",\"metadata\":{\"name\":\""
        + name + "\",\"namespace\":\"" + namespace + "\"" + rv + "},\"spec\":{"
        + String.format(specFields, name + " v" + version) + ",\"description\":\"";
    String tail = "\"}}";
    int padding = SIZE - head.length() - tail.length();
    if (padding < 0) {
      throw new IllegalArgumentException("names too long for a " + SIZE + "-byte object: " + name);
    }
    StringBuilder json = new StringBuilder(SIZE).append(head);
    String seed = version + ": ";
    for (int i = 0; i < padding; i++) {
      json.append(i < seed.length() ? seed.charAt(i) : FILLER.charAt(i % FILLER.length()));
    }
    return json.append(tail).toString().getBytes(StandardCharsets.US_ASCII);
  }
}
