package io.thinpool.operator.bench.peer;

import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.thinpool.operator.api.ConditionTypes;
import io.thinpool.operator.api.ThinPool;
import io.thinpool.operator.api.ThinPoolStatus;
import io.thinpool.operator.lvm.host.CommandResult;
import io.thinpool.operator.lvm.host.HostCommand;
import io.thinpool.operator.status.Conditions;
import io.thinpool.operator.testk8s.Chart;
import io.thinpool.operator.testnode.NodeVm;
import io.thinpool.operator.testnode.Processes;
import io.thinpool.operator.testnode.ProductImage;
import io.thinpool.operator.testnode.RealCluster;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The agent beside its closest peer, LVMS's vg-manager, on one real node in one run (issue 24):
 * both DaemonSets on the node of the real-node tier, each building a thin pool on its own blank
 * disk from its own resource, then idle, then filled past its end. Prints one table. A benchmark,
 * not a test: it asserts nothing. Run it with scripts/bench-peer.sh, which builds vg-manager.
 */
public final class PeerBenchmark {

  private static final String CONFIG = "bench";
  private static final String OUR_VOLUME_GROUP = "docker";
  private static final String OUR_POOL = "thinpool";

  /** Of the VG: room for autoextend to act before the pool is full (the runbook's 90% has none). */
  private static final int OUR_DATA_PERCENT = 60;

  private static final Duration SAMPLE_EVERY = Duration.ofSeconds(10);

  /** One tool as the node runs it. */
  private record Tool(String name, String namespace, String container, String process) {}

  private static final Tool OURS = new Tool("thinpool agent", Chart.NAMESPACE, "agent", "java");
  private static final Tool PEER =
      new Tool("LVMS vg-manager", Lvms.NAMESPACE, Lvms.CONTAINER, Lvms.PROCESS);

  /** Applying the resource to a ready pool: how long, and the LVM commands the tool ran. */
  private record Ready(Duration took, List<LvmCalls.Call> calls) {}

  /** The idle window's figures, from the kubelet every {@link #SAMPLE_EVERY}. */
  private record Idle(
      long workingSetMin,
      long workingSetMax,
      long workingSetLast,
      long rssMax,
      long rssLast,
      double cpuPercent,
      double lvmPerMinute) {}

  /** A pool filled past its end: when LVM said full, what the tool's status said and when. */
  private record Full(
      Duration untilFull,
      Optional<Duration> saidAfterFull,
      String says,
      long poolMibBefore,
      long poolMibAfter) {}

  private final RealCluster cluster;
  private final NodeVm node;
  private final LvmCalls calls;
  private final Lvms lvms;
  private final Duration idleWindow;
  private final Duration fullWait;

  private PeerBenchmark(RealCluster cluster, LvmCalls calls, Lvms lvms) {
    this.cluster = cluster;
    this.node = cluster.node();
    this.calls = calls;
    this.lvms = lvms;
    this.idleWindow = Duration.ofSeconds(Long.getLong("bench.idleSeconds", 300));
    this.fullWait = Duration.ofSeconds(Long.getLong("bench.fullWaitSeconds", 300));
  }

  /** Arguments: the LVMS image, the downloaded LVMS module's directory, src/bench/lvms. */
  public static void main(String[] args) throws Exception {
    String lvmsImage = args[0];
    Path module = Path.of(args[1]);
    Path manifests = Path.of(args[2]);
    Instant start = Instant.now();
    try (RealCluster cluster = RealCluster.start(List.of(lvmsImage))) {
      LvmCalls calls = LvmCalls.install(cluster.node());
      Lvms lvms = new Lvms(cluster, manifests, module, lvmsImage);
      new PeerBenchmark(cluster, calls, lvms).run(lvmsImage);
    }
    log("benchmark done in %d s", Duration.between(start, Instant.now()).toSeconds());
  }

