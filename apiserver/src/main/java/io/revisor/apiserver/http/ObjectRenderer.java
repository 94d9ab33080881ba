package io.revisor.apiserver.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.revisor.apiserver.json.Json;
import io.revisor.storage.resource.ListResult;
import io.revisor.storage.resource.StoredObject;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Turns stored objects into response bodies in the negotiated representation: the object itself (with the
 * requested apiVersion), a {@code Table}, or {@code PartialObjectMetadata}. Lists of plain objects are assembled from
 * the stored bytes without decoding them. Thread-safe.
 */
public final class ObjectRenderer {
  private final TableRenderer tables;

  public ObjectRenderer(TableRenderer tables) {
    this.tables = tables;
  }

  /** Renders one object. */
  public Buffer object(ResourceRequest request, MediaTypes.Representation as, byte[] json) {
    return switch (as.form()) {
      case OBJECT -> encode(as, objectBytes(request, json));
      case TABLE -> encode(as, Json.bytes(tables.table(request, as, List.of(decode(json)), null, true)));
      case PARTIAL_METADATA -> encode(as, Json.bytes(partial(as, decode(json))));
    };
  }

  /** Renders a list page. */
  public Buffer list(ResourceRequest request, MediaTypes.Representation as, ListResult page) {
    ObjectNode listMeta = listMetadata(page);
    return switch (as.form()) {
      case OBJECT -> encode(as, plainList(request, page, listMeta));
      case TABLE -> encode(as, Json.bytes(tables.table(request, as,
          page.items().stream().map(o -> decode(o.json())).toList(), listMeta, true)));
      case PARTIAL_METADATA -> {
        ObjectNode list = Json.object();
        list.put("apiVersion", "meta.k8s.io/" + as.metaVersion()).put("kind", "PartialObjectMetadataList");
        list.set("metadata", listMeta);
        ArrayNode items = list.putArray("items");
        page.items().forEach(o -> items.add(partial(as, decode(o.json()))));
        yield encode(as, Json.bytes(list));
      }
    };
  }

  /** The object of one watch event, in the negotiated representation, as a JSON tree. */
  public JsonNode watchObject(
      ResourceRequest request, MediaTypes.Representation as, byte[] json, boolean firstTableEvent) {
    return switch (as.form()) {
      case OBJECT -> decode(objectBytes(request, json));
      case TABLE -> tables.table(request, as, List.of(decode(json)), null, firstTableEvent);
      case PARTIAL_METADATA -> partial(as, decode(json));
    };
  }

  /**
   * A BOOKMARK event's object: the kind with only {@code metadata.resourceVersion} (and the initial-events-end
   * annotation); for Table watches an empty Table with that resourceVersion, as Kubernetes converts it.
   */
  public ObjectNode bookmark(
      ResourceRequest request, MediaTypes.Representation as, long resourceVersion, boolean initialEventsEnd) {
    if (as.form() == MediaTypes.Form.TABLE) {
      ObjectNode table = Json.object();
      table.put("kind", "Table").put("apiVersion", "meta.k8s.io/" + as.metaVersion());
      table.putObject("metadata").put("resourceVersion", Long.toString(resourceVersion));
      table.putNull("columnDefinitions");
      table.putArray("rows");
      return table;
    }
    ObjectNode object = Json.object();
    object.put("kind", request.definition().names().kind()).put("apiVersion", request.apiVersion());
    ObjectNode metadata = object.putObject("metadata");
    metadata.put("resourceVersion", Long.toString(resourceVersion));
    if (initialEventsEnd) {
      metadata.putObject("annotations").put("k8s.io/initial-events-end", "true");
    }
    return object;
  }

  /** The stored bytes with the apiVersion the request asked for. */
  public byte[] objectBytes(ResourceRequest request, byte[] json) {
    if (request.definition().versions().size() == 1) {
      return json;
    }
    ObjectNode object = decode(json);
    if (request.apiVersion().equals(object.path("apiVersion").asText())) {
      return json;
    }
    object.put("apiVersion", request.apiVersion());
    return Json.bytes(object);
  }

  private byte[] plainList(ResourceRequest request, ListResult page, ObjectNode listMeta) {
    Buffer out = Buffer.buffer(256 + page.items().stream().mapToInt(o -> o.json().length + 1).sum());
    out.appendString("{\"apiVersion\":").appendString(quote(request.apiVersion()));
    out.appendString(",\"items\":[");
    boolean first = true;
    for (StoredObject item : page.items()) {
      if (!first) {
        out.appendByte((byte) ',');
      }
      first = false;
      out.appendBytes(objectBytes(request, item.json()));
    }
    out.appendString("],\"kind\":").appendString(quote(request.definition().names().listKind()));
    out.appendString(",\"metadata\":").appendBytes(Json.bytes(listMeta)).appendString("}");
    return out.getBytes();
  }

  static ObjectNode listMetadata(ListResult page) {
    ObjectNode metadata = Json.object();
    if (page.continueToken() != null && !page.continueToken().isEmpty()) {
      metadata.put("continue", page.continueToken());
    }
    if (page.remainingItemCount() != null && page.remainingItemCount() > 0) {
      metadata.put("remainingItemCount", page.remainingItemCount());
    }
    metadata.put("resourceVersion", Long.toString(page.resourceVersion()));
    return metadata;
  }

  static ObjectNode partial(MediaTypes.Representation as, ObjectNode object) {
    ObjectNode partial = Json.object();
    partial.put("kind", "PartialObjectMetadata").put("apiVersion", "meta.k8s.io/" + as.metaVersion());
    partial.set("metadata", object.path("metadata").isObject() ? object.get("metadata") : Json.object());
    return partial;
  }

  static ObjectNode decode(byte[] json) {
    try {
      return (ObjectNode) Json.parse(json);
    } catch (IOException | ClassCastException e) {
      throw ApiException.internal("stored object cannot be decoded: " + e.getMessage());
    }
  }

  static Buffer encode(MediaTypes.Representation as, byte[] json) {
    if (!as.yaml()) {
      return Buffer.buffer(json);
    }
    try {
      return Buffer.buffer(Json.YAML.writeValueAsBytes(Json.parse(json)));
    } catch (IOException e) {
      throw ApiException.internal("cannot encode YAML: " + e.getMessage());
    }
  }

  private static String quote(String s) {
    return new String(Json.bytes(Json.MAPPER.getNodeFactory().textNode(s)), StandardCharsets.UTF_8);
  }
}
