package io.thinpool.operator.realnode;

import static io.thinpool.operator.testnode.NodeVm.disk;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.marcnuri.helm.Helm;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.thinpool.operator.Tiers;
import io.thinpool.operator.api.ConditionTypes;
import io.thinpool.operator.api.PoolParameters.DeletionPolicy;
import io.thinpool.operator.api.ThinPool;
import io.thinpool.operator.api.ThinPoolConfig;
import io.thinpool.operator.lvm.host.CommandResult;
import io.thinpool.operator.lvm.host.HostCommand;
import io.thinpool.operator.status.Conditions;
import io.thinpool.operator.testk8s.Chart;
import io.thinpool.operator.testk8s.KubeApi;
import io.thinpool.operator.testnode.ProductImage;
import io.thinpool.operator.testnode.RealCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The product as users run it, on a real node: Helm installs the chart into a real cluster (a
 * control plane on this machine, one Debian node under qemu with its own kernel, systemd, udev,
 * lvm2-monitor, dmeventd, containerd and kubelet); a real kubelet runs the agent DaemonSet and the
 * controller Deployment from the image {@code docker build} made; the agent pod builds the node's
 * pool through nsenter into the host; the node's own containerd keeps an image and a container in
 * it through its devmapper snapshotter (run with ctr: containerd 1.6, bookworm's, has no
 * snapshotter per runtime handler for the CRI), and the node's own dmeventd extends it as the
 * container fills it. The steps follow one another on the same cluster, as a user's day would.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Tag(Tiers.NODE)
class ThinPoolRealNodeIT {

  private static final String CONFIG = "real-node";
  private static final String POOL = ThinPool.nameFor(CONFIG, RealCluster.NODE);
  private static final Duration POD_START = Duration.ofMinutes(6);
  private static final String IMAGE_ARCHIVE = "/seed/images/thinpool-operator.tar";
  private static final String CONTAINER = "filler";

  /**
   * The container's process: a random marker and zeros past the threshold the first time, only the
   * marker's checksum when it runs again (after the reboot).
   */
  private static final String CONTAINER_SCRIPT =
      "test -f /marker || { head -c 16M /dev/urandom > /marker"
          + " && dd if=/dev/zero of=/fill bs=4M count=$((%d / 4)) conv=fsync status=none; }"
          + " && sha256sum /marker | cut -d' ' -f1";

  /** The marker's checksum when the container wrote it. */
  private static String markerChecksum;

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
    cluster.installChart(Map.of(), POD_START);
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
    cluster.labelNodeForPools();

