package io.revisor.storage.selection;

import java.util.Set;

/** Decides whether an object is selected. Implementations are immutable and thread-safe. */
public interface ObjectPredicate {
  /** Selects every object. */
  ObjectPredicate EVERYTHING = new ObjectPredicate() {
    @Override
    public boolean matches(ObjectAttributes attributes) {
      return true;
    }

    @Override
    public boolean isEverything() {
      return true;
    }

    @Override
    public String toString() {
      return "everything";
    }
  };

  boolean matches(ObjectAttributes attributes);

  /** Whether this predicate selects every object, so that callers can skip evaluating it. */
  default boolean isEverything() {
    return false;
  }

  /**
   * The dotted field paths (beyond {@code metadata.name} and {@code metadata.namespace}) whose values
   * {@link #matches} reads from {@link ObjectAttributes#fields()}.
   */
  default Set<String> fieldPaths() {
    return Set.of();
  }

  /**
   * The single object name this predicate is restricted to ({@code metadata.name=NAME}), or null. Lets the store
   * turn a single-object watch or list into a single-key read.
   */
  default String singleName() {
    return null;
  }
}
