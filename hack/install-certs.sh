#!/usr/bin/env bash
# Makes the serving certificate for a cluster install without cert-manager: a CA and a serving certificate signed
# by it (openssl only), and a kustomization around an overlay that adds them as the Secret revisor-serving-cert
# and puts the CA into every APIService's caBundle. Then: kubectl apply -k <output directory>.
set -euo pipefail

usage() {
  cat <<'EOF'
Usage: hack/install-certs.sh [options]

Writes into the output directory:
  ca.crt, ca.key       a CA (kept when it already exists, so the APIServices' caBundle stays the same)
  tls.crt, tls.key     a serving certificate signed by it, issued anew on every run (EKU serverAuth; SANs
                       <service>, <service>.<namespace>, <service>.<namespace>.svc,
                       <service>.<namespace>.svc.cluster.local)
  kustomization.yaml   the overlay, plus the Secret revisor-serving-cert (tls.crt, tls.key, ca.crt) and the
                       caBundle of every APIService
Then install (or, after a re-run, renew; the server reloads the files without a restart):
  kubectl apply -k <output directory>

The *.key files are private keys (mode 0600): do not commit them; the directory gets a .gitignore.

Options:
  --output DIR       output directory (default: .revisor/install in the repository)
  --overlay DIR      the kustomize overlay to install (default: manifests/overlays/default in the repository;
                     e.g. manifests/overlays/external-etcd). Not for overlays/cert-manager, which needs no script.
  --image REF        the server image, e.g. <your registry>/revisor:0.1.0 (default: the overlay's, revisor:0.1.0)
  --etcd-image REF   the etcd image of the bundled etcd (default: the overlay's, etcd:v3.5.17)
  --service NAME     name of Revisor's Service (default: revisor)
  --namespace NS     its namespace, also the Secret's (default: revisor)
  --days N           validity of the serving certificate in days (default: 365)
  --ca-days N        validity of a new CA in days (default: 3650)
  -h, --help         this text
EOF
}

fail() {
  echo "install-certs.sh: $*" >&2
  exit 1
}

# The relative path from directory $1 to directory $2, both absolute without symbolic links.
relative_path() {
  local from=$1 to=$2 common=$1 up="" rest
  while [ "$common" != "/" ] && [ "$to" != "$common" ] && [ "${to#"$common"/}" = "$to" ]; do
    common=$(dirname "$common")
    up="../$up"
  done
  if [ "$to" = "$common" ]; then
    rest=""
  elif [ "$common" = "/" ]; then
    rest=${to#/}
  else
    rest=${to#"$common"/}
  fi
  rest="$up$rest"
  rest=${rest%/}
  printf '%s\n' "${rest:-.}"
}

# A kustomize images: entry replacing image $1 by reference $2 (a name plus a tag or a digest).
image_entry() {
  local name=$1 ref=$2 last
  printf '  - name: %s\n' "$name"
  case "$ref" in
    *@*) printf '    newName: %s\n    digest: %s\n' "${ref%%@*}" "${ref#*@}" ;;
    *)
      last=${ref##*/}
      if [[ "$last" == *:* ]]; then
        printf '    newName: %s\n    newTag: %s\n' "${ref%:*}" "${last##*:}"
      else
        printf '    newName: %s\n' "$ref"
      fi
      ;;
  esac
}

repo=$(cd "$(dirname "$0")/.." && pwd -P)
output="$repo/.revisor/install"
overlay="$repo/manifests/overlays/default"
service=revisor
namespace=revisor
days=365
ca_days=3650
image=""
etcd_image=""

while [ $# -gt 0 ]; do
  case "$1" in
    -h | --help) usage; exit 0 ;;
    --output=* | --overlay=* | --image=* | --etcd-image=* | --service=* | --namespace=* | --days=* | --ca-days=*)
      set -- "${1%%=*}" "${1#*=}" "${@:2}"
      continue
      ;;
    --output | --overlay | --image | --etcd-image | --service | --namespace | --days | --ca-days)
      [ $# -ge 2 ] || fail "$1 needs a value (see --help)"
      case "$1" in
        --output) output=$2 ;;
        --overlay) overlay=$2 ;;
        --image) image=$2 ;;
        --etcd-image) etcd_image=$2 ;;
        --service) service=$2 ;;
        --namespace) namespace=$2 ;;
        --days) days=$2 ;;
        --ca-days) ca_days=$2 ;;
      esac
      shift 2
      ;;
    *) fail "unknown argument $1 (see --help)" ;;
  esac
done

command -v openssl >/dev/null 2>&1 || fail "openssl is needed (apt-get install openssl)"
for value in "$service" "$namespace"; do
  [[ "$value" =~ ^[a-z0-9]([-a-z0-9]*[a-z0-9])?$ ]] || fail "not a DNS label: $value"
