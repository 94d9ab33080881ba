#!/usr/bin/env bash
# Runs Revisor locally: builds it when the sources changed, then serves the bundled demo kinds on the embedded store
# at https://127.0.0.1:8443. State lives in .revisor/ (data, generated certificates, an admin token, a kubeconfig).
# Extra arguments go to the server (see --help), e.g. --storage-backend=etcd --etcd-servers=http://127.0.0.1:2379
set -euo pipefail
cd "$(dirname "$0")/.."

state=.revisor
jar=apiserver/target/revisor-apiserver.jar
mkdir -p "$state"
chmod 700 "$state"

# Build when the jar is missing or older than any source or build file.
if [ ! -f "$jar" ] || [ -n "$(find pom.xml storage apiserver -newer "$jar" \( -name '*.java' -o -name '*.xml' -o -name '*.yaml' -o -name '*.properties' \) -not -path '*/target/*' -print -quit)" ]; then
  echo "hack/run.sh: building (mvn package, tests skipped)" >&2
  mvn -B -q -DskipTests package -pl apiserver -am
fi

# A static admin token for standalone use, created once.
tokens="$state/tokens.csv"
if [ ! -s "$tokens" ]; then
  umask 077
  token=$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')
  printf '%s,admin,admin,"system:masters"\n' "$token" > "$tokens"
fi

exec java -jar "$jar" \
  --cert-dir="$state/certs" \
  --data-dir="$state/data" \
  --token-auth-file="$tokens" \
  --write-kubeconfig="$state/kubeconfig" \
  "$@"
