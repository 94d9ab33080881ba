package io.revisor.storage.resource;

/**
 * What a cache in front of a store needs to prove that it is current: a consistent read of the store's revision, and
 * of the latest change of one resource type after the cache's own revision.
 *
 * @param revision the store's revision at the read (a quorum read)
 * @param latestChange the revision of the latest change of the type after the revision asked about, when one is known
 *     ({@code 0}: none). A cache that has every change of the type up to this revision is exact at {@link #revision}
 */
public record Freshness(long revision, long latestChange) {
  /** No proof: anything may have changed up to {@code revision}. */
  public static Freshness unknown(long revision) {
    return new Freshness(revision, revision);
  }
}