done
[[ "$days" =~ ^[1-9][0-9]*$ ]] || fail "--days must be a positive number"
[[ "$ca_days" =~ ^[1-9][0-9]*$ ]] || fail "--ca-days must be a positive number"
for ref in "$image" "$etcd_image"; do
  [ -z "$ref" ] || [[ "$ref" =~ ^[A-Za-z0-9][-A-Za-z0-9._:/@]*$ ]] || fail "not an image reference: $ref"
done
[ -f "$overlay/kustomization.yaml" ] || fail "no kustomization.yaml in $overlay"
overlay=$(cd "$overlay" && pwd -P)

# Private keys are created readable by the owner only.
umask 077
mkdir -p "$output"
output=$(cd "$output" && pwd -P)
[ "$output" != "$overlay" ] || fail "--output must not be the overlay itself"
cd "$output"
printf '# Written by hack/install-certs.sh: holds private keys (*.key). Never commit this directory.\n*\n' > .gitignore

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Runs openssl quietly; shows what it said only when it fails.
ossl() {
  if ! openssl "$@" 2>"$work/openssl.log"; then
    cat "$work/openssl.log" >&2
    fail "openssl $1 failed"
  fi
}

# The CA: reused when present, so that the caBundle does not change; checked to be a pair and not expiring.
if [ -f ca.crt ] && [ -f ca.key ]; then
  if [ "$(openssl x509 -in ca.crt -noout -pubkey)" != "$(openssl pkey -in ca.key -pubout)" ]; then
    fail "$output/ca.key does not belong to ca.crt; remove both to make a new CA"
  fi
  openssl x509 -in ca.crt -noout -checkend $((days * 86400)) >/dev/null \
    || fail "$output/ca.crt expires within $days days; remove ca.crt and ca.key to make a new CA (the caBundle changes)"
  echo "install-certs.sh: reusing the CA in $output/ca.crt" >&2
elif [ -f ca.crt ] || [ -f ca.key ]; then
  fail "$output has only one of ca.crt and ca.key; remove it to make a new CA"
else
  cat > "$work/ca.cnf" <<EOF
[req]
distinguished_name = dn
prompt = no
[dn]
CN = revisor-ca
[ext]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
EOF
  ossl req -x509 -new -config "$work/ca.cnf" -extensions ext -newkey ec -pkeyopt ec_paramgen_curve:P-256 \
    -nodes -days "$ca_days" -keyout "$work/ca.key" -out "$work/ca.crt"
  mv "$work/ca.key" ca.key
  mv "$work/ca.crt" ca.crt
  echo "install-certs.sh: new CA in $output/ca.crt" >&2
fi

# The serving certificate: a new key every time.
dns="$service.$namespace.svc"
cat > "$work/tls.cnf" <<EOF
[req]
distinguished_name = dn
prompt = no
[dn]
CN = $dns
[ext]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:$service,DNS:$service.$namespace,DNS:$dns,DNS:$dns.cluster.local
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
EOF
ossl req -new -config "$work/tls.cnf" -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
  -keyout "$work/tls.key" -out "$work/tls.csr"
ossl x509 -req -in "$work/tls.csr" -CA ca.crt -CAkey ca.key -set_serial "0x$(openssl rand -hex 16)" \
  -days "$days" -extfile "$work/tls.cnf" -extensions ext -out "$work/tls.crt"
ossl verify -CAfile ca.crt "$work/tls.crt" >/dev/null
mv "$work/tls.key" tls.key
mv "$work/tls.crt" tls.crt
chmod 600 ca.key tls.key
chmod 644 ca.crt tls.crt

# kustomize images: entries for the images given on the command line.
entries=""
[ -z "$image" ] || entries+=$(image_entry revisor "$image")$'\n'
[ -z "$etcd_image" ] || entries+=$(image_entry etcd "$etcd_image")$'\n'
images=""
[ -z "$entries" ] || images=$'\n'"images:"$'\n'"$entries"

ca_bundle=$(openssl base64 -A -in ca.crt)
resource=$(relative_path "$output" "$overlay")
cat > kustomization.yaml <<EOF
# Written by hack/install-certs.sh. Install or renew with: kubectl apply -k $output
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization

resources:
  - $resource
$images
# The serving certificate the Deployment mounts. No name suffix: the Secret keeps its name, the kubelet updates
# the mounted files, and the server reloads them without a restart.
secretGenerator:
  - name: revisor-serving-cert
    namespace: $namespace
    type: kubernetes.io/tls
    files:
      - tls.crt
      - tls.key
      - ca.crt
    options:
      disableNameSuffixHash: true
      labels:
        app.kubernetes.io/part-of: revisor

# The aggregator verifies the server's certificate with this CA.
patches:
  - target:
      group: apiregistration.k8s.io
      kind: APIService
    patch: |-
      - op: add
        path: /spec/caBundle
        value: $ca_bundle
EOF
chmod 644 kustomization.yaml

cat >&2 <<EOF
install-certs.sh: serving certificate for $dns in $output/tls.crt, valid $days days
  install:     kubectl apply -k $output
  then check:  kubectl get apiservice -l app.kubernetes.io/part-of=revisor
  ca.key and tls.key are private keys: keep them out of version control.
EOF
