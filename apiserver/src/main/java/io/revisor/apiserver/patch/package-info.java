/**
 * PATCH and field ownership for custom resources, on Jackson trees and with kube-apiserver's rules and messages;
 * nothing here knows HTTP.
 *
 * <ul>
 *   <li>{@link io.revisor.apiserver.patch.Patches}: JSON patch (RFC 6902), JSON merge patch (RFC 7386) and the
 *       decoding of server-side apply bodies (YAML or JSON).
 *   <li>{@link io.revisor.apiserver.patch.FieldManager}: {@code metadata.managedFields} for every write and
 *       server-side apply (merge, conflicts, force, removal of fields a manager stops applying), typed by a
 *       {@link io.revisor.apiserver.patch.FieldSchema} derived from the CRD's {@code openAPIV3Schema}.
 *   <li>{@link io.revisor.apiserver.patch.PatchException}: the one failure, carrying the Status code, reason,
 *       message and causes the HTTP layer answers with.
 * </ul>
 *
 * <p>The ownership model follows sigs.k8s.io/structured-merge-diff (field sets, {@code fieldsV1}, compare, merge,
 * prune) and k8s.io/apimachinery's managedfields chain (manager identity, untracked metadata, times, the cap on
 * update managers, kubectl's last-applied upgrade). What differs from kube is listed in {@code apiserver/PATCH.md}.
 */
package io.revisor.apiserver.patch;
