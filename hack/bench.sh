#!/usr/bin/env bash
# Runs the benchmark suite: builds the server and the bench module (mvn package, tests skipped), then starts its own
# etcd and Revisor server and measures Revisor against raw etcd (jetcd) on that same etcd, plus JMH benchmarks of
# in-process hot paths. Results: a table on stdout, bench/results/results.json and results.svg. See BENCHMARKS.md.
# Arguments go to the suite: --quick (a smoke run), --scenarios=jmh,create,update,read,watch,memory, --out=DIR.
set -euo pipefail
cd "$(dirname "$0")/.."

etcd_binary="${REVISOR_ETCD_BINARY:-etcd}"
if ! command -v "$etcd_binary" >/dev/null 2>&1; then
  echo "hack/bench.sh: no etcd binary ($etcd_binary): install it (Debian: apt-get install -y etcd-server) or set REVISOR_ETCD_BINARY" >&2
  exit 1
fi

echo "hack/bench.sh: building (mvn package, tests skipped)" >&2
mvn -B -q -DskipTests package -pl bench -am

REVISOR_BENCH_COMMIT="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet HEAD 2>/dev/null || echo '+changes')"
export REVISOR_BENCH_COMMIT
exec java -Xmx2g -jar bench/target/revisor-bench.jar --server-jar=apiserver/target/revisor-apiserver.jar "$@"
