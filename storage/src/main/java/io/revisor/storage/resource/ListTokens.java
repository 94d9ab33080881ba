package io.revisor.storage.resource;

/**
 * The continue tokens of a store's lists, shared with a cache in front of it: a token either one issues, the other
 * accepts, so a client paging through a list never notices which of the two answered a page. Thread-safe.
 */
public interface ListTokens {
  /** Where a page starts: at the first object at or after ({@code namespace}, {@code name}) in key order. */
  record Position(long revision, String namespace, String name) {}

  /** The token of the page after {@code last}, in a list at {@code revision}. */
  String after(long revision, ObjectKey last);

  /**
   * Decodes a token of a list of {@code type} in {@code namespace} (null: all namespaces).
   *
   * @throws StorageException INVALID with a message starting {@code invalid continue token} when the token is
   *     malformed, tampered with, or was issued for another list
   */
  Position decode(ResourceType type, String namespace, String token);
}
