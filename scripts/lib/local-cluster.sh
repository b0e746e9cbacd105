# Sourced by demo.sh and bench-agent.sh: one machine playing a cluster. A local kube-apiserver
# + etcd, the demo node (a real Debian bookworm node under qemu, scripts/node, with two blank
# 2 GiB disks) registered as Node demo-node,
# the CRDs, and functions to run the controller and the node's agent from the jar. Everything
# started is stopped and removed on exit.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
root="$PWD"
started=$(date +%s)
step() { printf '\n\033[1m[%3ss] %s\033[0m\n' "$(( $(date +%s) - started ))" "$*"; }
until_true() { local what="$1" limit="$2"; shift 2; for _ in $(seq 1 "$limit"); do "$@" && return 0; sleep 1; done; echo "gave up waiting for: $what"; return 1; }

step "installing prerequisites (skipped when present)"
scripts/install-test-deps.sh
step "preparing the demo node's disk and the Kubernetes binaries (cached; ~10 min the first time)"
node_image="$(scripts/node/image.sh bookworm | tail -n1)"
k8s="$(scripts/k8s/prepare.sh | tail -n1)"
kubectl_bin="$(ls -d "$k8s"/k8s/*-linux-amd64 | tail -n1)/kubectl"
step "building thinpool-operator.jar"
mvn -B -q -ntp -DskipTests -Dspotless.check.skip=true package
jar="$root/operator/target/thinpool-operator.jar"

work="$(mktemp -d /tmp/thinpool-demo.XXXXXX)"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
k() { "$kubectl_bin" --kubeconfig "$work/api/kubeconfig" "$@"; }
vm() { python3 scripts/node/exec.py "$work/node/ctl.sock" "$@"; }

step "starting a local kube-apiserver and etcd"
scripts/k8s/apiserver.sh "$work/api" > "$work/apiserver.out" 2>&1 & pids+=($!)
until_true "the API server" 120 test -f "$work/api/kubeconfig"

step "booting the demo node (qemu: Debian bookworm with systemd, udev, lvm2, dmeventd; two blank disks)"
truncate -s 2G "$work/disk-a.img" "$work/disk-b.img"
THINPOOL_NODE_CPUS=2 scripts/node/boot.sh "$work/node" "$node_image" "$work/root.qcow2" \
  "$work/disk-a.img" "$work/disk-b.img" > "$work/qemu.log" 2>&1 & pids+=($!)
until_true "the demo node" 300 grep -qs "thinpool-vm: ready" "$work/node/console.log"

step "installing the CRDs and registering the node"
k apply -f crds/ >/dev/null
k apply -f - >/dev/null <<'NODE'
apiVersion: v1
kind: Node
metadata:
  name: demo-node
  labels: {thinpool.io/storage: "true"}
NODE

# The controller and the agent find the API server as they do in a pod: fabric8's in-cluster
# configuration (the service host and port, a service-account token file, the cluster CA), not a
# kubeconfig, so that what they load and keep is what a pod's JVM does.
in_cluster_env() {
  local url="$(sed -n 's/.*server: "\(.*\)".*/\1/p' "$work/api/kubeconfig")"
  local host_port="${url#https://}"
  # A service-account token file, as the kubelet writes it: the token alone, no newline.
  [ -f "$work/api/token" ] || cut -d, -f1 "$work/api/tokens.csv" | tr -d "\n" > "$work/api/token"
  echo KUBERNETES_SERVICE_HOST="${host_port%:*}" KUBERNETES_SERVICE_PORT="${host_port##*:}" \
    KUBERNETES_AUTH_SERVICEACCOUNT_TOKEN="$work/api/token" KUBERNETES_CERTS_CA_FILE="$work/api/certs/apiserver.crt" \
    KUBERNETES_AUTH_TRYKUBECONFIG=false
}

# The java that runs the controller and the agent: the machine's, or the image's (use_image_runtime).
java_cmd=java

# Runs them on the image's runtime (scripts/image/jre.sh, built here from this machine's JDK 17):
# what they load and keep is then what the pods' JVMs do.
use_image_runtime() {
  scripts/image/jre.sh "$jar" "$work/jre" > "$work/jre.log" 2>&1 || { cat "$work/jre.log"; return 1; }
  java_cmd="$work/jre/bin/java"
}

# start_controller [JVM options...]; its PID is left in $controller_pid.
start_controller() {
  env -u KUBECONFIG $(in_cluster_env) POD_NAMESPACE=default THINPOOL_HTTP_PORT=0 \
    "$java_cmd" "$@" -jar "$jar" controller > "$work/controller.log" 2>&1 & controller_pid=$!; pids+=($controller_pid)
}

# start_agent REFRESH_SECONDS [JVM options...]; the agent's PID is left in $agent_pid.
start_agent() {
  local refresh="$1"; shift
  env -u KUBECONFIG $(in_cluster_env) NODE_NAME=demo-node THINPOOL_NODE_SOCKET="$work/node/cmd.sock" \
    THINPOOL_REFRESH_SECONDS="$refresh" THINPOOL_HTTP_PORT=0 \
    "$java_cmd" "$@" -jar "$jar" agent > "$work/agent.log" 2>&1 & agent_pid=$!; pids+=($agent_pid)
}

apply_config() {
  k apply -f - <<TPC
apiVersion: thinpool.io/v1alpha1
kind: ThinPoolConfig
metadata:
  name: demo
spec:
  nodeSelector: {matchLabels: {thinpool.io/storage: "true"}}
  devices: [/dev/vda, /dev/vdb]
  dataPercentOfVg: 40
  metadataPercentOfVg: 2
TPC
}

pool_ready() { [ "$(k get tp demo.demo-node -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}' 2>/dev/null)" = True ]; }
