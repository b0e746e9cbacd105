#!/usr/bin/env bash
# The real-node cluster's credentials, made fresh for each run with openssl: a CA, the API server's
# serving certificate (valid for the test network's address, the kubernetes Service's ClusterIP and
# loopback), a client certificate per component, as kubeadm would issue them, the service-account
# signing key, and kubeconfigs for the components (the API server at https://10.201.0.1:6443).
# Usage: pki.sh <dir>
set -euo pipefail
dir="$1"
mkdir -p "$dir"
cd "$dir"
server=https://10.201.0.1:6443

# RSA keys: every client reads them (fabric8 reads no PKCS#8 EC key).
key() { openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$1.key" 2>/dev/null; }
# sign <name> <subject> <extensions>: a certificate for <name>.key signed by the CA, for 30 days.
sign() {
  key "$1"
  openssl req -new -key "$1.key" -subj "$2" -out "$1.csr" 2>/dev/null
  openssl x509 -req -in "$1.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -days 30 \
    -extfile <(printf '%s\n' "$3") -out "$1.crt" 2>/dev/null
  rm "$1.csr"
}
client() { sign "$1" "$2" "keyUsage=critical,digitalSignature
extendedKeyUsage=clientAuth"; }

key ca
openssl req -x509 -new -key ca.key -subj "/CN=thinpool-real-node-ca" -days 30 \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
  -out ca.crt 2>/dev/null
sign apiserver "/CN=kube-apiserver" "keyUsage=critical,digitalSignature
extendedKeyUsage=serverAuth
subjectAltName=DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local,DNS:localhost,IP:10.201.0.1,IP:10.96.0.1,IP:127.0.0.1"
client admin "/O=system:masters/CN=thinpool-test-admin"
client apiserver-kubelet-client "/O=system:masters/CN=kube-apiserver-kubelet-client"
client kube-controller-manager "/CN=system:kube-controller-manager"
client kube-scheduler "/CN=system:kube-scheduler"
client kubelet "/O=system:nodes/CN=system:node:thinpool-node"
client kube-proxy "/CN=system:kube-proxy"
key sa
openssl pkey -in sa.key -pubout -out sa.pub

# kubeconfig <component>: credentials embedded, so one file carries them into the node's seed.
b64() { base64 -w0 < "$1"; }
for component in kube-controller-manager kube-scheduler kubelet kube-proxy; do
  cat > "$component.kubeconfig" <<KUBECONFIG
apiVersion: v1
kind: Config
clusters:
- name: real-node
  cluster: {server: "$server", certificate-authority-data: "$(b64 ca.crt)"}
users:
- name: $component
  user: {client-certificate-data: "$(b64 "$component.crt")", client-key-data: "$(b64 "$component.key")"}
contexts:
- name: real-node
  context: {cluster: real-node, user: $component}
current-context: real-node
KUBECONFIG
done
