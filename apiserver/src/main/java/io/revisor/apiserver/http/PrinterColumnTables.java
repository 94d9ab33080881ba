package io.revisor.apiserver.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.revisor.apiserver.crd.ServedVersion;
import io.revisor.apiserver.json.Json;
import io.revisor.apiserver.table.IncludeObject;
import io.revisor.apiserver.table.ListMeta;
import io.revisor.apiserver.table.TableConvertor;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Tables from each served version's printer columns (Name first, then the definition's columns), with the {@code
 * includeObject} parameter of the request. One convertor per served version, built on first use. Thread-safe.
 */
final class PrinterColumnTables implements TableRenderer {
  private final Clock clock;
  private final Map<ServedVersion, TableConvertor> convertors = new ConcurrentHashMap<>();

  PrinterColumnTables(Clock clock) {
    this.clock = clock;
  }

  @Override
  public ObjectNode table(ResourceRequest request, MediaTypes.Representation as, List<ObjectNode> objects,
      ObjectNode listMetadata, boolean withColumnDefinitions) {
    IncludeObject include;
    try {
      include = IncludeObject.parse(request.query().string("includeObject"));
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest(e.getMessage());
    }
    TableConvertor convertor = convertors.computeIfAbsent(request.version(), v -> TableConvertor.forVersion(v, clock));
    ListMeta meta = listMetadata != null
        ? ListMeta.of(Json.object().set("metadata", listMetadata))
        : objects.size() == 1 ? ListMeta.of(objects.get(0)) : ListMeta.EMPTY;
    ObjectNode table = convertor.table(objects, meta, include, withColumnDefinitions);
    table.put("apiVersion", "meta.k8s.io/" + as.metaVersion());
    return table;
  }
}
