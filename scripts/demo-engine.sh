#!/usr/bin/env bash
# The engine alone, no Kubernetes: a local demo node (the test VM: real kernel, device-mapper, lvm2,
# dmeventd, two blank 2 GiB disks) and the engine run against it, with the runbook's defaults and
# then a variant that leaves room for autoextend. Cleans up after itself.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"
started=$(date +%s)
step() { printf '\n\033[1m[%3ss] %s\033[0m\n' "$(( $(date +%s) - started ))" "$*"; }

step "installing prerequisites (skipped when present)"
scripts/install-test-deps.sh
step "preparing the demo node's kernel and initramfs (cached after the first run)"
scripts/vm/prepare.sh
step "building thinpool-operator.jar"
mvn -B -q -ntp -DskipTests -Dspotless.check.skip=true package
jar="$root/operator/target/thinpool-operator.jar"

work="$(mktemp -d /tmp/thinpool-demo.XXXXXX)"
truncate -s 2G "$work/disk-a.img" "$work/disk-b.img"
scripts/vm/boot.sh "$work/node" "$work/disk-a.img" "$work/disk-b.img" > "$work/qemu.log" 2>&1 &
qemu=$!
trap 'kill $qemu 2>/dev/null; wait $qemu 2>/dev/null; rm -rf "$work"' EXIT
step "booting the demo node (qemu, real Debian kernel)"
for _ in $(seq 1 900); do
  grep -q "thinpool-vm: ready" "$work/node/console.log" 2>/dev/null && break
  kill -0 $qemu 2>/dev/null || { cat "$work/qemu.log"; exit 1; }
  sleep 0.2
done
grep -q "thinpool-vm: ready" "$work/node/console.log" || { echo "the demo node did not boot"; exit 1; }
engine() { java -jar "$jar" engine "$@" --node-socket "$work/node/cmd.sock" --device /dev/vda --device /dev/vdb; }

step "reconcile with the runbook's defaults (docker VG, 90% data + 5% metadata, 512K chunks, zero n, 80/20)"
engine reconcile
step "reconcile again: a converged node plans nothing"
engine reconcile
step "tear it down"
engine teardown
step "reconcile a pool that leaves room for autoextend (60% data + 2% metadata)"
engine reconcile --data-percent 60 --metadata-percent 2
step "done; stopping the demo node"
