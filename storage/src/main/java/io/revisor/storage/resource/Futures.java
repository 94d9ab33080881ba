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
  static <T> CompletableFuture<T> call(java.util.function.Supplier<? extends CompletionStage<T>> work) {
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

  /**
   * Translates any failure into a {@link StorageException}, the only failure the store reports, except what a
   * caller's own function threw ({@link CallerFailure}), which reaches the caller unchanged.
   */
  static <T> CompletableFuture<T> translated(CompletableFuture<T> future) {
    return future.handle((value, error) -> {
      if (error != null) {
        for (Throwable t = error; t != null; t = t.getCause()) {
          if (t instanceof CallerFailure caller) {
            throw caller.thrown();
          }
        }
        throw StorageException.from(error);
      }
      return value;
    });
  }

  /** Carries an exception thrown by a caller's function through the store's stages, to be rethrown as it was. */
  static final class CallerFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    CallerFailure(RuntimeException thrown) {
      super(thrown.getMessage(), thrown, false, false);
    }

    RuntimeException thrown() {
      return (RuntimeException) getCause();
    }
  }

  /** Runs a caller's function; what it throws (other than a StorageException) is marked as the caller's. */
  static <T> T callerFunction(java.util.function.Supplier<T> function) {
    try {
      return function.get();
    } catch (StorageException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new CallerFailure(e);
    }
  }
}
