package io.thinpool.operator.bench;

import io.fabric8.kubeapitest.KubeAPIServer;
import io.fabric8.kubeapitest.KubeAPIServerConfigBuilder;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.javaoperatorsdk.operator.Operator;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.thinpool.operator.Operators;
import io.thinpool.operator.api.NodeSelector;
import io.thinpool.operator.api.ThinPoolConfig;
import io.thinpool.operator.api.ThinPoolConfigSpec;
import io.thinpool.operator.api.ThinPoolConfigStatus;
import io.thinpool.operator.bench.ClientTraffic.Totals;
import io.thinpool.operator.lvm.FakeLvmNode;
import io.thinpool.operator.testk8s.Chart;
import io.thinpool.operator.testk8s.KubeApi;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Project issue 3, scale: N node agents in one JVM, each with its own in-memory LVM node
 * (FakeLvmNode, one blank disk), its own KubernetesClient acting as the agent's service account
 * under the chart's RBAC, and the real agent wiring (Operators.agent); the real controller; a real
 * kube-apiserver. Prints API requests and bytes per agent, idle (per minute) and per change, and
 * how long ThinPoolConfig.status takes to reflect a change on all N nodes. A benchmark, not a test:
 * it asserts nothing. Run it with scripts/bench-scale.sh.
 *
 * <p>Both changes flip every node's phase, so the config's status reflects all N nodes exactly when
 * {@code nodesDegraded} reaches N or 0. The pool is 70% of the VG, so exactly one autoextend step
 * of 20% fits. (1) On the nodes: dmeventd extends every pool (no API event: each agent sees it at
 * its next refresh), after which no further step fits: Degraded (NoRoom). (2) In the API: the
 * config's extendPercent goes from 20 to 5; the controller updates every ThinPool, each agent
 * rewrites its profile, and the smaller step fits again: Ready.
 *
 * <p>Traffic is counted twice: by each client (an interceptor: requests by verb and resource, body
 * bytes sent and received, watch streams included), which tells the agents' traffic from the
 * controller's; and by the API server (its /metrics: requests, read responses, request bodies,
 * watch events), which sees every client together, its own loopback traffic included.
 */
public final class ScaleBenchmark {

  private static final long DISK = 2L * 1024 * 1024 * 1024;
  private static final String CONFIG = "scale";
  private static final String STORAGE_LABEL = "thinpool.io/storage";
  private static final int START_PARALLELISM = 8;
  private static final Duration QUIET = Duration.ofSeconds(5);

  private final int agentCount;
  private final Duration refresh;
  private final Duration idleWindow;
  private final Duration timeout;

  private final List<FakeLvmNode> nodes = new ArrayList<>();
  private final List<ClientTraffic> agentTraffic = new ArrayList<>();
  private final ClientTraffic controllerTraffic = new ClientTraffic();
  private final ClientTraffic benchmarkTraffic = new ClientTraffic();
  private final List<Operator> operators = Collections.synchronizedList(new ArrayList<>());

  private KubeAPIServer server;
  private KubernetesClient admin;

  private ScaleBenchmark(int agentCount, Duration refresh, Duration idleWindow, Duration timeout) {
    this.agentCount = agentCount;
    this.refresh = refresh;
    this.idleWindow = idleWindow;
    this.timeout = timeout;
  }

  public static void main(String[] args) {
    if (args.length != 1) {
      throw new IllegalArgumentException("usage: ScaleBenchmark <number of agents>");
    }
    ScaleBenchmark benchmark =
        new ScaleBenchmark(
            Integer.parseInt(args[0]),
            Duration.ofSeconds(Long.getLong("bench.refreshSeconds", 30)),
            Duration.ofSeconds(Long.getLong("bench.idleSeconds", 60)),
            Duration.ofSeconds(Long.getLong("bench.timeoutSeconds", 600)));
    int exitCode = 0;
    try {
      benchmark.run();
    } catch (Exception | Error e) {
      e.printStackTrace();
      exitCode = 1;
    } finally {
      benchmark.stop();
    }
    System.exit(exitCode); // JOSDK's reconcile pools are non-daemon threads
  }

