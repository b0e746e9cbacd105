#!/usr/bin/env bash
# Prints the engine's figures from one run on a real Debian bookworm node in qemu (see
# PoolEngineBenchmark); the node's disk is built once and cached (scripts/node/image.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-test-deps.sh
mvn -B -q -ntp -pl operator -am test-compile -Dspotless.check.skip=true
mvn -B -q -ntp -pl operator exec:java -Dexec.classpathScope=test \
  -Dexec.mainClass=io.thinpool.operator.bench.PoolEngineBenchmark -Dthinpool.scripts="$PWD/scripts"
