/**
 * The Kubernetes REST API server on Vert.x Web. It arrives with the API issue; until then this module only proves
 * that {@code apiserver} builds on {@code storage}.
 */
package io.revisor.apiserver;
