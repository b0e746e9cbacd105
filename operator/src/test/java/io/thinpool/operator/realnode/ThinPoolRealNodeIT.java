package io.thinpool.operator.realnode;

import static io.thinpool.operator.testnode.NodeVm.disk;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.marcnuri.helm.Helm;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.thinpool.operator.api.ThinPool;
import io.thinpool.operator.api.ThinPoolConfig;
import io.thinpool.operator.status.Conditions;
import io.thinpool.operator.testk8s.Chart;
import io.thinpool.operator.testnode.ProductImage;
import io.thinpool.operator.testnode.RealCluster;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The product as users run it, on a real node: Helm installs the chart into a real cluster (a
 * control plane on this machine, one Debian node under qemu with its own kernel, systemd, udev,
 * lvm2-monitor, dmeventd, containerd and kubelet); a real kubelet runs the agent DaemonSet and the
 * controller Deployment from the image {@code docker build} made; the agent pod builds the node's
 * pool through nsenter into the host; the node's own dmeventd extends it. The steps follow one
 * another on the same cluster, as a user's day would.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ThinPoolRealNodeIT {

  private static final String CONFIG = "real-node";
  private static final String POOL = ThinPool.nameFor(CONFIG, RealCluster.NODE);
  private static final Duration POD_START = Duration.ofMinutes(6);
  private static final long FILL_BLOCK = 4L * 1024 * 1024;

  private static RealCluster cluster;
  private static KubernetesClient client;

  @BeforeAll
  static void startTheCluster() {
    cluster = RealCluster.start();
    client = cluster.client();
  }

  @AfterAll
  static void stopTheCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  @Order(1)
  void whenHelmInstallsTheChartThenTheKubeletRunsTheAgentAndTheControllerFromTheImage() {
    long start = System.nanoTime();
    new Helm(Chart.DIR)
        .install()
        .withName(Chart.RELEASE)
        .withNamespace(Chart.NAMESPACE)
        .createNamespace()
        .set("image.repository", ProductImage.NAME.substring(0, ProductImage.NAME.indexOf(':')))
        .set("image.tag", "dev")
        .withKubeConfigContents(cluster.controlPlane().adminKubeconfig())
        .call();

    await("the agent DaemonSet and the controller Deployment ready")
        .atMost(POD_START)
        .pollInterval(Duration.ofSeconds(2))
        .until(ThinPoolRealNodeIT::podsReady);
    System.out.printf(
        "real node: helm install -> agent and controller pods Ready in %d s%n",
        Duration.ofNanos(System.nanoTime() - start).toSeconds());
    Pod agent = pod("agent");
    assertThat(agent.getSpec().getNodeName()).isEqualTo(RealCluster.NODE);
    assertThat(agent.getSpec().getHostPID()).isTrue();
    assertThat(agent.getStatus().getContainerStatuses().get(0).getImage())
        .endsWith(ProductImage.NAME);
  }

  @Test
  @Order(2)
  void
      whenAConfigSelectsTheNodeThenTheAgentPodBuildsThePoolThroughNsenterAndLeavesTheFilesystemAlone() {
    // The second disk holds a filesystem: it must be listed as excluded and never touched.
    cluster.node().must("mkfs.ext4", "-q", "-L", "keep-me", disk(1));
    String keptUuid = filesystemUuid(disk(1));
    client
        .nodes()
        .withName(RealCluster.NODE)
        .edit(
            n -> {
              n.getMetadata().getLabels().put("thinpool.io/storage", "true");
              return n;
            });

    long start = System.nanoTime();
    applyConfig();
    ThinPool pool = awaitPool(p -> ready(p), Duration.ofMinutes(3), "Ready");
    System.out.printf(
        "real node: apply -> ThinPool Ready in %d s%n",
        Duration.ofNanos(System.nanoTime() - start).toSeconds());

    assertThat(pool.getStatus().volumeGroup.devices).containsExactly(disk(0));
    assertThat(pool.getStatus().excludedDevices)
        .singleElement()
        .satisfies(
            d -> {
              assertThat(d.device).isEqualTo(disk(1));
              assertThat(d.reason).contains("ext4");
            });
    assertThat(
            cluster
                .node()
                .must("lvs", "--noheadings", "-o", "lv_attr,seg_monitor", "docker/thinpool"))
        .contains("monitored");
    assertThat(filesystemUuid(disk(1))).isEqualTo(keptUuid);
    // Built by the agent pod, through nsenter into the node's namespaces.
    assertThat(
            client
                .pods()
                .inNamespace(Chart.NAMESPACE)
                .withName(pod("agent").getMetadata().getName())
                .getLog())
        .contains("running `pvcreate " + disk(0) + "`");
    String printed = cluster.controlPlane().kubectl("get", "tpc,tp");
    System.out.println(printed);
    assertThat(printed).contains(POOL).contains("True");
  }

  @Test
  @Order(3)
  void whenThePoolFillsPastTheThresholdThenTheNodesDmeventdExtendsItAndTheStatusAndEventsFollow() {
    assertThat(cluster.node().must("systemctl", "is-active", "dm-event.socket").strip())
        .isEqualTo("active");
    ThinPool before = client.resources(ThinPool.class).withName(POOL).get();
    long size = before.getStatus().pool.sizeBytes;

    cluster.node().must("lvcreate", "--yes", "-V", "3G", "-T", "docker/thinpool", "-n", "fill");
    // Once the status counts the thin volume, the agent waits on the -tpool layer LVM added.
    awaitPool(
        p -> Integer.valueOf(1).equals(p.getStatus().pool.thinVolumes),
        Duration.ofMinutes(1),
        "1 thin volume");
    writeZerosToFill(size * 85 / 100 / FILL_BLOCK, 0);
    long written = System.nanoTime();

    ThinPool after =
        awaitPool(
            p ->
                p.getStatus().pool.sizeBytes > size
                    && p.getStatus().autoextend.extensionsObserved >= 1,
            Duration.ofMinutes(3),
            "an extension");
    // The agent's refresh is 30 s; the kernel's threshold event brings the status sooner.
    System.out.printf(
        "real node: fill past the threshold -> status shows dmeventd's extension: %.1f s%n",
        (System.nanoTime() - written) / 1e9);
    assertThat(after.getStatus().pool.dataPercent).isLessThan(85.0);
    assertThat(events(POOL)).anyMatch(e -> e.getReason().equals("Extended"));
  }

  @Test
  @Order(4)
  void whenTheNodeRebootsThenThePoolIsActiveAndMonitoredAgainAndNothingIsRebuilt() {
    String vgUuid = cluster.node().must("vgs", "--noheadings", "-o", "vg_uuid", "docker").strip();
    long size = client.resources(ThinPool.class).withName(POOL).get().getStatus().pool.sizeBytes;
    long created = events(POOL).stream().filter(e -> e.getReason().equals("PoolCreated")).count();
    String agentBefore = pod("agent").getStatus().getContainerStatuses().get(0).getContainerID();

    long start = System.nanoTime();
    cluster.node().powerOff(Duration.ofMinutes(3));
    cluster.node().start();
    cluster.awaitNodeReady();
    await("the agent pod running again after the reboot")
        .atMost(POD_START)
        .pollInterval(Duration.ofSeconds(2))
        .until(
            () ->
                podsReady()
                    && !Objects.equals(
                        agentBefore,
                        pod("agent").getStatus().getContainerStatuses().get(0).getContainerID()));
    ThinPool pool = awaitPool(p -> ready(p), Duration.ofMinutes(2), "Ready after the reboot");
    System.out.printf(
        "real node: power-off -> boot -> agent Ready and pool Ready in %d s%n",
        Duration.ofNanos(System.nanoTime() - start).toSeconds());

    assertThat(
            cluster
                .node()
                .must("lvs", "--noheadings", "-o", "lv_active,seg_monitor", "docker/thinpool"))
        .contains("active")
        .contains("monitored");
    assertThat(cluster.node().must("vgs", "--noheadings", "-o", "vg_uuid", "docker").strip())
        .isEqualTo(vgUuid);
    assertThat(pool.getStatus().pool.sizeBytes).isEqualTo(size);
    assertThat(events(POOL).stream().filter(e -> e.getReason().equals("PoolCreated")).count())
        .isEqualTo(created);
  }

  @Test
  @Order(5)
  void theAgentAndTheControllerStayWithinTheirMemoryLimitsAsTheKernelCountsIt() throws Exception {
    JsonNode summary =
        new ObjectMapper()
            .readTree(client.raw("/api/v1/nodes/" + RealCluster.NODE + "/proxy/stats/summary"));
    for (String component : List.of("agent", "controller")) {
      Pod pod = pod(component);
      long workingSet = workingSet(summary, pod.getMetadata().getName(), component);
      long limit =
          pod.getSpec()
              .getContainers()
              .get(0)
              .getResources()
              .getLimits()
              .get("memory")
              .getNumericalAmount()
              .longValue();
      System.out.printf(
          "real node: %s working set %d MiB (cgroup), limit %d MiB%n",
          component, workingSet >> 20, limit >> 20);
      assertThat(workingSet).isPositive().isLessThan(limit);
      ContainerStatus status = pod.getStatus().getContainerStatuses().get(0);
      // No restart but the reboot's; never an OOM kill.
      assertThat(status.getRestartCount())
          .as("%s restarts; the last ended %s", component, lastEnd(pod, status))
          .isLessThanOrEqualTo(1);
      assertThat(
              Optional.ofNullable(status.getLastState().getTerminated())
                  .map(t -> t.getReason())
                  .orElse(""))
          .isNotEqualTo("OOMKilled");
    }
  }

  @Test
  @Order(6)
  void whenTheApiServerRestartsThenTheAgentRecoversTheControllerResumesAndLateStatusesLand() {
    int controllerRestarts =
        pod("controller").getStatus().getContainerStatuses().get(0).getRestartCount();
    int agentRestarts = pod("agent").getStatus().getContainerStatuses().get(0).getRestartCount();

    long start = System.nanoTime();
    cluster.controlPlane().killApiServer();
    // While the API server is down the pool's usage changes on the node.
    writeZerosToFill(16, 400);
    sleep(Duration.ofSeconds(25));
    cluster.controlPlane().startApiServer();
    cluster.controlPlane().awaitReady();

    // The controller exits once it cannot renew its lease; the kubelet starts it again.
    await("the controller restarted by the kubelet, and both pods ready")
        .atMost(POD_START)
        .pollInterval(Duration.ofSeconds(2))
        .until(
            () ->
                pod("controller").getStatus().getContainerStatuses().get(0).getRestartCount()
                        > controllerRestarts
                    && podsReady());
    System.out.printf(
        "real node: API server killed for 25 s -> controller restarted, agent and controller"
            + " Ready again in %d s%n",
        Duration.ofNanos(System.nanoTime() - start).toSeconds());
    assertThat(pod("agent").getStatus().getContainerStatuses().get(0).getRestartCount())
        .isEqualTo(agentRestarts);

    double onNode =
        Double.parseDouble(
            cluster
                .node()
                .must("lvs", "--noheadings", "-o", "data_percent", "docker/thinpool")
                .strip());
    ThinPool pool =
        awaitPool(
            p -> Math.abs(p.getStatus().pool.dataPercent - onNode) < 0.5,
            Duration.ofMinutes(2),
            "the data% the node shows after the outage");
    await("the config's status folded again by the restarted controller")
        .atMost(Duration.ofMinutes(1))
        .until(
            () -> {
              ThinPoolConfig config = client.resources(ThinPoolConfig.class).withName(CONFIG).get();
              return config.getStatus() != null
                  && Objects.equals(
                      config.getStatus().maxDataPercent, pool.getStatus().pool.dataPercent);
            });
  }

  @Test
  @Order(7)
  void whenTheConfigIsDeletedThenThePoolIsTornDownAndHelmUninstallLeavesNoPods() {
    String keptUuid = filesystemUuid(disk(1));
    cluster.node().must("lvremove", "--yes", "docker/fill");

    client.resources(ThinPoolConfig.class).withName(CONFIG).delete();
    await("the config and its ThinPool gone")
        .atMost(Duration.ofMinutes(2))
        .until(
            () ->
                client.resources(ThinPoolConfig.class).withName(CONFIG).get() == null
                    && client.resources(ThinPool.class).withName(POOL).get() == null);
    assertThat(cluster.node().must("vgs", "--noheadings", "-o", "vg_name"))
        .doesNotContain("docker");
    assertThat(
            cluster
                .node()
                .must("wipefs", "--no-act", "--noheadings", "--output", "TYPE", disk(0))
                .strip())
        .isEmpty();
    assertThat(filesystemUuid(disk(1))).isEqualTo(keptUuid);

    Helm.uninstall(Chart.RELEASE)
        .withNamespace(Chart.NAMESPACE)
        .withKubeConfigContents(cluster.controlPlane().adminKubeconfig())
        .call();
    await("no pods left in " + Chart.NAMESPACE)
        .atMost(Duration.ofMinutes(3))
        .until(() -> client.pods().inNamespace(Chart.NAMESPACE).list().getItems().isEmpty());
  }

  private static void applyConfig() {
    client
        .resource(
            client
                .getKubernetesSerialization()
                .unmarshal(
                    """
                    apiVersion: thinpool.io/v1alpha1
                    kind: ThinPoolConfig
                    metadata: {name: %s}
                    spec:
                      nodeSelector: {matchLabels: {thinpool.io/storage: "true"}}
                      devices: [%s, %s]
                      dataPercentOfVg: 40
                      metadataPercentOfVg: 2
                      deletionPolicy: Delete
                    """
                        .formatted(CONFIG, disk(0), disk(1)),
                    ThinPoolConfig.class))
        .create();
  }

  private static boolean podsReady() {
    DaemonSet agents =
        client.apps().daemonSets().inNamespace(Chart.NAMESPACE).withName("thinpool-agent").get();
    Deployment controller =
        client
            .apps()
            .deployments()
            .inNamespace(Chart.NAMESPACE)
            .withName("thinpool-controller")
            .get();
    return agents != null
        && controller != null
        && Objects.equals(agents.getStatus().getNumberReady(), 1)
        && Objects.equals(controller.getStatus().getReadyReplicas(), 1)
        && client.pods().inNamespace(Chart.NAMESPACE).list().getItems().stream()
            .allMatch(
                p ->
                    p.getStatus().getContainerStatuses() != null
                        && p.getStatus().getContainerStatuses().stream()
                            .allMatch(ContainerStatus::getReady));
  }

  /** How the container's previous run ended, and the end of its log: why it restarted. */
  private static String lastEnd(Pod pod, ContainerStatus status) {
    var ended = status.getLastState().getTerminated();
    if (ended == null) {
      return "(no previous run)";
    }
    String log =
        client
            .pods()
            .inNamespace(Chart.NAMESPACE)
            .withName(pod.getMetadata().getName())
            .terminated()
            .tailingLines(15)
            .getLog();
    return "with %s, exit %d: %s%n%s"
        .formatted(ended.getReason(), ended.getExitCode(), ended.getMessage(), log);
  }

  private static Pod pod(String component) {
    return client
        .pods()
        .inNamespace(Chart.NAMESPACE)
        .withLabel("app.kubernetes.io/component", component)
        .list()
        .getItems()
        .stream()
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + component + " pod"));
  }

  private static boolean ready(ThinPool pool) {
    return pool.getStatus() != null && Conditions.isTrue(pool.getStatus().conditions, "Ready");
  }

  private static ThinPool awaitPool(
      java.util.function.Predicate<ThinPool> condition, Duration within, String what) {
    return await("ThinPool " + POOL + ": " + what)
        .atMost(within)
        .pollInterval(Duration.ofSeconds(1))
        .ignoreExceptions()
        .until(
            () -> client.resources(ThinPool.class).withName(POOL).get(),
            p ->
                p != null
                    && p.getStatus() != null
                    && p.getStatus().pool != null
                    && condition.test(p));
  }

  private static List<Event> events(String pool) {
    return client.v1().events().inNamespace("default").list().getItems().stream()
        .filter(e -> e.getInvolvedObject().getName().equals(pool))
        .toList();
  }

  /** Writes zeros to the thin volume "fill" in 4 MiB blocks, past the page cache. */
  private static void writeZerosToFill(long blocks, long seekBlocks) {
    cluster
        .node()
        .must(
            "dd",
            "if=/dev/zero",
            "of=/dev/docker/fill",
            "bs=" + FILL_BLOCK,
            "count=" + blocks,
            "seek=" + seekBlocks,
            "oflag=direct",
            "status=none");
  }

  private static String filesystemUuid(String device) {
    return cluster.node().must("blkid", "-s", "UUID", "-o", "value", device).strip();
  }

  /** The container's working set from the kubelet's summary: what the cgroup's limit counts. */
  private static long workingSet(JsonNode summary, String podName, String container) {
    for (JsonNode pod : summary.path("pods")) {
      if (pod.path("podRef").path("name").asText().equals(podName)) {
        for (JsonNode c : pod.path("containers")) {
          if (c.path("name").asText().equals(container)) {
            return c.path("memory").path("workingSetBytes").asLong();
          }
        }
      }
    }
    throw new AssertionError("no stats for " + podName + "/" + container + " in " + summary);
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
