#!/usr/bin/env bash
# Runs the whole test suite: unit tests (*Test) and integration tests (*IT) that start their own etcd processes.
# Installs the etcd binary (Debian package etcd-server) first when it is missing. Extra arguments go to Maven.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v "${REVISOR_ETCD_BINARY:-etcd}" >/dev/null 2>&1; then
  echo "hack/test.sh: etcd not found; installing the etcd-server package" >&2
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq etcd-server
fi

mvn_flags=(-B)
if [ "${CI:-}" = "true" ]; then
  mvn_flags+=(-Dstyle.color=never --no-transfer-progress)
fi
exec mvn "${mvn_flags[@]}" verify "$@"
