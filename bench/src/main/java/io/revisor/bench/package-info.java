/**
 * The benchmark suite: Revisor against raw etcd (jetcd) on the same etcd in one run, plus JMH benchmarks. {@link
 * io.revisor.bench.BenchMain} is the entry point ({@code hack/bench.sh}); see {@code BENCHMARKS.md}.
 */
package io.revisor.bench;
