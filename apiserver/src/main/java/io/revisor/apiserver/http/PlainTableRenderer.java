package io.revisor.apiserver.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.revisor.apiserver.json.Json;
import java.util.List;

/** A Table with the Name column only; replaced by the printer-column renderer of the table package. */
final class PlainTableRenderer implements TableRenderer {
  @Override
  public ObjectNode table(ResourceRequest request, MediaTypes.Representation as, List<ObjectNode> objects,
      ObjectNode listMetadata, boolean withColumnDefinitions) {
    ObjectNode table = Json.object();
    table.put("kind", "Table").put("apiVersion", "meta.k8s.io/" + as.metaVersion());
    table.set("metadata", listMetadata == null ? Json.object() : listMetadata);
    ArrayNode columns = table.putArray("columnDefinitions");
    if (withColumnDefinitions) {
      columns.addObject().put("name", "Name").put("type", "string").put("format", "name").put("description", "").put("priority", 0);
    }
    ArrayNode rows = table.putArray("rows");
    for (ObjectNode object : objects) {
      ObjectNode row = rows.addObject();
      row.putArray("cells").add(object.path("metadata").path("name").asText());
      row.set("object", ObjectRenderer.partial(as, object));
    }
    return table;
  }
}
