package io.revisor.storage.resource;

import io.revisor.bench.jmh.Samples;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Key encoding ({@link KeyLayout}, package-private, hence this package): the current and history keys of an object,
 * and parsing a current key back, as lists and watches do for every key they read.
 */
@State(Scope.Benchmark)
public class KeyLayoutBenchmark {
  private KeyLayout layout;
  private ResourceType type;
  private ObjectKey key;
  private String current;

  @Setup
  public void setUp() {
    layout = new KeyLayout("/revisor");
    type = ResourceType.namespaced("demo.revisor.io", "dashboards");
    key = type.key(Samples.NAMESPACE, Samples.NAME);
    current = layout.current(key);
  }

  @Benchmark
  public String currentKey() {
    return layout.current(key);
  }

  @Benchmark
  public String historyKey() {
    return layout.history(key, 123_456_789L);
  }

  @Benchmark
  public ObjectKey parseCurrentKey() {
    return layout.parseCurrent(type, current);
  }
}
