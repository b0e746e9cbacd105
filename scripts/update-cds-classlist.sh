#!/usr/bin/env bash
# Regenerates operator/src/main/cds/{agent,controller}.classlist: the classes the agent and the
# controller load over a pool's whole life on the demo node (start, build, refresh, teardown, stop),
# from which the image's two class-data-sharing archives are dumped (see the Dockerfile). Run it
# after a dependency or a code path changes: a class missing from a list still loads, from the jar,
# at its full cost (scripts/bench-agent.sh prints how many classes came from the archive).
source "$(dirname "$0")/lib/local-cluster.sh"
lists="$root/operator/src/main/cds"

step "building the image's Java runtime (scripts/image/jre.sh)"
use_image_runtime
step "running the controller and the agent with -XX:DumpLoadedClassList"
start_controller -XX:DumpLoadedClassList="$work/controller.classlist"
apply_config
start_agent 5 -XX:DumpLoadedClassList="$work/agent.classlist"
until_true "the pool to be ready" 180 pool_ready
sleep 12 # two refreshes
step "deleting the config (deletionPolicy Delete): the controller releases the ThinPool, the agent tears the pool down"
k patch thinpoolconfig demo --type merge -p '{"spec":{"deletionPolicy":"Delete"}}' >/dev/null
sleep 6 # the spec change reaches the ThinPool and the agent
k delete thinpoolconfig demo --wait=false
gone() { ! k get tp demo.demo-node >/dev/null 2>&1; }
until_true "the ThinPool to be gone" 180 gone
kill "$agent_pid" "$controller_pid"; wait "$agent_pid" "$controller_pid" || true

# One list per mode, each mapped by its own pods only: the pages of a class the other mode loads
# would be resident for nothing (the kernel maps an archive's neighbouring pages with each fault).
# Sorted, so that a regeneration's diff shows what changed.
mkdir -p "$lists"
for mode in agent controller; do
  {
    echo "# The classes the $mode loads (scripts/update-cds-classlist.sh); the image's"
    echo "# class-data-sharing archive for it is dumped from this list. Generated: do not edit."
    grep -v '^#' "$work/$mode.classlist" | sort -u
  } > "$lists/$mode.classlist"
  step "wrote $lists/$mode.classlist: $(grep -vc '^#' "$lists/$mode.classlist") entries"
done
