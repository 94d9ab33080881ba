package io.revisor.storage.resource;

/** What made a version, or what ended it. */
public enum Action {
  CREATED,
  UPDATED,
  DELETED,
  RESTORED;

  /** The lower-case name used in the API ({@code created}, ...). */
  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