    long start = System.nanoTime();
    cluster.createConfig(
        CONFIG,
        spec -> {
          spec.devices = List.of(disk(0), disk(1));
          spec.dataPercentOfVg = 40;
          spec.metadataPercentOfVg = 2;
          spec.deletionPolicy = DeletionPolicy.Delete;
        });
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
  void
      whenContainerdsDevmapperSnapshotterFillsThePoolThenItsDevicesAreCountedAndDmeventdExtendsIt() {
    assertThat(cluster.node().must("systemctl", "is-active", "dm-event.socket").strip())
        .isEqualTo("active");
    ThinPool before = client.resources(ThinPool.class).withName(POOL).get();
    long size = before.getStatus().pool.sizeBytes;

    // The node's containerd gets the pool the status names, as the README says. Until it restarts,
    // its snapshotter is not loaded, and the ThinPool says so.
    configureContainerdForThePool(before.getStatus().pool.deviceMapperName);
    awaitPool(
        p -> consumerReady(p).filter(c -> c.getReason().equals("SnapshotterNotLoaded")).isPresent(),
        Duration.ofMinutes(1),
        "ConsumerReady=False: configured, not loaded");
    cluster.node().must("systemctl", "restart", "containerd");
    assertThat(devmapperPluginState()).isEqualTo("ok");
    // An image unpacked into the pool, and a container whose root filesystem is a thin device
    // there: it writes a marker and then zeros past the autoextend threshold (80%).
    ctr(Duration.ofMinutes(10), "images", "import", "--snapshotter", "devmapper", IMAGE_ARCHIVE);
    double used = dataPercentOnNode();
    long fillMiB = (long) (size * (0.85 - used / 100) / (1 << 20));
    long written = System.nanoTime();
    markerChecksum =
        ctr(
                Duration.ofMinutes(10),
                "run",
                "--snapshotter",
                "devmapper",
                ProductImage.NAME,
                CONTAINER,
                "sh",
                "-c",
                CONTAINER_SCRIPT.formatted(fillMiB))
            .strip();
    assertThat(markerChecksum).matches("[0-9a-f]{64}");

    ThinPool after =
        awaitPool(
            p ->
                p.getStatus().pool.sizeBytes > size
                    && p.getStatus().autoextend.extensionsObserved >= 1
                    && p.getStatus().pool.foreignThinDevices != null
                    && p.getStatus().pool.foreignThinDevices >= 2,
            Duration.ofMinutes(3),
            "an extension, and containerd's thin devices counted");
    System.out.printf(
        "real node: a container writes past the threshold -> status shows dmeventd's extension"
            + " and containerd's %d thin devices: %.1f s%n",
        after.getStatus().pool.foreignThinDevices, (System.nanoTime() - written) / 1e9);
    assertThat(after.getStatus().pool.thinVolumes).isZero();
    assertThat(after.getStatus().pool.thinDevices)
        .isEqualTo(after.getStatus().pool.foreignThinDevices);
    assertThat(after.getStatus().pool.mappedBytes).isGreaterThan(fillMiB << 20);
    assertThat(after.getStatus().pool.holdsData).isTrue();
    assertThat(consumerReady(after).map(c -> c.getStatus())).contains("True");
    assertThat(after.getStatus().pool.dataPercent).isLessThan(85.0);
    assertThat(events(POOL)).anyMatch(e -> e.getReason().equals("Extended"));
    // The consumer's view beside the status, as the README shows them.
    System.out.println(ctr(Duration.ofMinutes(1), "snapshots", "--snapshotter", "devmapper", "ls"));
    System.out.println(cluster.controlPlane().kubectl("get", "tp"));
  }

  /**
   * containerd's devmapper snapshotter on the pool (its plugin section, pool_name from the
   * ThinPool's status), and the drop-in that activates the pool before containerd starts, since the
   * snapshotter does not load when its pool is missing.
   */
  private static void configureContainerdForThePool(String deviceMapperName) {
    String plugin =
        """

        [plugins."io.containerd.snapshotter.v1.devmapper"]
          pool_name = "%s"
          root_path = "/var/lib/containerd/devmapper"
          base_image_size = "1GB"
        """
            .formatted(deviceMapperName);
    writeOnNode("/etc/containerd/config.toml", plugin, true);
    cluster.node().must("mkdir", "-p", "/etc/systemd/system/containerd.service.d");
    writeOnNode(
        "/etc/systemd/system/containerd.service.d/10-thinpool.conf",
        """
        [Unit]
        After=lvm2-monitor.service
        [Service]
        ExecStartPre=-/sbin/lvchange --activate ay docker/thinpool
        """,
        false);
    cluster.node().must("systemctl", "daemon-reload");
  }

  private static Optional<Condition> consumerReady(ThinPool pool) {
    return Conditions.find(pool.getStatus().conditions, ConditionTypes.CONSUMER_READY);
  }

  private static void writeOnNode(String path, String content, boolean append) {
    List<String> tee = append ? List.of("tee", "-a", path) : List.of("tee", path);
    CommandResult written =
        cluster.node().run(HostCommand.of(tee.toArray(String[]::new)).withStdin(content));
    assertThat(written.succeeded()).as(written.stderr()).isTrue();
  }

  /** What containerd says of its devmapper snapshotter: ok, error (no pool), skip. */
  private static String devmapperPluginState() {
    return cluster
        .node()
        .must("ctr", "plugins", "ls")
        .lines()
        .filter(line -> line.contains("devmapper"))
        .map(line -> line.strip().split("\\s+"))
        .map(fields -> fields[fields.length - 1])
        .findFirst()
        .orElse("missing");
  }

