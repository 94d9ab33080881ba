package io.revisor.bench.jmh;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.revisor.apiserver.crd.DefinitionLoader;
import io.revisor.apiserver.crd.ResourceDefinition;
import io.revisor.apiserver.json.Json;
import io.revisor.apiserver.table.IncludeObject;
import io.revisor.apiserver.table.TableConvertor;
import java.io.IOException;
import java.time.Clock;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Server-side printing ({@code as=Table}) with the demo Dashboard's printer columns: one object, and a list of 100,
 * each rendered and encoded to JSON bytes as a response would be.
 */
@State(Scope.Benchmark)
public class TableBenchmark {
  private TableConvertor convertor;
  private JsonNode object;
  private JsonNode list;

  @Setup
  public void setUp() throws IOException {
    ResourceDefinition dashboards = DefinitionLoader.bundledDemo().stream()
        .filter(d -> d.names().plural().equals("dashboards")).findFirst().orElseThrow();
    convertor = TableConvertor.forVersion(dashboards.storageVersion(), Clock.systemUTC());
    object = Json.parse(Samples.served());
    ObjectNode l = Json.object();
    l.put("apiVersion", "demo.revisor.io/v1").put("kind", "DashboardList").putObject("metadata")
        .put("resourceVersion", "123456");
    ArrayNode items = l.putArray("items");
    for (int i = 0; i < 100; i++) {
      items.add(object.deepCopy());
    }
    list = l;
  }

  @Benchmark
  public byte[] tableOfOne() {
    return Json.bytes(convertor.tableForObject(object, IncludeObject.METADATA));
  }

  @Benchmark
  public byte[] tableOfHundred() {
    return Json.bytes(convertor.tableForList(list, IncludeObject.METADATA));
  }
}
