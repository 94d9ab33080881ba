package io.revisor.storage.resource;

import java.util.List;

/**
 * One page of a list.
 *
 * @param items the objects, in key order (namespace, then name)
 * @param resourceVersion the revision the whole list is consistent at (for the first page of a latest read: the
 *     store's revision at the read, which may exceed every item's resourceVersion)
 * @param continueToken the token for the next page, or null when this is the last page
 * @param remainingItemCount how many objects follow this page, when known exactly (no selector); otherwise null
 */
public record ListResult(List<StoredObject> items, long resourceVersion, String continueToken, Long remainingItemCount) {
  public ListResult {
    items = List.copyOf(items);
  }
}
