#!/usr/bin/env bash
# Benchmark (prints figures, asserts nothing): the agent beside its closest peer, LVMS's vg-manager,
# on the real node of the real-node tier, from one run (PeerBenchmark): each DaemonSet builds a thin
# pool on its own blank disk, both idle, then each pool is filled past its end; one table. Builds
# vg-manager from its published Go module first (operator/src/bench/lvms/build.sh). About 25
# minutes. Needs what the real-node tier needs (scripts/test.sh installs and builds it: the
# Kubernetes binaries and the bookworm k8s node disk, cached) and Go with its module proxy.
# Overrides: BENCH_LVMS_VERSION (v4.20.0), BENCH_IDLE_SECONDS (idle window, 300),
# BENCH_FULL_WAIT_SECONDS (how long a full pool is watched for its status to say so, 300).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/real-node.sh
built="$(operator/src/bench/lvms/build.sh "${BENCH_LVMS_VERSION:-v4.20.0}")"
module="$(sed -n 1p <<< "$built")"
image="$(sed -n 2p <<< "$built")"

mvn -B -q -ntp -pl operator -am test-compile -Dspotless.check.skip=true
mvn -B -q -ntp -pl operator dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile=target/bench-classpath.txt
# From operator/, as the tests run (the chart and CRDs are found relative to it).
cd operator
java -Dthinpool.scripts="$PWD/../scripts" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
  -Dbench.idleSeconds="${BENCH_IDLE_SECONDS:-300}" -Dbench.fullWaitSeconds="${BENCH_FULL_WAIT_SECONDS:-300}" \
  -cp "target/test-classes:target/classes:$(cat target/bench-classpath.txt)" \
  io.thinpool.operator.bench.peer.PeerBenchmark "$image" "$module" "$PWD/src/bench/lvms"
