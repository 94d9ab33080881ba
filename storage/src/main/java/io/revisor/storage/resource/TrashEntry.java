package io.revisor.storage.resource;

import java.time.Instant;

/**
 * A deleted object that can be restored.
 *
 * @param key the object's identity
 * @param deletedRevision the revision of the deletion
 * @param deletedBy who deleted it
 * @param deletedAt when
 * @param lastState the object as it was before the deletion (its own resourceVersion)
 */
public record TrashEntry(ObjectKey key, long deletedRevision, String deletedBy, Instant deletedAt, StoredObject lastState) {}