  /** Every counter at one moment. */
  private record Snapshot(
      long nanos,
      Map<String, Totals> agents,
      long[] requestsPerAgent,
      Map<String, Totals> controller,
      ApiServerMetrics apiServer) {}

  /** What the counters did between two snapshots. */
  private record Window(Snapshot from, Snapshot to) {

    double seconds() {
      return (to.nanos() - from.nanos()) / 1e9;
    }

    double minutes() {
      return seconds() / 60;
    }

    Map<String, Totals> agents() {
      return ClientTraffic.delta(to.agents(), from.agents());
    }

    long[] requestsPerAgent() {
      long[] each = new long[to.requestsPerAgent().length];
      Arrays.setAll(each, i -> to.requestsPerAgent()[i] - from.requestsPerAgent()[i]);
      return each;
    }

    Map<String, Totals> controller() {
      return ClientTraffic.delta(to.controller(), from.controller());
    }

    ApiServerMetrics apiServer() {
      return to.apiServer().since(from.apiServer());
    }
  }

  /** A change: how long until the config's status showed it on every node, and its traffic. */
  private record Change(double seconds, Window window) {}

  private void run() throws Exception {
    KubeApi.requireLocalBinaries();
    log(
        "N=%d agents, refresh every %ds, idle window %ds",
        agentCount, refresh.toSeconds(), idleWindow.toSeconds());
    double agentsStarted = startApiServerAndAgents();
    double setup = applyConfig();

    Snapshot before = snapshot();
    Thread.sleep(idleWindow.toMillis());
    Window idle = new Window(before, snapshot());
    report("idle: steady state, refreshes only", idle);

    Change nodeSide = dmeventdExtendsEveryPool();
    report("node-side change: dmeventd extended every pool", nodeSide.window());
    Change apiSide = configSpecChange();
    report("API-side change: the config's spec patched", apiSide.window());

    System.gc();
    var heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
    int threads = ManagementFactory.getThreadMXBean().getThreadCount();
    log(
        "benchmark JVM: heap used %d MiB after GC (max %d MiB), RSS %d MiB, %d threads: %s",
        heap.getUsed() >> 20, heap.getMax() >> 20, residentKib() >> 10, threads, threadsByName());
    ApiServerMetrics apiServer = ApiServerMetrics.scrape(admin);
    log(
        "API server: RSS %d MiB, %d goroutines",
        apiServer.residentBytes() >> 20, apiServer.goroutines());

    Totals idleAgents = ClientTraffic.total(idle.agents());
    Totals idleController = ClientTraffic.total(idle.controller());
    System.out.println(
        new ScaleTable.Row(
                agentCount,
                agentsStarted,
                setup,
                idleAgents.requests() / (double) agentCount / idle.minutes(),
                idleAgents.bytes() / (double) agentCount / idle.minutes(),
                idleController.requests() / idle.minutes(),
                idleController.bytes() / idle.minutes(),
                idle.apiServer().sum(ApiServerMetrics.REQUESTS) / agentCount / idle.minutes(),
                idle.apiServer().bytes() / agentCount / idle.minutes(),
                perAgent(nodeSide),
                perAgent(apiSide),
                heap.getUsed() >> 20,
                threads)
            .line());
  }

