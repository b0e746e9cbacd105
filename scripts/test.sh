#!/usr/bin/env bash
# The README's test command: installs prerequisites, starts the Docker engine (and stops it at the
# end if it started it here), builds the VM image and the API server binaries (both cached), then
# runs the unit tier (surefire) and the real-kernel, real-API-server and image tiers (failsafe,
# *IT), and the formatting check.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-test-deps.sh
source scripts/lib/dockerd.sh
dockerd_start
scripts/vm/prepare.sh >/dev/null
# A real kube-apiserver, etcd and kubectl for the API tests, built or extracted once and cached.
KUBE_API_TEST_DIR="$(scripts/k8s/prepare.sh | tail -n1)"
export KUBE_API_TEST_DIR
mvn -B -ntp verify "$@"