  private void run(String lvmsImage) throws Exception {
    log("deploying both: the chart with its defaults, vg-manager as LVMS deploys it");
    cluster.installChart(Map.of(), Duration.ofMinutes(5));
    lvms.deploy();
    await("vg-manager running").atMost(Duration.ofMinutes(5)).until(lvms::running);
    cluster.labelNodeForPools();

    Ready ours = ourPoolReady();
    log("agent: pool ready in %.1f s, %d LVM commands", seconds(ours.took()), ours.calls().size());
    Ready peer = peerPoolReady();
    log(
        "vg-manager: pool ready in %.1f s, %d LVM commands",
        seconds(peer.took()), peer.calls().size());

    log("both idle for %d s, sampled every %d s", idleWindow.toSeconds(), SAMPLE_EVERY.toSeconds());
    Map<Tool, Idle> idle = idle(List.of(OURS, PEER));

    log(
        "filling the agent's pool (autoextend possible: the pool is %d%% of its VG)",
        OUR_DATA_PERCENT);
    Full ourFull = fill(OUR_VOLUME_GROUP, OUR_POOL, this::ourUnhealthy);
    log("filling vg-manager's pool (LVMS sets no autoextend)");
    Full peerFull = fill(Lvms.VOLUME_GROUP, Lvms.POOL, this::peerNotReady);

    print(ours, peer, idle, ourFull, peerFull, lvmsImage);
  }

  private Ready ourPoolReady() {
    Instant applied = Instant.now();
    cluster.createConfig(
        CONFIG,
        spec -> {
          spec.devices = List.of(NodeVm.disk(0));
          spec.dataPercentOfVg = OUR_DATA_PERCENT;
        });
    await("the agent's pool Ready")
        .atMost(Duration.ofMinutes(5))
        .pollInterval(Duration.ofMillis(250))
        .until(() -> ourStatus().map(s -> Conditions.isTrue(s.conditions, "Ready")).orElse(false));
    Instant ready = Instant.now();
    return new Ready(Duration.between(applied, ready), calls.by(OURS.process(), applied, ready));
  }

  private Ready peerPoolReady() {
    Instant applied = Instant.now();
    lvms.applyVolumeGroup(NodeVm.disk(1));
    await("vg-manager's volume group Ready")
        .atMost(Duration.ofMinutes(5))
        .pollInterval(Duration.ofMillis(250))
        .until(() -> lvms.status().filter(s -> s.startsWith("Ready")).isPresent());
    Instant ready = Instant.now();
    return new Ready(Duration.between(applied, ready), calls.by(PEER.process(), applied, ready));
  }

  private Map<Tool, Idle> idle(List<Tool> tools) throws InterruptedException {
    Map<Tool, List<KubeletSummary>> samples = new LinkedHashMap<>();
    tools.forEach(t -> samples.put(t, new ArrayList<>()));
    Instant from = Instant.now();
    Instant until = from.plus(idleWindow);
    while (true) {
      for (Tool t : tools) {
        samples.get(t).add(KubeletSummary.of(cluster.client(), t.namespace(), t.container()));
      }
      if (!Instant.now().isBefore(until)) {
        break;
      }
      Thread.sleep(SAMPLE_EVERY.toMillis());
    }
    Instant to = Instant.now();
    double minutes = Duration.between(from, to).toMillis() / 60_000.0;
    return samples.entrySet().stream()
        .collect(
            Collectors.toMap(
                Map.Entry::getKey,
                e -> {
                  List<KubeletSummary> s = e.getValue();
                  KubeletSummary first = s.get(0);
                  KubeletSummary last = s.get(s.size() - 1);
                  return new Idle(
                      s.stream().mapToLong(KubeletSummary::workingSetBytes).min().orElseThrow(),
                      s.stream().mapToLong(KubeletSummary::workingSetBytes).max().orElseThrow(),
                      last.workingSetBytes(),
                      s.stream().mapToLong(KubeletSummary::rssBytes).max().orElseThrow(),
                      last.rssBytes(),
                      (last.cpuNanos() - first.cpuNanos()) / 1e7 / (minutes * 60),
                      calls.by(e.getKey().process(), from, to).size() / minutes);
                },
                (a, b) -> a,
                LinkedHashMap::new));
  }

