package io.revisor.storage.resource;

/**
 * Live objects of one resource type in one namespace.
 *
 * @param type the resource type
 * @param namespace the namespace; empty for cluster-scoped types
 * @param count how many objects exist
 * @param latestResourceVersion the revision of the latest change (create, update or delete) in this namespace
 */
public record ResourceStats(ResourceType type, String namespace, long count, long latestResourceVersion) {}
