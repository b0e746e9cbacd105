package io.thinpool.operator.testnode;

import static org.awaitility.Awaitility.await;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.InstallCommand;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.thinpool.operator.api.NodeSelector;
import io.thinpool.operator.api.ThinPoolConfig;
import io.thinpool.operator.api.ThinPoolConfigSpec;
import io.thinpool.operator.lvm.host.HostCommand;
import io.thinpool.operator.testk8s.Chart;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * A real cluster on one machine: the {@link ControlPlane} in the test's network namespace and one
 * real node ({@link NodeVm}, a Debian bookworm disk with containerd, kubelet and kube-proxy) joined
 * to it through a TAP device, with the product's image (built by {@code docker build}) and the
 * sandbox image loaded into the node's containerd, since the node pulls from no registry.
 */
public final class RealCluster implements AutoCloseable {

  public static final String NODE = "thinpool-node";
  public static final int DATA_DISKS = 2;
  public static final long DISK_BYTES = 2L * 1024 * 1024 * 1024;
  private static final Duration NODE_READY_TIMEOUT = Duration.ofMinutes(5);

  private final Path dir;
  private final ControlPlane controlPlane;
  private final NodeVm node;
  private final KubernetesClient client;

  private RealCluster(Path dir, ControlPlane controlPlane, NodeVm node) {
    this.dir = dir;
    this.controlPlane = controlPlane;
    this.node = node;
    this.client = controlPlane.adminClient();
  }

  /** Builds what is missing (cached), starts the control plane, boots the node, waits for Ready. */
  public static RealCluster start() {
    return start(List.of());
  }

