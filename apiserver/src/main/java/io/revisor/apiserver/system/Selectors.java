package io.revisor.apiserver.system;

import io.revisor.apiserver.http.ResourceRequest;
import io.revisor.storage.selection.FieldSelector;

/** What a request's field selector pins down. */
final class Selectors {
  private Selectors() {}

  /**
   * The value {@code field} must equal under the request's {@code fieldSelector} ({@code field=value} or {@code
   * field==value}), or null when it is not pinned. The selector itself is validated by the list and watch handlers.
   */
  static String equality(ResourceRequest request, String field) {
    FieldSelector selector;
    try {
      selector = FieldSelector.parse(request.query().string("fieldSelector"));
    } catch (IllegalArgumentException e) {
      return null;
    }
    for (FieldSelector.Requirement requirement : selector.requirements()) {
      if (requirement.field().equals(field) && requirement.operator() == FieldSelector.Operator.EQUALS) {
        return requirement.value();
      }
    }
    return null;
  }
}
