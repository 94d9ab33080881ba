/**
 * Revisor's own kinds in {@code revisor.io/v1}: Revision (history), DeletedObject (trash), Restore, ResourceStats and
 * StorageQuota. They are declared by bundled CustomResourceDefinitions, so discovery, OpenAPI, Tables and every
 * request parameter come from the generic machinery; what is special about each is a {@link
 * io.revisor.apiserver.http.KindView}: the store its requests see. {@link SystemKinds} assembles them.
 */
package io.revisor.apiserver.system;
