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
 */
public record ListOptions(
    String namespace, ObjectPredicate predicate, long limit, String continueToken, long revision) {
  public ListOptions {
    predicate = Objects.requireNonNullElse(predicate, ObjectPredicate.EVERYTHING);
    if (limit < 0 || revision < 0) {
      throw StorageException.invalid("limit and revision must not be negative");
    }
  }

  public static ListOptions all() {
    return new ListOptions(null, ObjectPredicate.EVERYTHING, 0, null, 0);
  }

  public static ListOptions inNamespace(String namespace) {
    return new ListOptions(namespace, ObjectPredicate.EVERYTHING, 0, null, 0);
  }

  public ListOptions withLimit(long limit) {
    return new ListOptions(namespace, predicate, limit, continueToken, revision);
  }

  public ListOptions withContinue(String token) {
    return new ListOptions(namespace, predicate, limit, token, revision);
  }

  public ListOptions atRevision(long revision) {
    return new ListOptions(namespace, predicate, limit, continueToken, revision);
  }

  public ListOptions matching(ObjectPredicate predicate) {
    return new ListOptions(namespace, predicate, limit, continueToken, revision);
  }
}
