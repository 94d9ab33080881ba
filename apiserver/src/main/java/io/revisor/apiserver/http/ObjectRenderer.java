package io.revisor.apiserver.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.revisor.apiserver.crd.ResourceDefinition;
import io.revisor.apiserver.json.Json;
import io.revisor.apiserver.json.JsonMember;
import io.revisor.apiserver.table.ListMeta;
import io.revisor.storage.resource.ListResult;
import io.revisor.storage.resource.StoredObject;
import io.revisor.storage.resource.WatchEvent;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Turns stored objects into response bodies in the negotiated representation: the object itself (with the
 * requested apiVersion), a {@code Table}, or {@code PartialObjectMetadata}. The object form and
 * {@code PartialObjectMetadata} are assembled from the stored bytes without decoding them (an apiVersion to rewrite
 * and the metadata are found by a streaming scan, see {@link JsonMember}); Tables come from {@link TableRenderer}.
 * Thread-safe.
 */
public final class ObjectRenderer {
  private final TableRenderer tables;
  private final boolean reuseRows;

  public ObjectRenderer(TableRenderer tables) {
    this(tables, true);
  }

  private ObjectRenderer(TableRenderer tables, boolean reuseRows) {
    this.tables = tables;
    this.reuseRows = reuseRows;
  }

  /**
   * This renderer for the objects of a view, which are computed rather than stored (a quota's usage changes without a
   * new resourceVersion): their Table rows are never reused.
   */
  public ObjectRenderer forComputedObjects() {
    return new ObjectRenderer(tables, false);
  }

  /** Renders one object. */
  public Buffer object(ResourceRequest request, MediaTypes.Representation as, byte[] json) {
    return switch (as.form()) {
      case OBJECT -> encode(as, objectBytes(request, json));
      case TABLE -> encode(as, tables.object(request, as, json, true));
      case PARTIAL_METADATA -> encode(as, partial(as, json));
    };
  }

  /** Renders a list page. */
  public Buffer list(ResourceRequest request, MediaTypes.Representation as, ListResult page) {
    return switch (as.form()) {
      case OBJECT -> objectList(request.definition(), request.apiVersion(), as, page);
      case TABLE -> encode(as, tables.stored(request, as, page.items(),
          new ListMeta(Long.toString(page.resourceVersion()), page.continueToken(), remainingItemCount(page)), true,
          reuseRows));
      case PARTIAL_METADATA -> encode(as, partialList(as, page));
    };
  }

  /**
   * A list page in the object form, {@code {"apiVersion":...,"items":[...],"kind":"<Kind>List","metadata":{...}}},
   * as {@link #list} renders it when neither a Table nor metadata only is asked for: every item is its stored bytes
   * (with {@code apiVersion} spliced in when the request's differs). Needs no request, so that the benchmark measures
   * the server's own writing of a list in-process.
   *
   * @param apiVersion {@code <group>/<version>} of the request
   */
  public static Buffer objectList(ResourceDefinition definition, String apiVersion, MediaTypes.Representation as,
      ListResult page) {
    return encode(as, plainList(definition, apiVersion, page));
  }

