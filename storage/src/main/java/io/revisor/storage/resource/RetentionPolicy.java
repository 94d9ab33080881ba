package io.revisor.storage.resource;

import java.time.Duration;

/**
 * How much history the pruner keeps for one resource type. The current version of a live object is never pruned.
 *
 * @param keepVersions keep at most this many superseded versions per object (0 = no count limit)
 * @param maxAge drop superseded versions that ended longer ago than this (null = no age limit)
 * @param trashTtl drop trash entries older than this (null = keep): the object can then no longer be restored from
 *     the trash; its history keys follow {@code keepVersions} and {@code maxAge} like any other's
 */
public record RetentionPolicy(int keepVersions, Duration maxAge, Duration trashTtl) {
  /** Keep everything forever. */
  public static final RetentionPolicy KEEP_ALL = new RetentionPolicy(0, null, null);

  public RetentionPolicy {
    if (keepVersions < 0) {
      throw new IllegalArgumentException("keepVersions must not be negative");
    }
  }

  public boolean keepsEverything() {
    return keepVersions == 0 && maxAge == null && trashTtl == null;
  }
}
