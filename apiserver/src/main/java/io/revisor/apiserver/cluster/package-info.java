/**
 * The Kubernetes cluster this server extends: connecting to it (a kubeconfig or the pod's service account), and
 * registering this server's APIServices there.
 */
package io.revisor.apiserver.cluster;
