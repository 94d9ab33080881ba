package io.revisor.storage.kv.embedded;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How to open an {@link EmbeddedKvStore}.
 *
 * @param directory where the store keeps its file; created if missing
 * @param maxRequestBytes the largest transaction accepted, counting the bytes of its keys and values; etcd's default
 *     {@code --max-request-bytes} (1.5 MiB) so that callers see the same VALUE_TOO_LARGE on both backends
 * @param requestTimeout the bound of every call; a call still pending after it fails with TIMEOUT
 * @param progressNotifyInterval how often watches that asked for progress notifications receive one
 */
public record EmbeddedKvStoreOptions(
    Path directory, int maxRequestBytes, Duration requestTimeout, Duration progressNotifyInterval) {
  /** etcd's default request size limit. */
  public static final int DEFAULT_MAX_REQUEST_BYTES = 1_572_864;

  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(10);

  public static final Duration DEFAULT_PROGRESS_NOTIFY_INTERVAL = Duration.ofMinutes(10);

  public EmbeddedKvStoreOptions {
    Objects.requireNonNull(directory, "directory");
    Objects.requireNonNull(requestTimeout, "requestTimeout");
    Objects.requireNonNull(progressNotifyInterval, "progressNotifyInterval");
    if (maxRequestBytes <= 0 || requestTimeout.isNegative() || requestTimeout.isZero()
        || progressNotifyInterval.isNegative() || progressNotifyInterval.isZero()) {
      throw new IllegalArgumentException("limits, timeouts and intervals must be positive");
    }
  }

  /** The defaults, storing in {@code directory}. */
  public static EmbeddedKvStoreOptions defaults(Path directory) {
    return new EmbeddedKvStoreOptions(
        directory, DEFAULT_MAX_REQUEST_BYTES, DEFAULT_REQUEST_TIMEOUT, DEFAULT_PROGRESS_NOTIFY_INTERVAL);
  }

  public EmbeddedKvStoreOptions withMaxRequestBytes(int maxRequestBytes) {
    return new EmbeddedKvStoreOptions(directory, maxRequestBytes, requestTimeout, progressNotifyInterval);
  }

  public EmbeddedKvStoreOptions withRequestTimeout(Duration requestTimeout) {
    return new EmbeddedKvStoreOptions(directory, maxRequestBytes, requestTimeout, progressNotifyInterval);
  }

  public EmbeddedKvStoreOptions withProgressNotifyInterval(Duration progressNotifyInterval) {
    return new EmbeddedKvStoreOptions(directory, maxRequestBytes, requestTimeout, progressNotifyInterval);
  }
}
