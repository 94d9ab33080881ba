package io.revisor.storage.resource;

import java.util.List;

/** A page of the trash, in key order; {@code continueToken} is null on the last page. */
public record TrashPage(List<TrashEntry> entries, String continueToken) {
  public TrashPage {
    entries = List.copyOf(entries);
  }
}
