package io.revisor.storage.resource;

import java.time.Instant;

/**
 * One change in an object's history: a version, or the deletion that ended one.
 *
 * @param resourceVersion the revision of the change
 * @param action created, updated or restored for a version; deleted for a deletion
 * @param user who made the change
 * @param time when the change was made (the server's clock)
 * @param object the version (resourceVersion = the version's revision); for a deletion, the last state with
 *     resourceVersion = the deletion revision
 */
public record HistoryEntry(long resourceVersion, Action action, String user, Instant time, StoredObject object) {}
