package io.revisor.storage.resource;

import java.util.List;

/**
 * A page of an object's history, newest first.
 *
 * @param entries the changes
 * @param continueToken the token for older changes, or null when there are none
 */
public record HistoryPage(List<HistoryEntry> entries, String continueToken) {
  public HistoryPage {
    entries = List.copyOf(entries);
  }
}