  /** ctr in the test's own containerd namespace, so the kubelet's containers are left alone. */
  private static String ctr(Duration timeout, String... args) {
    List<String> argv = new ArrayList<>(List.of("ctr", "--namespace", "thinpool-test"));
    argv.addAll(List.of(args));
    CommandResult result = cluster.node().run(new HostCommand(argv, null, timeout));
    assertThat(result.succeeded()).as("`%s`: %s", String.join(" ", argv), result.stderr()).isTrue();
    return result.stdout();
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
                cluster.chartPodsReady()
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
    // The pool was active when containerd started: its snapshotter loaded, the data is there.
    assertThat(devmapperPluginState()).isEqualTo("ok");
    assertThat(consumerReady(pool).map(c -> c.getStatus())).contains("True");
    assertThat(ctr(Duration.ofMinutes(5), "task", "start", CONTAINER).strip())
        .isEqualTo(markerChecksum);
    assertThat(pool.getStatus().pool.foreignThinDevices).isGreaterThanOrEqualTo(2);
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
    ctr(
        Duration.ofMinutes(5),
        "run",
        "--snapshotter",
        "devmapper",
        ProductImage.NAME,
        "writer",
        "sh",
        "-c",
        "head -c 64M /dev/zero > /more && sync");
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
                    && cluster.chartPodsReady());
    System.out.printf(
        "real node: API server killed for 25 s -> controller restarted, agent and controller"
            + " Ready again in %d s%n",
        Duration.ofNanos(System.nanoTime() - start).toSeconds());
    assertThat(pod("agent").getStatus().getContainerStatuses().get(0).getRestartCount())
        .isEqualTo(agentRestarts);

    double onNode = dataPercentOnNode();
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
  void whenTheConfigIsDeletedThenThePoolContainerdUsesStaysUntilConsentThenIsTornDown() {
    String keptUuid = filesystemUuid(disk(1));

    client.resources(ThinPoolConfig.class).withName(CONFIG).delete();

    ThinPool refused =
        awaitPool(
            p ->
                Conditions.find(p.getStatus().conditions, ConditionTypes.TEARDOWN_REFUSED)
                    .filter(c -> c.getReason().equals("PoolHoldsData"))
                    .isPresent(),
            Duration.ofMinutes(2),
            "TeardownRefused: the pool holds containerd's data");
    System.out.println(cluster.controlPlane().kubectl("describe", "tp", POOL));
    assertThat(cluster.node().must("vgs", "--noheadings", "-o", "vg_name")).contains("docker");
    await("one TeardownRefused Event")
        .atMost(Duration.ofSeconds(30))
        .until(() -> refusals().size() == 1);
    // The container runs again: while its thin device is open the refusal changes (PoolOpen, an
    // Event of its own), but the refusal of what the pool holds is never recorded twice.
    assertThat(ctr(Duration.ofMinutes(5), "task", "start", CONTAINER).strip())
        .isEqualTo(markerChecksum);
    assertThat(refusals())
        .filteredOn(e -> e.getMessage().startsWith("pool docker/thinpool holds data"))
        .hasSize(1);

    KubeApi.annotateThinPool(
        client, POOL, ThinPool.DESTROY_DATA_ANNOTATION, KubeApi.consentToken(refused));

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
    return cluster.chartPods(component).stream()
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

  /** The TeardownRefused Events of the pool. */
  private static List<Event> refusals() {
    return events(POOL).stream().filter(e -> e.getReason().equals("TeardownRefused")).toList();
  }

  private static List<Event> events(String pool) {
    return client.v1().events().inNamespace("default").list().getItems().stream()
        .filter(e -> e.getInvolvedObject().getName().equals(pool))
        .toList();
  }

  /** The pool's data% as the node's LVM reports it. */
  private static double dataPercentOnNode() {
    return Double.parseDouble(
        cluster
            .node()
            .must("lvs", "--noheadings", "-o", "data_percent", "docker/thinpool")
            .strip());
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
