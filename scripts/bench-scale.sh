#!/usr/bin/env bash
# Benchmark (prints figures, asserts nothing): N node agents in one JVM, each with its own client
# and in-memory LVM node, and the controller, against a real kube-apiserver (see ScaleBenchmark),
# for each N; one JVM and one API server per N, then a table. About 10 minutes for the default Ns.
# Overrides: BENCH_SCALE_N (default "10 100 1000"), BENCH_SCALE_JVM (JVM options),
# BENCH_REFRESH_SECONDS (the agents' refresh, default 30 as in the chart), BENCH_IDLE_SECONDS (the
# idle window, default 60).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-test-deps.sh
KUBE_API_TEST_DIR="$(scripts/k8s/prepare.sh | tail -n1)"
export KUBE_API_TEST_DIR
counts=(${BENCH_SCALE_N:-10 100 1000})
jvm=(${BENCH_SCALE_JVM:--Xmx6g -Xss512k})
refresh="${BENCH_REFRESH_SECONDS:-30}"
idle="${BENCH_IDLE_SECONDS:-60}"

mvn -B -q -ntp -pl operator -am test-compile -Dspotless.check.skip=true
mvn -B -q -ntp -pl operator dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile=target/bench-classpath.txt
classpath="target/test-classes:target/classes:$(cat operator/target/bench-classpath.txt)"

out="$(mktemp -d /tmp/thinpool-bench-scale.XXXXXX)"
for n in "${counts[@]}"; do
  printf '\n\033[1m== N=%s ==\033[0m\n' "$n"
  # From operator/, as the tests run: KubeApi finds the CRDs and the chart relative to it.
  (cd operator && java "${jvm[@]}" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
    -Dbench.refreshSeconds="$refresh" -Dbench.idleSeconds="$idle" \
    -cp "$classpath" io.thinpool.operator.bench.ScaleBenchmark "$n") | tee "$out/$n.log"
done

printf '\nRefresh every %ss, idle window %ss, JVM %s; the full output of each N is in %s\n' \
  "$refresh" "$idle" "${jvm[*]}" "$out"
(cd operator && java -cp "$classpath" io.thinpool.operator.bench.ScaleTable "$out"/*.log)
