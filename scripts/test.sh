#!/usr/bin/env bash
# The README's test command: installs prerequisites, builds the VM image (cached), then runs the
# unit tier (surefire) and the real-kernel tier (failsafe, *IT) with the formatting check.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-test-deps.sh
scripts/vm/prepare.sh >/dev/null
mvn -B -ntp verify "$@"
