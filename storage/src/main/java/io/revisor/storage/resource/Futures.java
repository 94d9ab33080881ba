package io.revisor.storage.resource;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** Small helpers for composing stages. */
final class Futures {
  private Futures() {}

  static <T> CompletableFuture<T> failed(Throwable t) {
    return CompletableFuture.failedFuture(t);
  }

  static <T> CompletableFuture<T> of(CompletionStage<T> stage) {
    return stage.toCompletableFuture();
  }

  /** Runs {@code work} and turns a synchronous throw into a failed stage. */
  static <T> CompletableFuture<T> call(java.util.function.Supplier<CompletionStage<T>> work) {
    try {
      return work.get().toCompletableFuture();
    } catch (RuntimeException e) {
      return failed(e);
    }
  }

  /** All results in order, or the first failure. */
  static <T> CompletableFuture<List<T>> all(List<CompletableFuture<T>> futures) {
    return CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new))
        .thenApply(ignored -> {
          List<T> results = new ArrayList<>(futures.size());
          for (CompletableFuture<T> f : futures) {
            results.add(f.join());
          }
          return results;
        });
  }

  /** Translates any failure into a {@link StorageException}, the only failure the store reports. */
  static <T> CompletableFuture<T> translated(CompletableFuture<T> future) {
    return future.handle((value, error) -> {
      if (error != null) {
        throw StorageException.from(error);
      }
      return value;
    });
  }
}
