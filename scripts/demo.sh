#!/usr/bin/env bash
# The README's run command: the whole product on one machine. A local kube-apiserver + etcd, a
# demo node (the test VM: real kernel, device-mapper, lvm2, dmeventd, two blank 2 GiB disks), the
# controller and that node's agent running against them, a ThinPoolConfig applied, and then the
# pool filled past 80% so that dmeventd extends it and the status follows. Cleans up after itself.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"
started=$(date +%s)
step() { printf '\n\033[1m[%3ss] %s\033[0m\n' "$(( $(date +%s) - started ))" "$*"; }

step "installing prerequisites (skipped when present)"
scripts/install-test-deps.sh
step "preparing the demo node's kernel (cached) and the API server binaries (cached; ~7 min the first time)"
scripts/vm/prepare.sh >/dev/null
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
vm() { python3 scripts/vm/exec.py "$work/node/ctl.sock" "$@"; }
until_true() { local what="$1" limit="$2"; shift 2; for _ in $(seq 1 "$limit"); do "$@" && return 0; sleep 1; done; echo "gave up waiting for: $what"; return 1; }

step "starting a local kube-apiserver and etcd"
scripts/k8s/apiserver.sh "$work/api" > "$work/apiserver.out" 2>&1 & pids+=($!)
until_true "the API server" 120 test -f "$work/api/kubeconfig"

step "booting the demo node (qemu, real Debian kernel, two blank disks)"
truncate -s 2G "$work/disk-a.img" "$work/disk-b.img"
scripts/vm/boot.sh "$work/node" "$work/disk-a.img" "$work/disk-b.img" > "$work/qemu.log" 2>&1 & pids+=($!)
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

step "starting the controller and the demo node's agent"
KUBECONFIG="$work/api/kubeconfig" POD_NAMESPACE=default java -jar "$jar" controller > "$work/controller.log" 2>&1 & pids+=($!)
KUBECONFIG="$work/api/kubeconfig" NODE_NAME=demo-node THINPOOL_NODE_SOCKET="$work/node/cmd.sock" \
  THINPOOL_REFRESH_SECONDS=5 java -jar "$jar" agent > "$work/agent.log" 2>&1 & pids+=($!)

step "applying a ThinPoolConfig: the runbook on both disks, 40% data + 2% metadata to leave room for autoextend"
k apply -f - <<'TPC'
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
ready() { [ "$(k get tp demo.demo-node -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}' 2>/dev/null)" = True ]; }
until_true "the pool to be ready" 180 ready
k get tpc,tp

step "filling the pool past the 80% threshold (a thin volume, written with dd in the node)"
size_mib=$(( $(k get tp demo.demo-node -o jsonpath='{.status.pool.sizeBytes}') / 1048576 ))
vm lvcreate --yes -V 3G -T docker/thinpool -n demo-fill >/dev/null
vm dd if=/dev/zero of=/dev/mapper/docker-demo--fill bs=4M count=$(( size_mib * 85 / 100 / 4 )) oflag=direct status=none
k get tp
step "waiting for dmeventd to extend the pool and the agent to report it"
extended() { [ "$(k get tp demo.demo-node -o jsonpath='{.status.autoextend.extensionsObserved}' 2>/dev/null)" -ge 1 ] 2>/dev/null; }
until_true "an extension" 180 extended
k get tpc,tp
k get events --field-selector involvedObject.name=demo.demo-node -o custom-columns=TYPE:.type,REASON:.reason,MESSAGE:.message
step "done: the pool grew from ${size_mib} MiB by autoextend; stopping everything"
