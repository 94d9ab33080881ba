package io.revisor.apiserver.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.revisor.apiserver.metrics.ApiMetrics;
import io.revisor.apiserver.table.IncludeObject;
import io.revisor.apiserver.table.ListMeta;
import io.revisor.apiserver.table.TableConvertor;
import io.revisor.apiserver.table.TableRow;
import io.revisor.storage.resource.ObjectKey;
import io.revisor.storage.resource.ResourceType;
import io.revisor.storage.resource.StoredObject;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Tables from each served version's printer columns (Name first, then the definition's columns), with the {@code
 * includeObject} parameter of the request. One convertor per served version, built on first use.
 *
 * <p>Rows of stored objects are kept in a cache bounded by weight (about the bytes the rows hold), keyed by the
 * object's key and resourceVersion, the served version and {@code includeObject}. A resourceVersion names one content
 * of one object, so an entry never goes stale and is never invalidated: it is only evicted. Rows hold the ages of date
 * columns as instants, so a reused row still shows the age of the moment it is written. Decoding an object and
 * evaluating its columns then happens once per object version however many lists and Table watches (kubectl get -w)
 * show it; the cache reports {@code cache_*{cache="table_rows"}} metrics. Thread-safe.
 */
final class PrinterColumnTables implements TableRenderer {
  /** The served version of a kind. */
  private record Version(ResourceType type, String name) {}

  /** One object version shown one way. */
  private record RowKey(ObjectKey object, long resourceVersion, String version, IncludeObject include) {}

  private final Clock clock;
  private final Map<Version, TableConvertor> convertors = new ConcurrentHashMap<>();
  /** Null when rows are not kept. */
  private final Cache<RowKey, TableRow> rows;

  /**
   * @param rowCacheBytes the weight the kept rows may reach; 0 keeps none
   * @param metrics where the row cache reports its hits, misses, size and evictions
   */
  PrinterColumnTables(Clock clock, long rowCacheBytes, ApiMetrics metrics) {
    this.clock = clock;
    if (rowCacheBytes > 0) {
      this.rows = Caffeine.newBuilder()
          .maximumWeight(rowCacheBytes)
          .weigher((RowKey key, TableRow row) -> row.weight())
          .recordStats()
          .build();
      metrics.cache("table_rows", rows);
    } else {
      this.rows = null;
    }
  }

  @Override
  public byte[] object(
      ResourceRequest request, MediaTypes.Representation as, byte[] json, boolean withColumnDefinitions) {
    IncludeObject include = include(request);
    TableConvertor convertor = convertor(request);
    byte[] served = ObjectRenderer.objectBytes(request, json);
    JsonNode object = ObjectRenderer.decode(served);
    return convertor.table(List.of(convertor.prepare(served, object, include)), ListMeta.of(object),
        withColumnDefinitions, "meta.k8s.io/" + as.metaVersion());
  }

  @Override
  public byte[] stored(ResourceRequest request, MediaTypes.Representation as, List<StoredObject> objects,
      ListMeta meta, boolean withColumnDefinitions, boolean reuseRows) {
    IncludeObject include = include(request);
    TableConvertor convertor = convertor(request);
    List<TableRow> prepared = new ArrayList<>(objects.size());
    for (StoredObject object : objects) {
      prepared.add(rows == null || !reuseRows
          ? prepare(request, convertor, object.json(), include)
          : rows.get(new RowKey(object.key(), object.resourceVersion(), request.version().name(), include),
              key -> prepare(request, convertor, object.json(), include)));
    }
    return convertor.table(prepared, meta, withColumnDefinitions, "meta.k8s.io/" + as.metaVersion());
  }

  private static TableRow prepare(ResourceRequest request, TableConvertor convertor, byte[] json,
      IncludeObject include) {
    byte[] served = ObjectRenderer.objectBytes(request, json);
    return convertor.prepare(served, ObjectRenderer.decode(served), include);
  }

  private TableConvertor convertor(ResourceRequest request) {
    // Keyed by names: a ServedVersion's own hash walks its whole schema.
    return convertors.computeIfAbsent(new Version(request.type(), request.version().name()),
        v -> TableConvertor.forVersion(request.version(), clock));
  }

  private static IncludeObject include(ResourceRequest request) {
    try {
      return IncludeObject.parse(request.query().string("includeObject"));
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest(e.getMessage());
    }
  }
}