  /** Returns how long the agents took to start, all informers synced. */
  private double startApiServerAndAgents() throws Exception {
    long start = System.nanoTime();
    server =
        new KubeAPIServer(
            KubeAPIServerConfigBuilder.anAPIServerConfig().withUpdateKubeConfig(false).build());
    server.start();
    admin = client(Config.fromKubeconfig(server.getKubeConfigYaml()), benchmarkTraffic);
    log("API server up in %.1fs", since(start));
    KubeApi.installCrds(admin);
    KubeApi.installChartRbac(admin); // the controller's lease permission too, in its namespace

    start = System.nanoTime();
    for (int i = 0; i < agentCount; i++) {
      admin
          .resource(
              new NodeBuilder()
                  .withNewMetadata()
                  .withName(nodeName(i))
                  .addToLabels(STORAGE_LABEL, "true")
                  .endMetadata()
                  .build())
          .create();
    }
    log("%d Nodes created in %.1fs", agentCount, since(start));

    start = System.nanoTime();
    Config agent = identity(KubeApi.AGENT);
    for (int i = 0; i < agentCount; i++) {
      nodes.add(new FakeLvmNode(DISK, "/dev/sdb"));
      agentTraffic.add(new ClientTraffic());
    }
    ExecutorService starter = Executors.newFixedThreadPool(START_PARALLELISM);
    try {
      List<Future<?>> started = new ArrayList<>();
      for (int i = 0; i < agentCount; i++) {
        int n = i;
        started.add(
            starter.submit(
                () ->
                    start(
                        Operators.agent(
                            client(agent, agentTraffic.get(n)),
                            nodeName(n),
                            nodes.get(n),
                            refresh,
                            new SimpleMeterRegistry()))));
      }
      for (Future<?> f : started) {
        f.get();
      }
    } finally {
      starter.shutdown();
    }
    double agentsStarted = since(start);
    log("%d agents started (informers synced) in %.1fs", agentCount, agentsStarted);

    start(
        Operators.controller(
            client(identity(KubeApi.CONTROLLER), controllerTraffic), Chart.NAMESPACE, false));
    return agentsStarted;
  }

  /** Returns how long from applying the config until its status shows N/N ready. */
  private double applyConfig() throws InterruptedException {
    ThinPoolConfig config = new ThinPoolConfig();
    config.setMetadata(new ObjectMetaBuilder().withName(CONFIG).build());
    ThinPoolConfigSpec spec = new ThinPoolConfigSpec();
    spec.devices = List.of("/dev/sdb");
    spec.nodeSelector = new NodeSelector();
    spec.nodeSelector.matchLabels.put(STORAGE_LABEL, "true");
    spec.dataPercentOfVg = 70; // room for exactly one autoextend step: see the class comment
    config.setSpec(spec);

    long start = System.nanoTime();
    admin.resource(config).create();
    awaitConfig("N/N ready", s -> allReady(s) && zero(s.nodesDegraded));
    double setup = since(start);
    log("ThinPoolConfig applied -> status %d/%d ready: %.1fs", agentCount, agentCount, setup);
    awaitQuiet();
    return setup;
  }

  private Change dmeventdExtendsEveryPool() throws InterruptedException {
    Snapshot before = snapshot();
    for (FakeLvmNode node : nodes) {
      node.fill("docker", "thinpool", 85.0); // past the 80% threshold
      if (!node.autoextend("docker", "thinpool", 20)) {
        throw new IllegalStateException("the simulated dmeventd found no room to extend");
      }
    }
    awaitConfig("all nodes degraded", s -> Integer.valueOf(agentCount).equals(s.nodesDegraded));
    double seconds = since(before.nanos());
    log("dmeventd extended every pool -> status %d degraded: %.1fs", agentCount, seconds);
    awaitQuiet();
    return new Change(seconds, new Window(before, snapshot()));
  }

  private Change configSpecChange() throws InterruptedException {
    Snapshot before = snapshot();
    long generation =
        admin
            .resources(ThinPoolConfig.class)
            .withName(CONFIG)
            .edit(
                c -> {
                  c.getSpec().autoextend.extendPercent = 5;
                  return c;
                })
            .getMetadata()
            .getGeneration();
    awaitConfig(
        "all nodes ready again at generation " + generation,
        s ->
            Long.valueOf(generation).equals(s.observedGeneration)
                && zero(s.nodesDegraded)
                && allReady(s));
    double seconds = since(before.nanos());
    log("extendPercent 20 -> 5 -> status 0 degraded: %.1fs", seconds);
    awaitQuiet();
    return new Change(seconds, new Window(before, snapshot()));
  }