  /**
   * The object of one watch event in the negotiated representation, serialized. In the object form these are the
   * stored bytes themselves (with the apiVersion spliced in when the request's differs), never decoded.
   *
   * @param event an ADDED, MODIFIED or DELETED event
   * @param firstTableEvent whether a Table is the watch's first and carries the column definitions
   */
  public byte[] watchObject(
      ResourceRequest request, MediaTypes.Representation as, WatchEvent event, boolean firstTableEvent) {
    StoredObject object = event.object();
    return switch (as.form()) {
      case OBJECT -> objectBytes(request, object.json());
      // A DELETED event may carry an object's earlier content under a later resourceVersion (it left the selector).
      case TABLE -> event.type() == WatchEvent.Type.DELETED
          ? tables.object(request, as, object.json(), firstTableEvent)
          : tables.stored(request, as, List.of(object),
              new ListMeta(Long.toString(object.resourceVersion()), null, null), firstTableEvent, reuseRows);
      case PARTIAL_METADATA -> partial(as, object.json());
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

  /** The stored bytes with the apiVersion the request asked for: the same array when nothing needs rewriting. */
  static byte[] objectBytes(ResourceRequest request, byte[] json) {
    return objectBytes(request.definition(), request.apiVersion(), json);
  }

  private static byte[] objectBytes(ResourceDefinition definition, String apiVersion, byte[] json) {
    return definition.versions().size() == 1 ? json : withApiVersion(json, apiVersion);
  }

  /**
   * {@code json} with the top-level {@code apiVersion} set to {@code apiVersion}: the same array when it already is,
   * else the new value spliced in place of the old one, all other bytes unchanged.
   */
  static byte[] withApiVersion(byte[] json, String apiVersion) {
    JsonMember member = scan(json, "apiVersion");
    if (member != null && member.isString()) {
      return member.text().equals(apiVersion) ? json : member.replace(json, quote(apiVersion));
    }
    ObjectNode object = decode(json); // no apiVersion, or not a string: set it as before
    object.put("apiVersion", apiVersion);
    return Json.bytes(object);
  }

  /**
   * The list's JSON without copying its items: a composite of the stored arrays themselves (shared with the cache,
   * never written to) and the few bytes around them. A list of 10,000 objects is ~13 MiB, which a copy costs
   * milliseconds; the connection's encryption reads the pieces as they are.
   */
  private static Buffer plainList(ResourceDefinition definition, String apiVersion, ListResult page) {
    List<StoredObject> items = page.items();
    CompositeByteBuf out = Unpooled.compositeBuffer(2 * items.size() + 2);
    addPieces(out, ascii("{\"apiVersion\":"), quote(apiVersion), ascii(",\"items\":["));
    for (int i = 0; i < items.size(); i++) {
      if (i > 0) {
        out.addComponent(true, Unpooled.wrappedBuffer(COMMA));
      }
      out.addComponent(true, Unpooled.wrappedBuffer(objectBytes(definition, apiVersion, items.get(i).json())));
    }
    addPieces(out, ascii("],\"kind\":"), quote(definition.names().listKind()), ascii(",\"metadata\":"),
        Json.bytes(listMetadata(page)), ascii("}"));
    return BufferInternal.buffer(out);
  }

  private static Buffer partialList(MediaTypes.Representation as, ListResult page) {
    Buffer out = Buffer.buffer(256 + page.items().size() * 512);
    out.appendString("{\"apiVersion\":").appendBytes(quote("meta.k8s.io/" + as.metaVersion()));
    out.appendString(",\"kind\":\"PartialObjectMetadataList\",\"metadata\":").appendBytes(Json.bytes(listMetadata(page)));
    out.appendString(",\"items\":[");
    appendEach(out, page.items(), json -> partial(as, json));
    out.appendString("]}");
    return out;
  }

  private static void appendEach(Buffer out, List<StoredObject> items, UnaryOperator<byte[]> render) {
    for (int i = 0; i < items.size(); i++) {
      if (i > 0) {
        out.appendByte((byte) ',');
      }
      out.appendBytes(render.apply(items.get(i).json()));
    }
  }

  /**
   * {@code PartialObjectMetadata} of a stored object: its {@code metadata} as stored (an empty object when it has
   * none) in {@code {"kind":"PartialObjectMetadata","apiVersion":"meta.k8s.io/<v>","metadata":...}}.
   */
  static byte[] partial(MediaTypes.Representation as, byte[] json) {
    byte[] head = ("{\"kind\":\"PartialObjectMetadata\",\"apiVersion\":\"meta.k8s.io/" + as.metaVersion()
        + "\",\"metadata\":").getBytes(StandardCharsets.UTF_8);
    JsonMember metadata = scan(json, "metadata");
    Buffer out;
    if (metadata != null && json[metadata.start()] == '{') {
      out = Buffer.buffer(head.length + metadata.end() - metadata.start() + 1).appendBytes(head)
          .appendBytes(json, metadata.start(), metadata.end() - metadata.start());
    } else {
      JsonNode tree = decode(json).path("metadata");
      out = Buffer.buffer().appendBytes(head).appendBytes(Json.bytes(tree.isObject() ? tree : Json.object()));
    }
    return out.appendString("}").getBytes();
  }

  /**
   * The top-level member {@code name} of a stored object, found without decoding it; null when the object has no such
   * member or the scan cannot tell where its value lies (callers then decode the object).
   */
  private static JsonMember scan(byte[] json, String name) {
    try {
      return JsonMember.find(json, name);
    } catch (IOException e) {
      return null;
    }
  }

  private static Long remainingItemCount(ListResult page) {
    return page.remainingItemCount() != null && page.remainingItemCount() > 0 ? page.remainingItemCount() : null;
  }

  private static ObjectNode listMetadata(ListResult page) {
    ObjectNode metadata = Json.object();
    if (page.continueToken() != null && !page.continueToken().isEmpty()) {
      metadata.put("continue", page.continueToken());
    }
    if (remainingItemCount(page) != null) {
      metadata.put("remainingItemCount", remainingItemCount(page));
    }
    metadata.put("resourceVersion", Long.toString(page.resourceVersion()));
    return metadata;
  }

  static ObjectNode decode(byte[] json) {
    try {
      return (ObjectNode) Json.parse(json);
    } catch (IOException | ClassCastException e) {
      throw ApiException.internal("stored object cannot be decoded: " + e.getMessage());
    }
  }

  /** {@link #encode(MediaTypes.Representation, byte[])} for JSON already in a buffer, which JSON sends as it is. */
  static Buffer encode(MediaTypes.Representation as, Buffer json) {
    return as.yaml() ? encode(as, json.getBytes()) : json;
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

  private static final byte[] COMMA = {','};

  /** Adds {@code parts} to {@code out} as one piece. */
  private static void addPieces(CompositeByteBuf out, byte[]... parts) {
    out.addComponent(true, Unpooled.wrappedBuffer(parts));
  }

  private static byte[] ascii(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }

  private static byte[] quote(String s) {
    return Json.bytes(Json.MAPPER.getNodeFactory().textNode(s));
  }
}
