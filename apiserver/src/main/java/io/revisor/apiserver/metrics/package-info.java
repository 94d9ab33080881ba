/** Prometheus metrics of requests, watches and storage calls. */
package io.revisor.apiserver.metrics;
