package io.revisor.storage.resource;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Function;

/**
 * Settings of {@link Maintenance}.
 *
 * @param keyPrefix the store's key prefix (as in {@link ResourceStoreOptions})
 * @param clock the clock for retention ages and leases
 * @param holderId this replica's identity in the pruner lease (default: a random id)
 * @param compactionInterval how often to compact the backend (as kube-apiserver: 5 minutes); zero disables
 * @param pruneInterval how often to apply retention and collect orphaned chunks; zero disables
 * @param leaseDuration how long a replica holds the pruner lease; another replica takes over after it expires
 * @param retention the retention policy of each resource type
 */
public record MaintenanceOptions(
    String keyPrefix,
    Clock clock,
    String holderId,
    Duration compactionInterval,
    Duration pruneInterval,
    Duration leaseDuration,
    Function<ResourceType, RetentionPolicy> retention) {
  public MaintenanceOptions {
    Objects.requireNonNull(keyPrefix, "keyPrefix");
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(holderId, "holderId");
    Objects.requireNonNull(compactionInterval, "compactionInterval");
    Objects.requireNonNull(pruneInterval, "pruneInterval");
    Objects.requireNonNull(leaseDuration, "leaseDuration");
    Objects.requireNonNull(retention, "retention");
  }

  /** Production defaults: compaction every 5 minutes, pruning every 10, a 1-minute lease, keep everything. */
  public static MaintenanceOptions defaults(String keyPrefix) {
    return new MaintenanceOptions(keyPrefix, Clock.systemUTC(), UUID.randomUUID().toString(),
        Duration.ofMinutes(5), Duration.ofMinutes(10), Duration.ofMinutes(1), type -> RetentionPolicy.KEEP_ALL);
  }

  public MaintenanceOptions withRetention(Function<ResourceType, RetentionPolicy> retention) {
    return new MaintenanceOptions(keyPrefix, clock, holderId, compactionInterval, pruneInterval, leaseDuration,
        retention);
  }

  public MaintenanceOptions withClock(Clock clock) {
    return new MaintenanceOptions(keyPrefix, clock, holderId, compactionInterval, pruneInterval, leaseDuration,
        retention);
  }

  public MaintenanceOptions withHolderId(String holderId) {
    return new MaintenanceOptions(keyPrefix, clock, holderId, compactionInterval, pruneInterval, leaseDuration,
        retention);
  }

  public MaintenanceOptions withIntervals(Duration compaction, Duration prune) {
    return new MaintenanceOptions(keyPrefix, clock, holderId, compaction, prune, leaseDuration, retention);
  }
}
