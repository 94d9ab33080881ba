package io.revisor.apiserver.http;

/**
 * PATCH of an object or its {@code /status}: JSON patch, merge patch and server-side apply; strategic merge patch is
 * a 415, as for custom resources.
 */
final class PatchHandler {
  private final ApiContext api;
  private final Updater updater;
  private final CreateHandler creator;

  PatchHandler(ApiContext api, Updater updater, CreateHandler creator) {
    this.api = api;
    this.updater = updater;
    this.creator = creator;
  }

  void handle(ResourceRequest request) {
    throw ApiException.unsupportedMediaType("patch is wired in by the patch package");
  }
}
