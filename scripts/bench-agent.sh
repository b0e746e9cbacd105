#!/usr/bin/env bash
# Benchmark (prints figures, asserts nothing): the footprint of the agent JVM while it idle-polls
# one ready pool on the demo node, and of the controller JVM beside it, from one run; their startup
# times (agent: to its first reconcile and to a ready pool; controller: to its first ThinPool).
# Both run as in their pods: the image's runtime (scripts/image/jre.sh, built here from this JDK),
# its JVM options (JDK_JAVA_OPTIONS, read from the Dockerfile; overrides: THINPOOL_AGENT_JVM,
# THINPOOL_CONTROLLER_JVM), its class-data-sharing archive per mode (dumped here from the same
# class lists; this runtime is given both by option), and the chart's memory limits, which a pod's
# JVM reads from its cgroup and sizes its heap from (given here as MaxRAM). BENCH_IDLE_SECONDS sets
# the idle window (120); BENCH_NMT=1 adds native memory tracking and prints its summary for both
# (it costs some memory). The two JVMs find the API server as in a pod (lib/local-cluster.sh).
source "$(dirname "$0")/lib/local-cluster.sh"
image_jvm="$(sed -n 's/.*JDK_JAVA_OPTIONS="\([^"]*\)".*/\1/p' "$root/Dockerfile")"
[ -n "$image_jvm" ] || { echo "no JDK_JAVA_OPTIONS in the Dockerfile"; exit 1; }
step "building the image's Java runtime (scripts/image/jre.sh)"
use_image_runtime
step "dumping the two class-data-sharing archives from their class lists, as the image build does"
# The archive of mode $1 (the image's: the agent's is its JVM's default, the controller's named by
# the chart's command), as an option.
cds_archive() {
  "$java_cmd" -XX:+UseSerialGC -Xshare:dump -XX:SharedArchiveFile="$work/$1.jsa" \
    -XX:SharedClassListFile="$root/operator/src/main/cds/$1.classlist" -cp "$jar" \
    > "$work/cds-dump-$1.log" 2>&1 || { tail -n 20 "$work/cds-dump-$1.log" >&2; return 1; }
  echo "-XX:SharedArchiveFile=$work/$1.jsa"
}
agent_cds="$(cds_archive agent)"; controller_cds="$(cds_archive controller)"
# The memory limit of the chart's workload of kind $1 (deploy/, rendered from the chart), as MaxRAM.
memory_limit() {
  local limit
  limit="$(k create --dry-run=client -f "$root/deploy/thinpool-operator.yaml" \
    -o jsonpath='{.kind}{" "}{.spec.template.spec.containers[0].resources.limits.memory}{"\n"}' \
    | awk -v kind="$1" '$1 == kind {print $2}')"
  [[ "$limit" =~ ^[0-9]+Mi$ ]] || { echo "the chart's $1 memory limit is not in Mi: '$limit'" >&2; return 1; }
  echo "-XX:MaxRAM=${limit%Mi}m"
}
agent_max_ram="$(memory_limit DaemonSet)"; controller_max_ram="$(memory_limit Deployment)"
agent_jvm=(${THINPOOL_AGENT_JVM:-$image_jvm} "$agent_cds" "$agent_max_ram")
controller_jvm=(${THINPOOL_CONTROLLER_JVM:-$image_jvm} "$controller_cds" "$controller_max_ram")
if [ "${BENCH_NMT:-0}" = 1 ]; then
  agent_jvm+=(-XX:NativeMemoryTracking=summary); controller_jvm+=(-XX:NativeMemoryTracking=summary)
fi
idle_seconds="${BENCH_IDLE_SECONDS:-120}"
ms_since() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }
# Polls every 0.1 s (startup differences below a second matter here), up to $2 seconds.
wait_for() { local what="$1" limit="$2"; shift 2
  for _ in $(seq 1 $(( limit * 10 ))); do "$@" && return 0; sleep 0.1; done
  echo "gave up waiting for: $what"; tail -n 30 "$work"/controller.log "$work"/agent.log 2>/dev/null; return 1; }
# A watch writes the ThinPool's name when it appears: polling its output costs nothing, while a
# kubectl every 0.1 s would take CPU from the JVM being timed.
k get tp --watch -o name > "$work/tp-watch" 2>&1 & pids+=($!)
pool_exists() { grep -qs demo.demo-node "$work/tp-watch"; }

step "starting the controller with: ${controller_jvm[*]}"
t_controller=$(date +%s%N)
start_controller "${controller_jvm[@]}"
apply_config
wait_for "the controller's first ThinPool" 120 pool_exists
controller_first_ms=$(ms_since "$t_controller")

step "starting the agent with: ${agent_jvm[*]}"
t_agent=$(date +%s%N)
start_agent 30 "${agent_jvm[@]}"
wait_for "the agent's first reconcile" 120 grep -qs "running \`" "$work/agent.log"
agent_first_ms=$(ms_since "$t_agent")
wait_for "the pool to be ready" 180 pool_ready
agent_ready_ms=$(ms_since "$t_agent")

step "both idle for ${idle_seconds}s (the agent refreshes every 30 s, the controller renews its lease every 2 s)"
ticks=$(getconf CLK_TCK)
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
rss_kib() { awk '/VmRSS/ {print $2}' "/proc/$1/status"; }
agent_cpu0=$(cpu_ticks "$agent_pid"); controller_cpu0=$(cpu_ticks "$controller_pid")
agent_max=0; controller_max=0
for _ in $(seq 1 $(( idle_seconds / 5 ))); do
  sleep 5
  r=$(rss_kib "$agent_pid"); [ "$r" -gt "$agent_max" ] && agent_max=$r
  r=$(rss_kib "$controller_pid"); [ "$r" -gt "$controller_max" ] && controller_max=$r
done
agent_cpu=$(( $(cpu_ticks "$agent_pid") - agent_cpu0 ))
controller_cpu=$(( $(cpu_ticks "$controller_pid") - controller_cpu0 ))
agent_now=$(rss_kib "$agent_pid"); controller_now=$(rss_kib "$controller_pid")
# The anonymous part of the RSS (heap, metaspace, stacks, malloc): the rest is clean file pages
# (libjvm, the CDS archive, the JRE's modules), which the kernel can reclaim under a pod's limit.
anon_kib() { awk '/RssAnon/ {print $2}' "/proc/$1/status"; }
agent_anon=$(anon_kib "$agent_pid"); controller_anon=$(anon_kib "$controller_pid")
# The whole RSS by what is mapped, in MiB: the CDS archive (its written part is anonymous, the
# rest clean file pages), libjvm, the runtime's modules file (classes not in the archive), other
# anonymous memory (heap, metaspace, code cache, stacks, malloc) and the other files mapped.
rss_parts() {
  awk '/^[0-9a-f]+-[0-9a-f]+ / { f = $6
         part = (f == "" || f ~ /^\[/) ? "anon" : f ~ /\.jsa$/ ? "cds" : f ~ /libjvm\.so$/ ? "jvm" : f ~ /\/lib\/modules$/ ? "modules" : "other"
         next }
       /^Rss:/ { kib[part] += $2 }
       END { printf "%d/%d/%d/%d/%d", kib["cds"] / 1024, kib["jvm"] / 1024, kib["modules"] / 1024, kib["anon"] / 1024, kib["other"] / 1024 }' "/proc/$1/smaps"
}
agent_parts=$(rss_parts "$agent_pid"); controller_parts=$(rss_parts "$controller_pid")

# Read after the RSS samples: attaching starts a thread and loads a few classes in the target.
# "N classes (M shared)": all classes loaded, M of them mapped from the CDS archive.
classes() { jcmd "$1" VM.metaspace | sed -n 's/^Total Usage - .*loaders, \(.*\):$/\1/p'; }
agent_classes=$(classes "$agent_pid"); controller_classes=$(classes "$controller_pid")
if [ "${BENCH_NMT:-0}" = 1 ]; then
  for who in agent controller; do pid_var="${who}_pid"
    printf '\n%s native memory (committed):\n' "$who"
    jcmd "${!pid_var}" VM.native_memory summary scale=KB | grep -E '^(Total|-)' | sed -E 's/\(reserved=[0-9]+KB, //; s/\)$//'
  done
fi

cpu_percent() { awk -v d="$1" -v t="$ticks" -v s="$idle_seconds" 'BEGIN { printf "%.2f%%", d * 100 / t / s }'; }
printf '\nagent JVM options:       %s\n' "${agent_jvm[*]}"
printf 'controller JVM options:  %s\n' "${controller_jvm[*]}"
printf '%-34s %-28s %s\n' "" agent controller
printf '%-34s %-28s %s\n' "start to first reconcile / TP:" "${agent_first_ms} ms" "${controller_first_ms} ms"
printf '%-34s %-28s %s\n' "start to pool Ready (built):" "${agent_ready_ms} ms" "-"
printf '%-34s %-28s %s\n' "idle RSS (max over ${idle_seconds}s):" \
  "$(( agent_max / 1024 )) MiB (now $(( agent_now / 1024 )))" "$(( controller_max / 1024 )) MiB (now $(( controller_now / 1024 )))"
printf '%-34s %-28s %s\n' "of which anonymous (now):" "$(( agent_anon / 1024 )) MiB" "$(( controller_anon / 1024 )) MiB"
printf '%-34s %-28s %s\n' "CDS/libjvm/modules/anon/other:" "$agent_parts MiB" "$controller_parts MiB"
printf '%-34s %-28s %s\n' "classes loaded:" "$agent_classes" "$controller_classes"
printf '%-34s %-28s %s\n' "idle CPU (of one core):" "$(cpu_percent "$agent_cpu")" "$(cpu_percent "$controller_cpu")"
