/**
 * Discovery documents: what a client fetches to learn which groups, versions and resources this server has, and
 * which Kubernetes version it speaks.
 *
 * <p>{@link io.revisor.apiserver.discovery.Discovery} builds, once per {@link
 * io.revisor.apiserver.crd.ResourceRegistry}, the legacy {@code APIGroupList}, {@code APIGroup} and {@code
 * APIResourceList} documents and the aggregated {@code apidiscovery.k8s.io} {@code APIGroupDiscoveryList} (v2 and
 * v2beta1), and negotiates among them from an {@code Accept} header. {@link io.revisor.apiserver.discovery.VersionInfo}
 * is the {@code /version} document. Everything here is pure: no HTTP types, no storage, no clock; documents are
 * serialized ahead of time as {@link io.revisor.apiserver.json.JsonDocument}s with their ETags.
 */
package io.revisor.apiserver.discovery;