  /**
   * A thin volume larger than the pool, written with zeros in the background until the kernel fails
   * the writes; meanwhile LVM is asked every second whether the pool is full and the tool's status
   * whether it says so, until it does or {@link #fullWait} after the pool filled.
   */
  private Full fill(String volumeGroup, String pool, Supplier<Optional<String>> statusSays)
      throws InterruptedException {
    long sizeBefore = poolMib(volumeGroup, pool);
    node.must("lvcreate", "--yes", "-V", "4G", "-T", volumeGroup + "/" + pool, "-n", "filler");
    Instant started = Instant.now();
    CompletableFuture<CommandResult> writing =
        CompletableFuture.supplyAsync(
            () ->
                node.run(
                    new HostCommand(
                        List.of(
                            "timeout",
                            "600",
                            "dd",
                            "if=/dev/zero",
                            "of=/dev/" + volumeGroup + "/filler",
                            "bs=4M",
                            "oflag=direct",
                            "status=none"),
                        null,
                        Duration.ofMinutes(11))));
    Instant full = null;
    Optional<String> says = Optional.empty();
    Optional<Duration> saidAfterFull = Optional.empty();
    while (full == null || Instant.now().isBefore(full.plus(fullWait))) {
      if (full == null && dataPercent(volumeGroup, pool) >= 100.0) {
        full = Instant.now();
        log(
            "%s/%s full after %d s",
            volumeGroup, pool, Duration.between(started, full).toSeconds());
      }
      says = statusSays.get();
      if (says.isPresent() && full != null) {
        saidAfterFull = Optional.of(Duration.between(full, Instant.now()));
        break;
      }
      if (Duration.between(started, Instant.now()).compareTo(Duration.ofMinutes(10)) > 0) {
        break; // never full: the table says so
      }
      Thread.sleep(1000);
    }
    writing.join();
    return new Full(
        full == null ? Duration.ZERO : Duration.between(started, full),
        saidAfterFull,
        says.orElse(""),
        sizeBefore,
        poolMib(volumeGroup, pool));
  }

  private long poolMib(String volumeGroup, String pool) {
    return Long.parseLong(
            node.must(
                    "lvs",
                    "--noheadings",
                    "--units",
                    "b",
                    "--nosuffix",
                    "-o",
                    "lv_size",
                    volumeGroup + "/" + pool)
                .strip())
        >> 20;
  }

  private double dataPercent(String volumeGroup, String pool) {
    String out =
        node.must("lvs", "--noheadings", "-o", "data_percent", volumeGroup + "/" + pool).strip();
    return out.isEmpty() ? 0 : Double.parseDouble(out.replace(',', '.'));
  }

  private Optional<ThinPoolStatus> ourStatus() {
    ThinPool pool =
        cluster
            .client()
            .resources(ThinPool.class)
            .withName(ThinPool.nameFor(CONFIG, RealCluster.NODE))
            .get();
    return Optional.ofNullable(pool).map(ThinPool::getStatus);
  }

  /** The agent's word once its pool is not healthy: phase, Healthy's reason and message. */
  private Optional<String> ourUnhealthy() {
    return ourStatus()
        .flatMap(
            s ->
                s.conditions.stream()
                    .filter(c -> c.getType().equals(ConditionTypes.HEALTHY))
                    .filter(c -> !"True".equals(c.getStatus()))
                    .findFirst()
                    .map(c -> "phase " + s.phase + ", " + describe(c)));
  }

  /** The agent's Events on its ThinPool: reason and how many times it was recorded. */
  private List<String> ourEvents() {
    String name = ThinPool.nameFor(CONFIG, RealCluster.NODE);
    return cluster.client().v1().events().inNamespace("default").list().getItems().stream()
        .filter(e -> name.equals(e.getInvolvedObject().getName()))
        .map(e -> e.getReason() + " x" + e.getCount())
        .sorted()
        .toList();
  }

  /** vg-manager's word once its volume group is not Ready. */
  private Optional<String> peerNotReady() {
    return lvms.status().filter(s -> !s.startsWith("Ready"));
  }

  private static String describe(Condition c) {
    return c.getType() + "=" + c.getStatus() + " " + c.getReason() + ": " + c.getMessage();
  }

