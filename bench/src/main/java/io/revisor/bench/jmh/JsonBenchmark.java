package io.revisor.bench.jmh;

import com.fasterxml.jackson.databind.JsonNode;
import io.revisor.apiserver.json.Json;
import java.io.IOException;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** JSON decoding and encoding of a served 1 KiB object with the server's mapper ({@code apiserver.json.Json}). */
@State(Scope.Benchmark)
public class JsonBenchmark {
  private byte[] bytes;
  private JsonNode tree;

  @Setup
  public void setUp() throws IOException {
    bytes = Samples.served();
    tree = Json.parse(bytes);
  }

  @Benchmark
  public JsonNode decode() throws IOException {
    return Json.parse(bytes);
  }

  @Benchmark
  public byte[] encode() {
    return Json.bytes(tree);
  }
}
