package io.revisor.apiserver.http;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * {@code metadata.managedFields} bookkeeping for every write, and server-side apply. Thread-safe.
 */
public final class ManagedFields {
  /**
   * Records a create ({@code old} null) or update by the request's field manager on {@code updated}, in place.
   */
  public void recordUpdate(ResourceRequest request, ObjectNode old, ObjectNode updated) {
    // Field ownership is wired in by the patch package.
  }
}
