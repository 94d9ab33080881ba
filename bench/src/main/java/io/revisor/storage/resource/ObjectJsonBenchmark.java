package io.revisor.storage.resource;

import io.revisor.bench.jmh.Samples;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The store's own JSON work per object ({@link ObjectJson}, package-private, hence this package): normalizing a
 * written object to its storage form, and splicing the resourceVersion into a stored one on every read.
 */
@State(Scope.Benchmark)
public class ObjectJsonBenchmark {
  private ObjectKey key;
  private byte[] written;
  private byte[] stored;

  @Setup
  public void setUp() {
    key = ResourceType.namespaced("demo.revisor.io", "dashboards").key(Samples.NAMESPACE, Samples.NAME);
    written = Samples.served();
    stored = ObjectJson.normalize(key, written);
  }

  @Benchmark
  public byte[] normalize() {
    return ObjectJson.normalize(key, written);
  }

  @Benchmark
  public byte[] withResourceVersion() {
    return ObjectJson.withResourceVersion(stored, 123_456_789L);
  }
}
