/**
 * Served kinds, read from CustomResourceDefinition manifests: the model ({@link
 * io.revisor.apiserver.crd.ResourceDefinition}), the loader that rejects bad manifests naming file and field, and the
 * bundled demo set.
 */
package io.revisor.apiserver.crd;
