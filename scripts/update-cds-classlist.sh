#!/usr/bin/env bash
# Regenerates operator/src/main/cds/thinpool-operator.classlist: the classes the controller and the
# agent load over a pool's whole life on the demo node (start, build, refresh, teardown, stop), from
# which the image's class-data-sharing archive is dumped (see the Dockerfile). Run it after a
# dependency or a code path changes: a class missing from the list still loads, from the jar, at
# its full cost (scripts/bench-agent.sh prints how many classes came from the archive).
source "$(dirname "$0")/lib/local-cluster.sh"
list="$root/operator/src/main/cds/thinpool-operator.classlist"

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

# One list for both modes (one image), sorted so that a regeneration's diff shows what changed.
mkdir -p "$(dirname "$list")"
{
  echo "# The classes the controller and the agent load (scripts/update-cds-classlist.sh); the"
  echo "# image's class-data-sharing archive is dumped from it. Generated: do not edit."
  cat "$work/controller.classlist" "$work/agent.classlist" | grep -v '^#' | sort -u
} > "$list"
step "wrote $list: $(grep -vc '^#' "$list") entries"