  private void start(Operator operator) {
    operators.add(operator);
    operator.start();
  }

  /**
   * A client of its own (the JDK HTTP client, as the agent's), its traffic counted. Watches go over
   * plain HTTP instead of fabric8's default websocket: the same events, but the API server's
   * apiserver_watch_events_sizes and the client's interceptor only see HTTP watch streams.
   */
  private KubernetesClient client(Config config, ClientTraffic traffic) {
    return new KubernetesClientBuilder()
        .withConfig(new ConfigBuilder(config).withOnlyHttpWatches(true).build())
        .withHttpClientBuilderConsumer(traffic::install)
        .build();
  }

  /** The configuration KubeApi.as gives {@code user}: the chart's RBAC, nothing more. */
  private Config identity(String user) {
    try (KubernetesClient as = KubeApi.as(admin, user)) {
      return as.getConfiguration();
    }
  }

  /** Waits on a watch (one request, not polling) until the config's status satisfies it. */
  private void awaitConfig(String what, Predicate<ThinPoolConfigStatus> done) {
    try {
      admin
          .resources(ThinPoolConfig.class)
          .withName(CONFIG)
          .waitUntilCondition(
              c -> c != null && c.getStatus() != null && done.test(c.getStatus()),
              timeout.toSeconds(),
              TimeUnit.SECONDS);
    } catch (RuntimeException e) {
      ThinPoolConfig config = admin.resources(ThinPoolConfig.class).withName(CONFIG).get();
      ThinPoolConfigStatus s = config == null ? null : config.getStatus();
      throw new IllegalStateException(
          String.format(
              "gave up after %ds waiting for %s; status: %s",
              timeout.toSeconds(),
              what,
              s == null
                  ? "none"
                  : "ready "
                      + s.ready
                      + ", degraded "
                      + s.nodesDegraded
                      + ", generation "
                      + s.observedGeneration),
          e);
    }
  }

