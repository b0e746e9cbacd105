#!/usr/bin/env bash
# Benchmark (prints figures, asserts nothing): the agent JVM's footprint while it idle-polls one
# ready pool on the demo node, and its startup time to the first reconcile and to a ready pool.
# JVM options: the image's (JDK_JAVA_OPTIONS in the Dockerfile); THINPOOL_AGENT_JVM overrides.
source "$(dirname "$0")/lib/local-cluster.sh"
jvm=(${THINPOOL_AGENT_JVM:--XX:+UseSerialGC -XX:MaxRAMPercentage=25 -Xms8m -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=20 -Xss512k -XX:MaxMetaspaceSize=64m -XX:TieredStopAtLevel=1 -XX:CICompilerCount=1 -XX:ReservedCodeCacheSize=16m -XX:-UsePerfData -XX:+ExitOnOutOfMemoryError})
idle_seconds="${BENCH_IDLE_SECONDS:-120}"

step "starting the controller, applying the config, then the agent with: ${jvm[*]}"
start_controller
apply_config
t0=$(date +%s%N)
start_agent 30 "${jvm[@]}"
until_true "the agent's first reconcile" 120 grep -qs "running \`" "$work/agent.log"
t_first=$(date +%s%N)
until_true "the pool to be ready" 180 pool_ready
t_ready=$(date +%s%N)

step "idle-polling the ready pool for ${idle_seconds}s (refresh every 30 s)"
ticks=$(getconf CLK_TCK)
cpu() { awk '{print $14 + $15}' "/proc/$agent_pid/stat"; }
rss_kib() { awk '/VmRSS/ {print $2}' "/proc/$agent_pid/status"; }
cpu0=$(cpu); max_rss=0
for _ in $(seq 1 $(( idle_seconds / 5 ))); do
  sleep 5
  r=$(rss_kib); [ "$r" -gt "$max_rss" ] && max_rss=$r
done
cpu1=$(cpu)
printf '\nagent JVM options:                 %s\n' "${jvm[*]}"
printf 'start to first reconcile:          %d ms\n' $(( (t_first - t0) / 1000000 ))
printf 'start to pool Ready (built):       %d ms\n' $(( (t_ready - t0) / 1000000 ))
printf 'idle RSS (max over %ss):          %d MiB (now %d MiB)\n' "$idle_seconds" $(( max_rss / 1024 )) $(( $(rss_kib) / 1024 ))
printf 'idle CPU:                          %.2f%% of one core (%s ticks in %ss)\n' \
  "$(awk -v d=$(( cpu1 - cpu0 )) -v t="$ticks" -v s="$idle_seconds" 'BEGIN { print d * 100 / t / s }')" \
  "$(( cpu1 - cpu0 ))" "$idle_seconds"
