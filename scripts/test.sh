#!/usr/bin/env bash
# The README's test command: installs prerequisites, starts the Docker engine (and stops it at the
# end if it started it here), builds the Kubernetes binaries and the real nodes' disks (all
# cached), then runs the unit tier (surefire) and the real-kernel, real-API-server, image and
# real-node tiers (failsafe, *IT), and the formatting check.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-test-deps.sh
source scripts/lib/dockerd.sh
dockerd_start
# The Kubernetes binaries (API tests, the real node's cluster), built or extracted once and cached.
KUBE_API_TEST_DIR="$(scripts/k8s/prepare.sh | tail -n1)"
export KUBE_API_TEST_DIR
# The nodes' disks: the engine's suite runs on three Debian releases, the real node on bookworm.
for release in bullseye bookworm trixie; do scripts/node/image.sh "$release" >/dev/null; done
scripts/node/image.sh bookworm k8s >/dev/null
mvn -B -ntp verify "$@"
