package io.revisor.storage.resource;

import java.time.Clock;
import java.util.Objects;

/**
 * Settings of a {@link ResourceStore}. Build with {@link #builder()}; every setting has a production default.
 *
 * @param keyPrefix the prefix of every key (default {@code /revisor})
 * @param clock the clock that stamps versions (who changed what, when)
 * @param inlineLimit bodies up to this many bytes are stored in the object's key; larger ones as chunks. Kept well
 *     under half of etcd's 1.5 MiB request limit, because an update writes the new and the old version in one
 *     transaction, and small enough that a list batch stays under the client's response limit
 * @param chunkSize the size of each chunk of a large body
 * @param maxObjectBytes objects larger than this are refused with TOO_LARGE
 * @param listBatchSize keys read per backend request when listing
 * @param maxUpdateAttempts compare-and-swap attempts of one guaranteed update before it gives up with CONFLICT
 * @param watchQueueLimit events a watcher may fall behind before it is ended with TOO_SLOW
 * @param counterShards the most counter shards this store writes per resource type and namespace: as many
 *     mutations of one namespace can commit at once without contending for a shard (default 64). Shards are created
 *     as concurrency needs them; stats read every shard present, whatever this setting was when it was written
 */
public record ResourceStoreOptions(
    String keyPrefix,
    Clock clock,
    int inlineLimit,
    int chunkSize,
    long maxObjectBytes,
    int listBatchSize,
    int maxUpdateAttempts,
    int watchQueueLimit,
    int counterShards) {
  public ResourceStoreOptions {
    Objects.requireNonNull(keyPrefix, "keyPrefix");
    Objects.requireNonNull(clock, "clock");
    if (inlineLimit <= 0 || chunkSize <= 0 || maxObjectBytes <= 0 || listBatchSize <= 0 || maxUpdateAttempts <= 0
        || watchQueueLimit <= 0 || counterShards <= 0 || counterShards > 1000) {
      throw new IllegalArgumentException("sizes and limits must be positive (and counterShards at most 1000)");
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  public static ResourceStoreOptions defaults() {
    return builder().build();
  }

  /** Builder with the defaults documented on {@link ResourceStoreOptions}. */
  public static final class Builder {
    private String keyPrefix = "/revisor";
    private Clock clock = Clock.systemUTC();
    private int inlineLimit = 128 * 1024;
    private int chunkSize = 1024 * 1024;
    private long maxObjectBytes = 64L * 1024 * 1024;
    private int listBatchSize = 250;
    private int maxUpdateAttempts = 100;
    private int watchQueueLimit = 10_000;
    private int counterShards = 64;

    public Builder keyPrefix(String keyPrefix) {
      this.keyPrefix = keyPrefix;
      return this;
    }

    public Builder clock(Clock clock) {
      this.clock = clock;
      return this;
    }

    public Builder inlineLimit(int inlineLimit) {
      this.inlineLimit = inlineLimit;
      return this;
    }

    public Builder chunkSize(int chunkSize) {
      this.chunkSize = chunkSize;
      return this;
    }

    public Builder maxObjectBytes(long maxObjectBytes) {
      this.maxObjectBytes = maxObjectBytes;
      return this;
    }

    public Builder listBatchSize(int listBatchSize) {
      this.listBatchSize = listBatchSize;
      return this;
    }

    public Builder maxUpdateAttempts(int maxUpdateAttempts) {
      this.maxUpdateAttempts = maxUpdateAttempts;
      return this;
    }

    public Builder watchQueueLimit(int watchQueueLimit) {
      this.watchQueueLimit = watchQueueLimit;
      return this;
    }

    public Builder counterShards(int counterShards) {
      this.counterShards = counterShards;
      return this;
    }

    public ResourceStoreOptions build() {
      return new ResourceStoreOptions(
          keyPrefix, clock, inlineLimit, chunkSize, maxObjectBytes, listBatchSize, maxUpdateAttempts,
          watchQueueLimit, counterShards);
    }
  }
}
