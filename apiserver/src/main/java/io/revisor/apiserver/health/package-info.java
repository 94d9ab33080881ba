/** Liveness, readiness and health endpoints in kube-apiserver's format. */
package io.revisor.apiserver.health;