  /**
   * As {@link #start()}, with these images of the Docker engine's store loaded into the node's
   * containerd beside the product's (a benchmark's peer, say).
   */
  public static RealCluster start(List<String> extraImages) {
    ProductImage.build();
    NodeImage image = NodeImage.of("bookworm", NodeImage.Flavour.KUBERNETES);
    String pause =
        Processes.must(
                List.of(Scripts.dir().resolve("node/pause-image.sh").toString()),
                Duration.ofMinutes(5))
            .strip();
    Path dir;
    try {
      dir = Files.createTempDirectory("thinpool-real-node-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Path seed = dir.resolve("seed");
    Path images = seed.resolve("images");
    try {
      Files.createDirectories(images);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ProductImage.save(ProductImage.NAME, images.resolve("thinpool-operator.tar"));
    ProductImage.save(pause, images.resolve("pause.tar"));
    for (int i = 0; i < extraImages.size(); i++) {
      ProductImage.save(extraImages.get(i), images.resolve("extra-" + i + ".tar"));
    }

    ControlPlane controlPlane;
    try {
      controlPlane = ControlPlane.start(dir.resolve("control-plane"));
    } catch (RuntimeException e) {
      keepLogsAndDelete(dir, null);
      throw e;
    }
    NodeVm node = null;
    try {
      controlPlane.writeNodeSeed(seed);
      List<Path> disks = new ArrayList<>();
      for (int i = 0; i < DATA_DISKS; i++) {
        Path disk = dir.resolve("disk" + i + ".img");
        try (RandomAccessFile file = new RandomAccessFile(disk.toFile(), "rw")) {
          file.setLength(DISK_BYTES); // sparse
        }
        disks.add(disk);
      }
      long start = System.nanoTime();
      node =
          NodeVm.boot(
              image,
              dir.resolve("node"),
              new NodeVm.Options(
                  disks, Optional.of(controlPlane.network()), Optional.of(seed), 2560, 2));
      RealCluster cluster = new RealCluster(dir, controlPlane, node);
      cluster.awaitNodeReady();
      System.out.printf(
          "real node: %s booted and Ready in %d s%n",
          image.versions().replace("\n", ", "),
          Duration.ofNanos(System.nanoTime() - start).toSeconds());
      return cluster;
    } catch (IOException e) {
      closeQuietly(node, controlPlane);
      keepLogsAndDelete(dir, node);
      throw new UncheckedIOException(e);
    } catch (RuntimeException e) {
      closeQuietly(node, controlPlane);
      keepLogsAndDelete(dir, node);
      throw e;
    }
  }

  /** Waits until the node's kubelet reports the Node Ready. */
  public void awaitNodeReady() {
    try {
      client
          .nodes()
          .withName(NODE)
          .waitUntilCondition(RealCluster::ready, NODE_READY_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    } catch (RuntimeException e) {
      throw new IllegalStateException(
          "the node did not become Ready: "
              + e.getMessage()
              + "\n--- node console ---\n"
              + node.consoleTail()
              + "\n--- kubelet ---\n"
              + node.run(HostCommand.of("journalctl", "-u", "kubelet", "-n", "30", "--no-pager"))
                  .stdout(),
          e);
    }
  }

  private static boolean ready(Node node) {
    return node != null
        && node.getStatus() != null
        && node.getStatus().getConditions().stream()
            .anyMatch(c -> c.getType().equals("Ready") && c.getStatus().equals("True"));
  }

  public KubernetesClient client() {
    return client;
  }

  /**
   * {@code helm install} of the chart, with the image {@code docker build} made and the given
   * values over the defaults; then waits until the kubelet runs the agent and the controller Ready.
   */
  public void installChart(Map<String, Object> values, Duration within) {
    InstallCommand install =
        new Helm(Chart.DIR)
            .install()
            .withName(Chart.RELEASE)
            .withNamespace(Chart.NAMESPACE)
            .createNamespace()
            .set("image.repository", ProductImage.NAME.substring(0, ProductImage.NAME.indexOf(':')))
            .set("image.tag", "dev");
    values.forEach(install::set);
    install.withKubeConfigContents(controlPlane.adminKubeconfig()).call();
    await("the agent DaemonSet and the controller Deployment ready")
        .atMost(within)
        .pollInterval(Duration.ofSeconds(2))
        .until(this::chartPodsReady);
  }

  /** The label the tests' ThinPoolConfigs select the node by. */
  public static final String STORAGE_LABEL = "thinpool.io/storage";

  /** Labels the node so that the tests' ThinPoolConfigs select it. */
  public void labelNodeForPools() {
    client
        .nodes()
        .withName(NODE)
        .edit(
            n -> {
              n.getMetadata().getLabels().put(STORAGE_LABEL, "true");
              return n;
            });
  }

  /**
   * Creates a ThinPoolConfig that selects the node (once {@link #labelNodeForPools()}), its pool
   * fields set by {@code fields}, the others the runbook's.
   */
  public void createConfig(String name, Consumer<ThinPoolConfigSpec> fields) {
    ThinPoolConfig config = new ThinPoolConfig();
    config.setMetadata(new ObjectMetaBuilder().withName(name).build());
    ThinPoolConfigSpec spec = new ThinPoolConfigSpec();
    spec.nodeSelector = new NodeSelector();
    spec.nodeSelector.matchLabels.put(STORAGE_LABEL, "true");
    fields.accept(spec);
    config.setSpec(spec);
    client.resource(config).create();
  }

  /** The chart's pods of this component ("agent", "controller") that are not being deleted. */
  public List<Pod> chartPods(String component) {
    return client
        .pods()
        .inNamespace(Chart.NAMESPACE)
        .withLabel("app.kubernetes.io/component", component)
        .list()
        .getItems()
        .stream()
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
        .toList();
  }

  /** The last lines of the logs of the chart's pods of this component. */
  public String logTail(String component, int lines) {
    return chartPods(component).stream()
        .map(
            pod ->
                client
                    .pods()
                    .inNamespace(Chart.NAMESPACE)
                    .withName(pod.getMetadata().getName())
                    .tailingLines(lines)
                    .getLog())
        .collect(Collectors.joining("\n"));
  }

  /** Whether the agent DaemonSet and the controller Deployment have their pods Ready. */
  public boolean chartPodsReady() {
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

  public ControlPlane controlPlane() {
    return controlPlane;
  }

  public NodeVm node() {
    return node;
  }

  @Override
  public void close() {
    client.close();
    closeQuietly(node, controlPlane);
    keepLogsAndDelete(dir, node);
  }

  /**
   * The components' logs and the node's console go to target/real-node for a look afterwards; the
   * rest (disks, images, credentials) goes.
   */
  private static void keepLogsAndDelete(Path dir, NodeVm node) {
    Path kept = Path.of("target", "real-node");
    try {
      Files.createDirectories(kept);
      if (Files.isDirectory(dir.resolve("control-plane/logs"))) {
        try (var logs = Files.list(dir.resolve("control-plane/logs"))) {
          for (Path log : logs.toList()) {
            Files.copy(log, kept.resolve(log.getFileName()), StandardCopyOption.REPLACE_EXISTING);
          }
        }
      }
      if (node != null && Files.exists(node.console())) {
        Files.copy(
            node.console(), kept.resolve("node-console.log"), StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      // best effort: the logs are for a look, nothing depends on them
    }
    try (var files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // best effort: the temp dir is the only thing left behind
    }
  }

  private static void closeQuietly(NodeVm node, ControlPlane controlPlane) {
    if (node != null) {
      node.close();
    }
    controlPlane.close();
  }
}
