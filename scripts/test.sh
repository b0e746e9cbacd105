#!/usr/bin/env bash
# The README's test command: installs prerequisites, starts the Docker engine (and stops it at the
# end if it started it here), builds the Kubernetes binaries and the real nodes' disks (all
# cached), then runs the unit tier (surefire) and the real-kernel, real-API-server, image and
# real-node tiers (failsafe, *IT), and the formatting check.
# Usage: scripts/test.sh [--tier unit|kernel|api|image|node] [maven arguments ...]
#   --tier runs one tier alone (docs/testing.md says what each proves); without it, all of them.
set -euo pipefail
tier_args=()
if [ "${1:-}" = "--tier" ]; then
  case "${2:-}" in
    unit)   tier_args=(-DskipITs) ;;
    # Each *IT class carries its tier as a JUnit tag (TiersTest checks): failsafe runs that tag.
    kernel|api|image|node) tier_args=(-Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false "-Dgroups=$2") ;;
    *) echo "scripts/test.sh: --tier takes unit, kernel, api, image or node, not '${2:-}'" >&2; exit 2 ;;
  esac
  shift 2
fi
cd "$(dirname "$0")/.."
# Prerequisites, the Docker engine, the Kubernetes binaries and the real node's disk.
source scripts/lib/real-node.sh
# The engine's suite runs on three Debian releases: their nodes' disks (cached).
for release in bullseye bookworm trixie; do scripts/node/image.sh "$release" >/dev/null; done
mvn -B -ntp verify "${tier_args[@]}" "$@"
