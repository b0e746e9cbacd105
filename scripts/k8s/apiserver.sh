#!/usr/bin/env bash
# Starts a local etcd + kube-apiserver (RBAC on, admin by static token) for the demo, in the
# foreground until killed. Writes <dir>/kubeconfig when the API server answers.
# Usage: apiserver.sh <dir>
set -euo pipefail
dir="$1"
here="$(cd "$(dirname "$0")" && pwd)"
root="$("$here/prepare.sh" | tail -n1)"
bin="$(ls -d "$root"/k8s/*-linux-amd64 | tail -n1)"
mkdir -p "$dir/etcd" "$dir/certs"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
etcd_port="$(free_port)"; peer_port="$(free_port)"; api_port="$(free_port)"
token="$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
echo "$token,demo-admin,demo-admin,system:masters" > "$dir/tokens.csv"
openssl genrsa -out "$dir/sa.key" 2048 2>/dev/null
openssl rsa -in "$dir/sa.key" -pubout -out "$dir/sa.pub" 2>/dev/null

"$bin/etcd" --data-dir "$dir/etcd" --listen-client-urls "http://127.0.0.1:$etcd_port" \
  --advertise-client-urls "http://127.0.0.1:$etcd_port" --listen-peer-urls "http://127.0.0.1:$peer_port" \
  > "$dir/etcd.log" 2>&1 &
etcd=$!
"$bin/kube-apiserver" --etcd-servers "http://127.0.0.1:$etcd_port" \
  --bind-address 127.0.0.1 --advertise-address 127.0.0.1 --secure-port "$api_port" --cert-dir "$dir/certs" \
  --token-auth-file "$dir/tokens.csv" --authorization-mode RBAC \
  --service-account-issuer https://kubernetes.default.svc --service-account-key-file "$dir/sa.pub" \
  --service-account-signing-key-file "$dir/sa.key" --service-cluster-ip-range 10.96.0.0/24 \
  > "$dir/apiserver.log" 2>&1 &
apiserver=$!
# The API server first, then etcd: killed together, kube-apiserver's shutdown can wait on the
# gone etcd for minutes (seen holding a bench's cleanup, and the machine's heavy lock, 4 min).
# 10 s is what it gets before SIGKILL.
stop() {
  kill $apiserver 2>/dev/null
  for _ in $(seq 1 50); do kill -0 $apiserver 2>/dev/null || break; sleep 0.2; done
  kill -9 $apiserver 2>/dev/null
  kill $etcd 2>/dev/null
  wait
}
trap stop EXIT TERM INT

cat > "$dir/kubeconfig.tmp" <<KC
apiVersion: v1
kind: Config
clusters: [{name: demo, cluster: {server: "https://127.0.0.1:$api_port", insecure-skip-tls-verify: true}}]
users: [{name: demo-admin, user: {token: "$token"}}]
contexts: [{name: demo, context: {cluster: demo, user: demo-admin}}]
current-context: demo
KC
for _ in $(seq 1 120); do
  if "$bin/kubectl" --kubeconfig "$dir/kubeconfig.tmp" get --raw /readyz >/dev/null 2>&1; then
    mv "$dir/kubeconfig.tmp" "$dir/kubeconfig"
    break
  fi
  kill -0 $apiserver 2>/dev/null || { tail -20 "$dir/apiserver.log"; exit 1; }
  sleep 0.5
done
[ -f "$dir/kubeconfig" ] || { echo "kube-apiserver did not become ready"; tail -20 "$dir/apiserver.log"; exit 1; }
wait $apiserver
