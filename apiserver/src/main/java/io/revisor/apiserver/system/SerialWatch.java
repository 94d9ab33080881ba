package io.revisor.apiserver.system;

import io.revisor.storage.resource.ResourceWatch;
import io.revisor.storage.resource.ResourceWatchListener;
import io.revisor.storage.resource.StorageException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * A watch of computed objects fed by a source watch: each source event becomes the listener's events through an
 * asynchronous step (a lookup), and the steps run one at a time so that events keep the source's order. A failed step
 * ends the watch with its error, and so does the end of the source; the listener hears {@code onClose} once. Closing
 * it closes the source. Thread-safe.
 */
abstract class SerialWatch implements ResourceWatch, ResourceWatchListener {
  protected final ResourceWatchListener listener;
  private CompletableFuture<Void> delivered = CompletableFuture.completedFuture(null);
  private ResourceWatch source;
  private boolean closed;

  SerialWatch(ResourceWatchListener listener) {
    this.listener = listener;
  }

  /** Makes {@code watch} the source; closes it at once when this watch has already ended. */
  final void attach(ResourceWatch watch) {
    synchronized (this) {
      if (!closed) {
        source = watch;
        return;
      }
    }
    watch.close();
  }

  /** Runs {@code step} after every earlier one; a failed step ends the watch with its error. */
  final synchronized void then(Supplier<CompletionStage<Void>> step) {
    delivered = delivered.thenCompose(v -> step.get()).exceptionally(failure -> {
      end(StorageException.from(failure));
      return null;
    });
  }

  /** Whether the watch has ended or was closed: nothing more goes to the listener. */
  final synchronized boolean closed() {
    return closed;
  }

  @Override
  public void onClose(StorageException error) {
    then(() -> {
      end(error);
      return CompletableFuture.completedFuture(null);
    });
  }

  /** Ends the watch: closes the source and tells the listener, unless it has ended already. */
  final void end(StorageException error) {
    ResourceWatch watch;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      watch = source;
    }
    if (watch != null) {
      watch.close();
    }
    listener.onClose(error);
  }

  @Override
  public void close() {
    ResourceWatch watch;
    synchronized (this) {
      closed = true;
      watch = source;
    }
    if (watch != null) {
      watch.close();
    }
  }
}
