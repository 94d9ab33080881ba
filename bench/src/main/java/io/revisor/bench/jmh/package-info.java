/**
 * JMH benchmarks of in-process hot paths of the server (JSON, selectors, Table output). The storage ones that need
 * package-private classes live in {@code io.revisor.storage.resource} in this module.
 */
package io.revisor.bench.jmh;
