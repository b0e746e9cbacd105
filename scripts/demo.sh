#!/usr/bin/env bash
# The README's run command: the whole product on one machine. A local kube-apiserver + etcd, a
# demo node (the test VM: real kernel, device-mapper, lvm2, dmeventd, two blank 2 GiB disks), the
# controller and that node's agent running against them, a ThinPoolConfig applied, and then the
# pool filled past 80% so that dmeventd extends it and the status follows. Cleans up after itself.
source "$(dirname "$0")/lib/local-cluster.sh"

step "starting the controller and the demo node's agent"
start_controller
start_agent 5

step "applying a ThinPoolConfig: the runbook on both disks, 40% data + 2% metadata to leave room for autoextend"
apply_config
until_true "the pool to be ready" 180 pool_ready
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
