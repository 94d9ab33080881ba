package io.revisor.apiserver.http;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Content negotiation: which representation a client accepts, and which request bodies the server reads.
 *
 * <p>Representations of objects and lists: plain JSON (or YAML), a {@code meta.k8s.io} {@code Table}, or
 * {@code PartialObjectMetadata(List)}. Entries of the {@code Accept} header are tried in order and the first one the
 * server can produce wins; protobuf is never produced. Nothing acceptable is a 406.
 */
public final class MediaTypes {
  public static final String JSON = "application/json";
  public static final String YAML = "application/yaml";
  public static final String JSON_PATCH = "application/json-patch+json";
  public static final String MERGE_PATCH = "application/merge-patch+json";
  public static final String APPLY_PATCH = "application/apply-patch+yaml";
  public static final String STRATEGIC_MERGE_PATCH = "application/strategic-merge-patch+json";

  /** What the response body is. */
  public enum Form {
    OBJECT,
    TABLE,
    PARTIAL_METADATA
  }

  /**
   * The chosen representation.
   *
   * @param form the object form
   * @param yaml whether to encode as YAML instead of JSON
   * @param metaVersion for Table and PartialObjectMetadata, the {@code meta.k8s.io} version asked for (v1 or v1beta1)
   */
  public record Representation(Form form, boolean yaml, String metaVersion) {
    public static final Representation JSON_OBJECT = new Representation(Form.OBJECT, false, "v1");

    public String contentType() {
      return yaml ? YAML : JSON;
    }
  }

  /** One parsed media range. */
  record MediaRange(String type, Map<String, String> params) {}

  private MediaTypes() {}

  /**
   * Chooses a representation for {@code accept}. {@code partialKinds} says whether PartialObjectMetadata is
   * acceptable: for lists the client asks for {@code as=PartialObjectMetadataList}, for objects {@code
   * as=PartialObjectMetadata}.
   *
   * @throws ApiException 406 when nothing acceptable can be produced
   */
  public static Representation negotiate(String accept, boolean list) {
    if (accept == null || accept.isBlank()) {
      return Representation.JSON_OBJECT;
    }
    for (MediaRange range : parse(accept)) {
      Representation r = representation(range, list);
      if (r != null) {
        return r;
      }
    }
    throw ApiException.notAcceptable(
        "only the following media types are accepted: application/json, application/yaml, "
            + "application/json;as=Table;v=v1;g=meta.k8s.io, application/json;as=PartialObjectMetadata;v=v1;g=meta.k8s.io");
  }

  private static Representation representation(MediaRange range, boolean list) {
    String type = range.type();
    boolean json = type.equals(JSON) || type.equals("application/*") || type.equals("*/*");
    boolean yaml = type.equals(YAML);
    if (!json && !yaml) {
      return null;
    }
    String as = range.params().get("as");
    if (as == null) {
      return range.params().containsKey("g") ? null : new Representation(Form.OBJECT, yaml, "v1");
    }
    String g = range.params().get("g");
    String v = range.params().get("v");
    if (!"meta.k8s.io".equals(g) || !("v1".equals(v) || "v1beta1".equals(v))) {
      return null;
    }
    if (as.equals("Table")) {
      return new Representation(Form.TABLE, yaml, v);
    }
    if (as.equals(list ? "PartialObjectMetadataList" : "PartialObjectMetadata")) {
      return new Representation(Form.PARTIAL_METADATA, yaml, v);
    }
    return null;
  }

  /** Parses an Accept (or Content-Type) header into media ranges, in order, ignoring {@code q}. */
  static List<MediaRange> parse(String header) {
    List<MediaRange> ranges = new ArrayList<>();
    for (String entry : header.split(",")) {
      String[] parts = entry.split(";");
      String type = parts[0].trim().toLowerCase(Locale.ROOT);
      if (type.isEmpty()) {
        continue;
      }
      Map<String, String> params = new HashMap<>();
      for (int i = 1; i < parts.length; i++) {
        int eq = parts[i].indexOf('=');
        if (eq > 0) {
          params.put(parts[i].substring(0, eq).trim().toLowerCase(Locale.ROOT), unquote(parts[i].substring(eq + 1).trim()));
        }
      }
      ranges.add(new MediaRange(type, params));
    }
    return ranges;
  }

  /** The media type of a Content-Type header without parameters, lower-cased; empty when absent. */
  public static String bodyType(String contentType) {
    if (contentType == null || contentType.isBlank()) {
      return "";
    }
    int semicolon = contentType.indexOf(';');
    return (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
  }

  private static String unquote(String value) {
    return value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")
        ? value.substring(1, value.length() - 1)
        : value;
  }
}
