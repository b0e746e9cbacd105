#!/usr/bin/env bash
# Prints the engine's figures from one run in the test VM (see PoolEngineBenchmark).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-test-deps.sh
scripts/vm/prepare.sh >/dev/null
mvn -B -q -ntp -pl operator -am test-compile -Dspotless.check.skip=true
mvn -B -q -ntp -pl operator exec:java -Dexec.classpathScope=test \
  -Dexec.mainClass=io.thinpool.operator.lvm.PoolEngineBenchmark -Dthinpool.vm.scripts="$PWD/scripts/vm"
