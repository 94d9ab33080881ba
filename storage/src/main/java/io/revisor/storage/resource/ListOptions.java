package io.revisor.storage.resource;

import io.revisor.storage.selection.ObjectPredicate;
import java.util.Objects;

/**
 * What to list.
 *
 * @param namespace one namespace, or null for all namespaces (and for cluster-scoped types)
 * @param predicate label and field selection; pages keep filling until {@code limit} objects match
 * @param limit at most this many objects per page (0 = all, still read from the backend in bounded batches)
 * @param continueToken the token of the previous page, or null for the first page
 * @param revision list the state exactly as of this revision (0 = the latest, a consistent read); ignored when a
 *     continue token is given, which carries the first page's revision
 * @param notOlderThan with {@code revision} 0: 0 demands a consistent read (every change committed before the call
 *     is in the answer); otherwise the state at any revision at or after this one will do, so that a cache may answer
 *     (Kubernetes' {@code resourceVersion=N} "not older than"; its {@code resourceVersion=0} "any" is 1)
 */
public record ListOptions(
    String namespace, ObjectPredicate predicate, long limit, String continueToken, long revision,
    long notOlderThan) {
  /** {@link #notOlderThan} for "any state will do": every revision is at least 1. */
  public static final long ANY = 1;

  public ListOptions {
    predicate = Objects.requireNonNullElse(predicate, ObjectPredicate.EVERYTHING);
    if (limit < 0 || revision < 0 || notOlderThan < 0) {
      throw StorageException.invalid("limit and revisions must not be negative");
    }
  }

  /** A consistent read ({@code notOlderThan} 0). */
  public ListOptions(String namespace, ObjectPredicate predicate, long limit, String continueToken, long revision) {
    this(namespace, predicate, limit, continueToken, revision, 0);
  }

  public static ListOptions all() {
    return new ListOptions(null, ObjectPredicate.EVERYTHING, 0, null, 0);
  }

  public static ListOptions inNamespace(String namespace) {
    return new ListOptions(namespace, ObjectPredicate.EVERYTHING, 0, null, 0);
  }

  public ListOptions withLimit(long limit) {
    return new ListOptions(namespace, predicate, limit, continueToken, revision, notOlderThan);
  }

  public ListOptions withContinue(String token) {
    return new ListOptions(namespace, predicate, limit, token, revision, notOlderThan);
  }

  public ListOptions atRevision(long revision) {
    return new ListOptions(namespace, predicate, limit, continueToken, revision, notOlderThan);
  }

  public ListOptions matching(ObjectPredicate predicate) {
    return new ListOptions(namespace, predicate, limit, continueToken, revision, notOlderThan);
  }

  /** Any state at or after {@code revision} will do (1 = any state); see {@link #notOlderThan}. */
  public ListOptions notOlderThan(long revision) {
    return new ListOptions(namespace, predicate, limit, continueToken, this.revision, revision);
  }
}
