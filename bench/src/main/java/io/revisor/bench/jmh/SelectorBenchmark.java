package io.revisor.bench.jmh;

import io.revisor.storage.selection.ObjectAttributes;
import io.revisor.storage.selection.ObjectPredicate;
import io.revisor.storage.selection.SelectionPredicate;
import java.util.Map;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** Label and field selectors: parsing a request's selectors, and matching one object's attributes. */
@State(Scope.Benchmark)
public class SelectorBenchmark {
  static final String LABELS = "app=web,tier in (frontend,backend),!canary,release notin (alpha)";
  static final String FIELDS = "spec.folder=bench,metadata.name!=other";

  private ObjectPredicate predicate;
  private ObjectAttributes attributes;

  @Setup
  public void setUp() {
    predicate = SelectionPredicate.parse(LABELS, FIELDS);
    attributes = new ObjectAttributes(Samples.NAME, Samples.NAMESPACE,
        Map.of("app", "web", "tier", "frontend", "release", "stable"),
        Map.of("metadata.name", Samples.NAME, "metadata.namespace", Samples.NAMESPACE, "spec.folder", "bench"));
    if (!predicate.matches(attributes)) {
      throw new IllegalStateException("the sample must match, so that every requirement is evaluated");
    }
  }

  @Benchmark
  public ObjectPredicate parse() {
    return SelectionPredicate.parse(LABELS, FIELDS);
  }

  @Benchmark
  public boolean matches() {
    return predicate.matches(attributes);
  }
}
