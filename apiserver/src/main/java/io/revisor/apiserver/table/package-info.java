/**
 * Server-side printing: {@code meta.k8s.io/v1} {@code Table}s built from a served version's printer columns
 * ({@link io.revisor.apiserver.table.TableConvertor}), the JSONPath subset those columns use
 * ({@link io.revisor.apiserver.table.JsonPath}), and {@code PartialObjectMetadata} views
 * ({@link io.revisor.apiserver.table.PartialObjectMetadata}).
 *
 * <p>Everything here works on Jackson trees and knows nothing of HTTP: the request layer negotiates {@code as=Table}
 * or {@code as=PartialObjectMetadata[List]}, parses {@code includeObject} with
 * {@link io.revisor.apiserver.table.IncludeObject#parse}, and serialises the returned nodes. Behaviour follows
 * Kubernetes' apiextensions-apiserver {@code tableconvertor}, client-go {@code util/jsonpath} and apimachinery
 * {@code duration.HumanDuration}; deviations are listed on the classes.
 */
package io.revisor.apiserver.table;