  /**
   * Waits until the agents and the controller have sent nothing for {@link #QUIET}, so that a
   * change's window holds its whole cost. The controller's lease renewals never stop: left out.
   */
  private void awaitQuiet() throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    long last = -1;
    long quietSince = System.nanoTime();
    while (System.nanoTime() < deadline) {
      long now =
          agentTraffic.stream().mapToLong(a -> a.total().requests()).sum()
              + controllerTraffic.total("leases").requests();
      if (now != last) {
        last = now;
        quietSince = System.nanoTime();
      } else if (System.nanoTime() - quietSince >= QUIET.toNanos()) {
        return;
      }
      Thread.sleep(250);
    }
    throw new IllegalStateException("the agents and the controller never went quiet");
  }

  private Snapshot snapshot() {
    return new Snapshot(
        System.nanoTime(),
        ClientTraffic.sum(agentTraffic),
        agentTraffic.stream().mapToLong(a -> a.total().requests()).toArray(),
        controllerTraffic.byKind(),
        ApiServerMetrics.scrape(admin));
  }

  private void report(String title, Window w) {
    Totals agents = ClientTraffic.total(w.agents());
    Totals controller = ClientTraffic.total(w.controller());
    long[] perAgent = w.requestsPerAgent();
    Arrays.sort(perAgent);
    log("--- %s: %.1fs window", title, w.seconds());
    log(
        "  agents, each one's own client, summed: %d requests, %d B sent, %d B received;"
            + " per agent %.2f requests (median %d, max %d) and %.0f B",
        agents.requests(),
        agents.sent(),
        agents.received(),
        agents.requests() / (double) agentCount,
        perAgent[perAgent.length / 2],
        perAgent[perAgent.length - 1],
        agents.bytes() / (double) agentCount);
    w.agents().forEach((kind, t) -> log("    %-34s %s", kind, describe(t)));
    log(
        "  controller: %d requests, %d B sent, %d B received",
        controller.requests(), controller.sent(), controller.received());
    w.controller().forEach((kind, t) -> log("    %-34s %s", kind, describe(t)));
    ApiServerMetrics s = w.apiServer();
    log(
        "  API server, all clients: %.0f requests, %.0f B read responses, %.0f B request bodies,"
            + " %.0f B in %.0f watch events",
        s.sum(ApiServerMetrics.REQUESTS),
        s.sum(ApiServerMetrics.RESPONSE_BYTES),
        s.sum(ApiServerMetrics.REQUEST_BODY_BYTES),
        s.sum(ApiServerMetrics.WATCH_EVENT_BYTES),
        s.sum(ApiServerMetrics.WATCH_EVENTS));
    s.byKind(ApiServerMetrics.REQUESTS)
        .forEach(
            (kind, count) ->
                log(
                    "    %-34s %5.0f requests %9.0f B read responses",
                    kind,
                    count,
                    s.byKind(ApiServerMetrics.RESPONSE_BYTES).getOrDefault(kind, 0.0)));
    s.byKind(ApiServerMetrics.WATCH_EVENT_BYTES)
        .forEach(
            (kind, bytes) ->
                log(
                    "    %-34s %5.0f events   %9.0f B",
                    kind, s.byKind(ApiServerMetrics.WATCH_EVENTS).getOrDefault(kind, 0.0), bytes));
  }

  private static String describe(Totals t) {
    return String.format(
        "%5d requests %9d B sent %9d B received", t.requests(), t.sent(), t.received());
  }

  private ScaleTable.Change perAgent(Change change) {
    Totals agents = ClientTraffic.total(change.window().agents());
    return new ScaleTable.Change(
        change.seconds(),
        agents.requests() / (double) agentCount,
        agents.bytes() / (double) agentCount);
  }

  private void stop() {
    ExecutorService stopper = Executors.newFixedThreadPool(START_PARALLELISM);
    operators.forEach(o -> stopper.submit(o::stop));
    stopper.shutdown();
    try {
      stopper.awaitTermination(2, TimeUnit.MINUTES);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (admin != null) {
      admin.close();
    }
    if (server != null) {
      server.stop();
    }
  }

  private boolean allReady(ThinPoolConfigStatus status) {
    return (agentCount + "/" + agentCount).equals(status.ready);
  }

  private static boolean zero(Integer count) {
    return count != null && count == 0;
  }

  private static String nodeName(int i) {
    return String.format("node-%04d", i);
  }

  /** Thread counts by name with the numbers taken out (which pools they are), and one example. */
  private static String threadsByName() {
    return Thread.getAllStackTraces().keySet().stream()
        .map(Thread::getName)
        .collect(Collectors.groupingBy(name -> name.replaceAll("\\d+", "#")))
        .values()
        .stream()
        .sorted(Comparator.comparing(List<String>::size).reversed())
        .limit(6)
        .map(names -> names.size() + " like \"" + names.get(0) + "\"")
        .collect(Collectors.joining(", "));
  }

  private static long residentKib() {
    try {
      return Files.readAllLines(Path.of("/proc/self/status")).stream()
          .filter(l -> l.startsWith("VmRSS:"))
          .mapToLong(l -> Long.parseLong(l.replaceAll("\\D", "")))
          .findFirst()
          .orElse(0);
    } catch (IOException e) {
      return 0;
    }
  }

  private static double since(long nanos) {
    return (System.nanoTime() - nanos) / 1e9;
  }

  private static void log(String format, Object... args) {
    System.out.printf(format + "%n", args);
  }
}
