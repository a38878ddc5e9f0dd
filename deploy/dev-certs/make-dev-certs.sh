#!/usr/bin/env bash
# Development certificates for mutual TLS between local silos and API hosts (Orleans:Tls), written as
# Kubernetes mounts a TLS secret: <dir>/ca.crt, the private CA every process trusts, and <dir>/silo/ and
# <dir>/client/, each with tls.crt, tls.key and ca.crt. A silo's certificate has the Server and Client
# Authentication usages, a client's only Client Authentication: that is what keeps a client from joining as a
# silo. The CA's key stays in <dir>/ca.key. For one machine only (valid 30 days); never for a real cluster.
#
# Usage: deploy/dev-certs/make-dev-certs.sh [dir]     (default: .dev-certs; an existing dir is replaced)
set -euo pipefail
dir="${1:-.dev-certs}"
rm -rf "$dir"
mkdir -p "$dir/silo" "$dir/client"
umask 077

openssl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 30 \
  -subj "/CN=AuthCache development CA" -keyout "$dir/ca.key" -out "$dir/ca.crt" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null

issue() { # role, extended key usage
  local role="$1" usage="$2"
  openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -subj "/CN=authcache-$role" -keyout "$dir/$role/tls.key" -out "$dir/$role/tls.csr" 2>/dev/null
  openssl x509 -req -in "$dir/$role/tls.csr" -CA "$dir/ca.crt" -CAkey "$dir/ca.key" -CAcreateserial \
    -days 30 -out "$dir/$role/tls.crt" -extfile <(printf '%s\n' \
      "basicConstraints=critical,CA:FALSE" "keyUsage=critical,digitalSignature" "extendedKeyUsage=$usage" \
      "subjectAltName=DNS:localhost,IP:127.0.0.1" "authorityKeyIdentifier=keyid" "subjectKeyIdentifier=hash") 2>/dev/null
  rm "$dir/$role/tls.csr"
  cp "$dir/ca.crt" "$dir/$role/ca.crt"
}

issue silo serverAuth,clientAuth
issue client clientAuth
rm -f "$dir/ca.srl"
echo "Certificates in $dir: silo/ for silos, client/ for API hosts in client mode (each with tls.crt, tls.key, ca.crt)."
