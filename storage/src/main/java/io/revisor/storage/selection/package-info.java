/**
 * Label and field selection of objects, with Kubernetes' selector syntax. The store evaluates an
 * {@link io.revisor.storage.selection.ObjectPredicate} against the {@link io.revisor.storage.selection.ObjectAttributes}
 * it extracts from each object.
 */
package io.revisor.storage.selection;
