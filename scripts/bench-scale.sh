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
cat "$out"/*.log | grep '^scale-table|' | sort -t'|' -k2,2n | awk -F'|' '
  { rows[NR] = $0 }
  END {
    print "\nIdle, per minute: requests and body bytes (B) as each client counted them, per agent and for"
    print "the one controller; the API server columns are all it served (every client, its own loopback"
    print "traffic included) divided by N."
    printf "%6s | %10s %9s | %10s %9s | %13s %11s\n", "N", "req/agent", "B/agent", "req ctrl", "B ctrl", "server req/N", "server B/N"
    for (i = 1; i <= NR; i++) { split(rows[i], f, "|")
      printf "%6s | %10s %9s | %10s %9s | %13s %11s\n", f[2], f[5], f[6], f[7], f[8], f[9], f[10] }
    print "\nChanges: seconds until ThinPoolConfig.status shows the change on all N nodes, and the requests"
    print "and body bytes each agent spent on it. Start: N agents started, informers synced; ready: config"
    print "applied -> status N/N ready. Heap after GC and live threads of the benchmark JVM (all N agents)."
    printf "%6s | %7s %7s | %11s %9s %8s | %11s %9s %8s | %8s %7s\n", "N", "start s", "ready s", "dmeventd s", "req/agent", "B/agent", "spec s", "req/agent", "B/agent", "heap MiB", "threads"
    for (i = 1; i <= NR; i++) { split(rows[i], f, "|")
      printf "%6s | %7s %7s | %11s %9s %8s | %11s %9s %8s | %8s %7s\n", f[2], f[3], f[4], f[11], f[12], f[13], f[14], f[15], f[16], f[17], f[18] }
  }'
