package io.revisor.storage.kv.etcd;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;

/**
 * How {@link EtcdKvStore} reaches etcd. Build with {@link #builder()} or {@link #of(List)}.
 *
 * @param endpoints client URLs ({@code http://host:port} or {@code https://host:port}); at least one
 * @param caFile PEM bundle trusted for the servers' certificates; null: plain text (or the JVM's defaults over
 *     https)
 * @param certFile PEM client certificate for mutual TLS; null for none (then {@code keyFile} is null too)
 * @param keyFile PEM PKCS#8 private key of {@code certFile}
 * @param requestTimeout the deadline of one SPI call, retries included
 * @param connectTimeout the TCP connect timeout
 * @param maxInboundMessageSize the largest response accepted, in bytes (gRPC's default of 4 MiB is too small
 *     for large lists)
 * @param retry how safe calls are retried
 * @param keepaliveTime how long a connection with calls open (watches) may be silent before the client pings etcd;
 *     an idle connection is not pinged (etcd answers pings without open calls with {@code GOAWAY too_many_pings}),
 *     as kube-apiserver's etcd client does
 * @param scheduler runs backoff delays and timeouts; null: the store owns a daemon scheduler (shut down on close).
 *     An injected scheduler is not shut down by the store.
 */
public record EtcdKvStoreOptions(
    List<String> endpoints,
    Path caFile,
    Path certFile,
    Path keyFile,
    Duration requestTimeout,
    Duration connectTimeout,
    int maxInboundMessageSize,
    Retry retry,
    Duration keepaliveTime,
    ScheduledExecutorService scheduler) {
  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(10);
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
  public static final int DEFAULT_MAX_INBOUND_MESSAGE_SIZE = 64 << 20;
  public static final Duration DEFAULT_KEEPALIVE_TIME = Duration.ofSeconds(30);

  public EtcdKvStoreOptions {
    endpoints = List.copyOf(endpoints);
    if (endpoints.isEmpty()) {
      throw new IllegalArgumentException("at least one etcd endpoint is needed");
    }
    if ((certFile == null) != (keyFile == null)) {
      throw new IllegalArgumentException("a client certificate needs its key and the other way round");
    }
    requirePositive(requestTimeout, "requestTimeout");
    requirePositive(connectTimeout, "connectTimeout");
    if (maxInboundMessageSize <= 0) {
      throw new IllegalArgumentException("maxInboundMessageSize must be positive");
    }
    Objects.requireNonNull(retry, "retry");
    requirePositive(keepaliveTime, "keepaliveTime");
  }

  /** Defaults for everything but the endpoints. */
  public static EtcdKvStoreOptions of(List<String> endpoints) {
    return builder().endpoints(endpoints).build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Whether calls use TLS. */
  public boolean tls() {
    return caFile != null || certFile != null || endpoints.stream().anyMatch(e -> e.startsWith("https://"));
  }

  private static void requirePositive(Duration d, String name) {
    Objects.requireNonNull(d, name);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be positive");
    }
  }

  /**
   * Retries of calls that are safe to repeat (reads, current revision, compaction), with capped exponential backoff
   * and full jitter: before attempt {@code n + 1} the store waits a random time in {@code [0, min(maxBackoff,
   * initialBackoff * 2^(n-1))]}, and never beyond the call's deadline.
   *
   * @param maxAttempts attempts in all, 1 = no retry
   * @param initialBackoff the cap of the first delay
   * @param maxBackoff the largest cap
   */
  public record Retry(int maxAttempts, Duration initialBackoff, Duration maxBackoff) {
    public static final Retry DEFAULT = new Retry(6, Duration.ofMillis(50), Duration.ofSeconds(2));
    public static final Retry NONE = new Retry(1, Duration.ofMillis(1), Duration.ofMillis(1));

    public Retry {
      if (maxAttempts < 1) {
        throw new IllegalArgumentException("maxAttempts must be at least 1");
      }
      requirePositive(initialBackoff, "initialBackoff");
      requirePositive(maxBackoff, "maxBackoff");
      if (maxBackoff.compareTo(initialBackoff) < 0) {
        throw new IllegalArgumentException("maxBackoff must not be below initialBackoff");
      }
    }

    /** The cap of the delay before retry number {@code retry} (1 = the first retry). */
    Duration backoffCap(int retry) {
      int shift = Math.min(Math.max(retry - 1, 0), 30);
      long nanos = initialBackoff.toNanos();
      long capped = nanos > (maxBackoff.toNanos() >> shift) ? maxBackoff.toNanos() : nanos << shift;
      return Duration.ofNanos(Math.min(capped, maxBackoff.toNanos()));
    }
  }

  /** Builds {@link EtcdKvStoreOptions}; everything but the endpoints has a default. */
  public static final class Builder {
    private List<String> endpoints = List.of();
    private Path caFile;
    private Path certFile;
    private Path keyFile;
    private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
    private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
    private int maxInboundMessageSize = DEFAULT_MAX_INBOUND_MESSAGE_SIZE;
    private Retry retry = Retry.DEFAULT;
    private Duration keepaliveTime = DEFAULT_KEEPALIVE_TIME;
    private ScheduledExecutorService scheduler;

    private Builder() {}

    public Builder endpoints(List<String> endpoints) {
      this.endpoints = List.copyOf(endpoints);
      return this;
    }

    public Builder endpoints(String... endpoints) {
      return endpoints(List.of(endpoints));
    }

    /** Trust {@code caFile} for the servers; present {@code certFile}/{@code keyFile} (both or neither). */
    public Builder tls(Path caFile, Path certFile, Path keyFile) {
      this.caFile = caFile;
      this.certFile = certFile;
      this.keyFile = keyFile;
      return this;
    }

    public Builder requestTimeout(Duration requestTimeout) {
      this.requestTimeout = requestTimeout;
      return this;
    }

    public Builder connectTimeout(Duration connectTimeout) {
      this.connectTimeout = connectTimeout;
      return this;
    }

    public Builder maxInboundMessageSize(int bytes) {
      this.maxInboundMessageSize = bytes;
      return this;
    }

    public Builder retry(Retry retry) {
      this.retry = retry;
      return this;
    }

    /** gRPC pings no more often than every 10 s: shorter times act as 10 s. */
    public Builder keepaliveTime(Duration keepaliveTime) {
      this.keepaliveTime = keepaliveTime;
      return this;
    }

    public Builder scheduler(ScheduledExecutorService scheduler) {
      this.scheduler = scheduler;
      return this;
    }

    public EtcdKvStoreOptions build() {
      return new EtcdKvStoreOptions(endpoints, caFile, certFile, keyFile, requestTimeout, connectTimeout,
          maxInboundMessageSize, retry, keepaliveTime, scheduler);
    }
  }
}
