package io.revisor.bench.jmh;

import io.revisor.apiserver.crd.DefinitionLoader;
import io.revisor.apiserver.crd.ResourceDefinition;
import io.revisor.apiserver.http.MediaTypes;
import io.revisor.apiserver.http.ObjectRenderer;
import io.revisor.bench.client.Objects1k;
import io.revisor.storage.resource.ListResult;
import io.revisor.storage.resource.StoredObject;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The server's writing of a JSON list body of 10,000 served 1 KiB Dashboards ({@code ObjectRenderer.objectList}, as
 * a list from the watch cache is answered): the items are the stored arrays, shared, not copied.
 */
@State(Scope.Benchmark)
public class ListBenchmark {
  private static final int ITEMS = 10_000;

  private ResourceDefinition dashboards;
  private ListResult page;

  @Setup
  public void setUp() {
    dashboards = DefinitionLoader.bundledDemo().stream()
        .filter(d -> d.names().plural().equals("dashboards")).findFirst().orElseThrow();
    String template = new String(Samples.served(), StandardCharsets.UTF_8);
    List<StoredObject> items = new ArrayList<>(ITEMS);
    for (int i = 0; i < ITEMS; i++) {
      String name = String.format("o-%06d", i);
      byte[] json = template.replace(Samples.NAME, name).getBytes(StandardCharsets.UTF_8);
      items.add(new StoredObject(dashboards.type().key(Samples.NAMESPACE, name), json, 1000 + i));
    }
    page = new ListResult(items, 1000 + ITEMS, null, null);
  }

  @Benchmark
  public Buffer objectListOfTenThousand() {
    return ObjectRenderer.objectList(dashboards, Objects1k.GROUP_VERSION, MediaTypes.Representation.JSON_OBJECT, page);
  }
}