  private void print(
      Ready ours, Ready peer, Map<Tool, Idle> idle, Full ourFull, Full peerFull, String lvmsImage) {
    Idle oi = idle.get(OURS);
    Idle pi = idle.get(PEER);
    String row = "%-44s | %-26s | %-26s%n";
    StringBuilder t = new StringBuilder();
    t.append(
        String.format(
            "%nOne run, %s, this machine (qemu TCG node, 2 vCPUs, 2.5 GiB; %s):%n",
            LocalDate.now(), node.image().versions().replace("\n", ", ")));
    t.append(String.format(row, "", OURS.name(), PEER.name()));
    t.append(
        String.format(
            row,
            "image (docker image inspect)",
            mb(imageBytes(ProductImage.NAME)),
            mb(imageBytes(lvmsImage))));
    t.append(String.format(row, "memory request / limit", resources(OURS), resources(PEER)));
    t.append(String.format(row, "apply -> pool ready", secs(ours.took()), secs(peer.took())));
    t.append(
        String.format(row, "LVM commands until ready", ours.calls().size(), peer.calls().size()));
    t.append(String.format(row, "idle working set min/max/last (MiB)", mib3(oi), mib3(pi)));
    t.append(
        String.format(
            row,
            "idle RSS max/last (MiB)",
            (oi.rssMax() >> 20) + " / " + (oi.rssLast() >> 20),
            (pi.rssMax() >> 20) + " / " + (pi.rssLast() >> 20)));
    t.append(
        String.format(row, "idle CPU (% of one core)", pct(oi.cpuPercent()), pct(pi.cpuPercent())));
    t.append(String.format(row, "idle LVM commands per minute", perMinute(oi), perMinute(pi)));
    t.append(
        String.format(
            row,
            "fill: dd start -> LVM says 100%",
            secs(ourFull.untilFull()),
            secs(peerFull.untilFull())));
    t.append(
        String.format(
            row,
            "fill: pool size before -> after (MiB)",
            ourFull.poolMibBefore() + " -> " + ourFull.poolMibAfter(),
            peerFull.poolMibBefore() + " -> " + peerFull.poolMibAfter()));
    t.append(
        String.format(row, "fill: pool full -> status says so", said(ourFull), said(peerFull)));
    t.append(
        String.format(
            "%nWhat each status said of the full pool:%n  %s: %s%n  %s: %s%n",
            OURS.name(), orNothing(ourFull), PEER.name(), orNothing(peerFull)));
    t.append(
        String.format(
            "%nEvents on the pool's resource:%n  %s: %s%n  %s: %s%n",
            OURS.name(), ourEvents(), PEER.name(), lvms.events()));
    t.append(
        String.format(
            "%nLVM commands until ready:%n  %s:%n%s  %s:%n%s",
            OURS.name(), commands(ours), PEER.name(), commands(peer)));
    System.out.print(t);
  }

  private String resources(Tool tool) {
    Pod pod =
        cluster.client().pods().inNamespace(tool.namespace()).list().getItems().stream()
            .filter(
                p ->
                    p.getSpec().getContainers().stream()
                        .anyMatch(c -> c.getName().equals(tool.container())))
            .findFirst()
            .orElseThrow();
    ResourceRequirements r =
        pod.getSpec().getContainers().stream()
            .filter(c -> c.getName().equals(tool.container()))
            .findFirst()
            .orElseThrow()
            .getResources();
    return quantity(r.getRequests()) + " / " + quantity(r.getLimits());
  }

  private static String quantity(Map<String, io.fabric8.kubernetes.api.model.Quantity> q) {
    return q == null || !q.containsKey("memory") ? "none" : q.get("memory").toString();
  }

  private String perMinute(Idle i) {
    return String.format(Locale.ROOT, "%.1f", i.lvmPerMinute());
  }

  private String said(Full f) {
    if (f.untilFull().isZero()) {
      return "the pool never filled";
    }
    return f.saidAfterFull()
        .map(PeerBenchmark::secs)
        .orElse("nothing within " + fullWait.toSeconds() + " s");
  }

  private static String orNothing(Full f) {
    return f.says().isEmpty() ? "(no change: still Ready)" : f.says();
  }

  /** The commands by program, with how many times each ran. */
  private static String commands(Ready r) {
    return r.calls().stream()
        .collect(Collectors.groupingBy(LvmCalls.Call::program, TreeMap::new, Collectors.counting()))
        .entrySet()
        .stream()
        .map(e -> "    " + e.getKey() + " x" + e.getValue() + "\n")
        .collect(Collectors.joining());
  }

  private static long imageBytes(String image) {
    return Long.parseLong(
        Processes.must(
                List.of("docker", "image", "inspect", "--format", "{{.Size}}", image),
                Duration.ofMinutes(1))
            .strip());
  }

  private static String mib3(Idle i) {
    return (i.workingSetMin() >> 20)
        + " / "
        + (i.workingSetMax() >> 20)
        + " / "
        + (i.workingSetLast() >> 20);
  }

  private static String mb(long bytes) {
    return String.format(Locale.ROOT, "%.0f MB", bytes / 1e6);
  }

  private static String secs(Duration d) {
    return String.format(Locale.ROOT, "%.1f s", seconds(d));
  }

  private static double seconds(Duration d) {
    return d.toMillis() / 1000.0;
  }

  private static String pct(double percent) {
    return String.format(Locale.ROOT, "%.2f%%", percent);
  }

  private static void log(String format, Object... args) {
    System.out.printf(
        "[peer-bench %s] %s%n", Instant.now(), String.format(Locale.ROOT, format, args));
  }
}
