#!/usr/bin/env bash
# The README's test command: installs prerequisites, builds the VM image and the API server
# binaries (both cached), then runs the unit tier (surefire) and the real-kernel and real-API-server
# tiers (failsafe, *IT), and the formatting check.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-test-deps.sh
scripts/vm/prepare.sh >/dev/null
# A real kube-apiserver, etcd and kubectl for the API tests, built or extracted once and cached.
KUBE_API_TEST_DIR="$(scripts/k8s/prepare.sh | tail -n1)"
export KUBE_API_TEST_DIR
mvn -B -ntp verify "$@"
