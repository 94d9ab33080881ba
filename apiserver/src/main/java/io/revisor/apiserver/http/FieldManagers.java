package io.revisor.apiserver.http;

import io.revisor.apiserver.patch.FieldManager;
import io.revisor.apiserver.patch.PatchException;

/** Validation of the {@code fieldManager} parameter, as a Status. */
final class FieldManagers {
  private FieldManagers() {}

  /** Checks {@code fieldManager} (required for apply); kube's 422 naming {@code optionsKind} otherwise. */
  static void validate(ResourceRequest request, String optionsKind, boolean apply) {
    try {
      FieldManager.validateFieldManager(request.query().string("fieldManager"), optionsKind, apply);
    } catch (PatchException e) {
      throw StorageErrors.fromPatch(e, "");
    }
  }
}
