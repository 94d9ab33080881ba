#!/usr/bin/env bash
# Runs the whole test suite: unit tests (*Test) and integration tests (*IT) that start their own etcd processes.
# Installs the etcd binary (Debian package etcd-server) and openssl first when they are missing. Extra arguments go to Maven.
set -euo pipefail
cd "$(dirname "$0")/.."

# The tests need etcd (they start it themselves), openssl (certificates for the etcd TLS tests) and kubectl (the
# end-to-end tests drive the real binary).
missing=()
command -v "${REVISOR_ETCD_BINARY:-etcd}" >/dev/null 2>&1 || missing+=(etcd-server)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
command -v "${REVISOR_KUBECTL:-kubectl}" >/dev/null 2>&1 || missing+=(kubernetes-client)
if [ ${#missing[@]} -gt 0 ]; then
  echo "hack/test.sh: installing ${missing[*]}" >&2
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}"
fi

mvn_flags=(-B)
if [ "${CI:-}" = "true" ]; then
  mvn_flags+=(-Dstyle.color=never --no-transfer-progress)
fi
exec mvn "${mvn_flags[@]}" verify "$@"
