package io.thinpool.operator.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.ContainerConfig;
import io.fabric8.kubeapitest.junit.EnableKubeAPIServer;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.thinpool.operator.Tiers;
import io.thinpool.operator.api.ThinPool;
import io.thinpool.operator.api.ThinPoolConfig;
import io.thinpool.operator.api.ThinPoolConfigSpec;
import io.thinpool.operator.testk8s.Chart;
import io.thinpool.operator.testk8s.KubeApi;
import io.thinpool.operator.testk8s.LocalKubeBinaries;
import io.thinpool.operator.testnode.ProductImage;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.BindMode;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.output.OutputFrame;
import org.testcontainers.containers.startupcheck.StartupCheckStrategy;

/**
 * The container image as users build and run it: built from this tree's Dockerfile by {@code docker
 * build} (scripts/image/build.sh, the Docker engine's BuildKit, no registry) and run through
 * Testcontainers in the same engine, on the host network: its entry point and modes on the jlinked
 * JRE, nsenter in and LVM out, and the controller from the image, as the chart runs it (uid 65532),
 * ready against a real kube-apiserver over TLS.
 */
@ExtendWith(LocalKubeBinaries.class)
@EnableKubeAPIServer(updateKubeConfigFile = false)
@Tag(Tiers.IMAGE)
class ImageIT {

  private static final String IMAGE = ProductImage.NAME;

  static KubernetesClient client;

  private static ContainerConfig config;

  private record Result(long exitCode, String out, String err) {}

  @BeforeAll
  static void buildTheImage() throws IOException {
    assertThat(DockerClientFactory.instance().isDockerAvailable())
        .withFailMessage(
            "no Docker engine answers: the image tests build and run the image with Docker;"
                + " scripts/test.sh installs and starts it (scripts/lib/dockerd.sh)")
        .isTrue();
    ProductImage.build();
    config = DockerClientFactory.instance().client().inspectImageCmd(IMAGE).exec().getConfig();
  }

  @Test
  void theEntrypointPrintsTheUsageWithTheAgentAndControllerModesAndRunsTheAgentByDefault() {
    Result help = inImage("--help");

    assertThat(help.exitCode()).as(help.err()).isZero();
    assertThat(help.out())
        .contains("thinpool-operator agent")
        .contains("thinpool-operator controller")
        .contains("thinpool-operator engine");
    assertThat(config.getEntrypoint())
        .startsWith("/opt/java/bin/java")
        .endsWith("-jar", "/opt/thinpool/thinpool-operator.jar");
    assertThat(config.getCmd()).containsExactly("agent");
    // The small-footprint JVM options come from the image and are what the launcher picked up.
    assertThat(help.err()).contains("Picked up JDK_JAVA_OPTIONS: -XX:+UseSerialGC");
  }

  @Test
  void theJvmMapsTheApplicationsClassesFromTheImagesClassDataSharingArchive() {
    // The entry point's command with class loading logged: the jar's classes, not only the JDK's,
    // come from the archive the image build dumped (a jar or path mismatch would silently parse
    // them again at every start).
    Result help =
        inImageWithEntrypoint(
            "/opt/java/bin/java",
            "-Xlog:class+load=info",
            "-jar",
            "/opt/thinpool/thinpool-operator.jar",
            "--help");

    assertThat(help.exitCode()).as(help.err()).isZero();
    assertThat(help.out())
        .contains("java.lang.Object source: shared objects file")
        .contains("io.thinpool.operator.Main source: shared objects file");
  }

  @Test
  void theEngineModeRunsOnTheJlinkedRuntime() {
    Result help = inImage("engine", "reconcile", "--help");

    assertThat(help.exitCode()).as(help.out() + help.err()).isZero();
    assertThat(help.out())
        .contains("usage: thinpool-operator engine reconcile")
        .contains("--device=PATH");
  }

  @Test
  void theRuntimeTrustsNoPublicCertificateAuthority() {
    // The client adds the JDK's CA bundle to the cluster CA it trusts for the API server: without
    // the bundle, only the cluster CA vouches for it (the controller test below connects so).
    Result cacerts =
        inImageWithEntrypoint(
            "/opt/java/bin/keytool", "-list", "-cacerts", "-storepass", "changeit");

    assertThat(cacerts.exitCode()).isNotZero();
    assertThat(cacerts.out() + cacerts.err()).contains("Keystore file does not exist");
  }

  @Test
  void nsenterIsInTheImageAndLvmIsNot() {
    Result nsenter = inImageWithEntrypoint("nsenter", "--version");
    assertThat(nsenter.exitCode()).as(nsenter.err()).isZero();
    assertThat(nsenter.out()).contains("util-linux");

    // LVM runs on the host through nsenter: none of its tools may shadow the host's.
    Result lvm =
        inImageWithEntrypoint("sh", "-c", "command -v lvm pvcreate lvcreate dmsetup dmeventd");
    assertThat(lvm.out()).isEmpty();
    assertThat(lvm.exitCode()).isNotZero();
  }

  @Test
  void theControllerFromTheImageBecomesReadyAgainstARealApiServerOverTlsAndMakesThinPools()
      throws Exception {
    KubeApi.installCrds(client);
    Path kube = Files.createTempDirectory("image-it-kube");
    writeKubeconfig(client.getConfiguration(), kube);
    // Readable by the controller's non-root user (a throwaway test credential).
    try (Stream<Path> files = Files.walk(kube)) {
      for (Path file : files.toList()) {
        Files.setPosixFilePermissions(
            file,
            PosixFilePermissions.fromString(Files.isDirectory(file) ? "r-xr-xr-x" : "r--r--r--"));
      }
    }
    int port = freePort();
    boolean deleteOnSuccess = false;
    Container chartController = chartControllerContainer();
    try (GenericContainer<?> controller =
        new GenericContainer<>(IMAGE)
            .withNetworkMode("host")
            // As the chart runs it: not root, its command and arguments.
            .withCreateContainerCmdModifier(
                cmd ->
                    cmd.withUser("65532:65532")
                        .withEntrypoint(chartController.getCommand())
                        .withCmd(chartController.getArgs()))
            .withFileSystemBind(kube.toString(), "/kube", BindMode.READ_ONLY)
            .withEnv("KUBECONFIG", "/kube/config")
            .withEnv("POD_NAMESPACE", "default")
            .withEnv("THINPOOL_HTTP_PORT", String.valueOf(port))) {
      controller.start();
      HttpClient http = HttpClient.newHttpClient();
      URI readyz = URI.create("http://127.0.0.1:" + port + "/readyz");
      await("the controller's /readyz")
          .atMost(Duration.ofSeconds(90))
          .pollInterval(Duration.ofMillis(500))
          .ignoreExceptions()
          .until(
              () ->
                  http.send(
                              HttpRequest.newBuilder(readyz).build(),
                              HttpResponse.BodyHandlers.discarding())
                          .statusCode()
                      == 200);

      client
          .nodes()
          .resource(new NodeBuilder().withNewMetadata().withName("node-a").endMetadata().build())
          .create();
      ThinPoolConfig tpc = new ThinPoolConfig();
      tpc.setMetadata(new ObjectMetaBuilder().withName("image").build());
      tpc.setSpec(new ThinPoolConfigSpec());
      tpc.getSpec().devices = List.of("/dev/sdb");
      client.resource(tpc).create();

      await("the ThinPool the controller makes")
          .atMost(Duration.ofSeconds(60))
          .until(() -> client.resources(ThinPool.class).withName("image.node-a").get() != null);
      long pid = controller.getCurrentContainerInfo().getState().getPidLong();
      // Its own class-data-sharing archive, not the agent's (the JVM's default): a wrong path in
      // the chart would leave the JVM without any archive, silently.
      assertThat(Files.readString(Path.of("/proc", String.valueOf(pid), "maps")))
          .contains("/opt/thinpool/controller.jsa")
          .doesNotContain("/opt/java/lib/server/classes.jsa");
      System.out.printf("controller in the image: ready, RSS %d MiB%n", rssKib(pid) / 1024);
      deleteOnSuccess = true;
    } finally {
      // The credentials go; after a failure they stay for a look.
      if (deleteOnSuccess) {
        try (Stream<Path> files = Files.walk(kube)) {
          for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
            Files.delete(file);
          }
        }
      }
    }
  }

  /** The controller's container as the chart renders it with its defaults. */
  private static Container chartControllerContainer() {
    Deployment deployment =
        (Deployment)
            Chart.ofKind(Chart.objects(client, Chart.render(Map.of())), "Deployment").get(0);
    return deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
  }

  /** Runs the image's entry point with {@code args} to its end. */
  private static Result inImage(String... args) {
    return run(new GenericContainer<>(IMAGE).withCommand(args));
  }

  /** Runs {@code argv} in the image in place of its entry point, to its end. */
  private static Result inImageWithEntrypoint(String... argv) {
    return run(
        new GenericContainer<>(IMAGE)
            .withCreateContainerCmdModifier(cmd -> cmd.withEntrypoint(argv).withCmd(List.of())));
  }

  /** Starts a short-lived container, waits for it to exit, and returns its code and output. */
  private static Result run(GenericContainer<?> container) {
    try (container) {
      container
          .withNetworkMode("host")
          .withStartupCheckStrategy(
              new ExitedStartupCheckStrategy().withTimeout(Duration.ofMinutes(2)))
          .start();
      return new Result(
          container.getCurrentContainerInfo().getState().getExitCodeLong(),
          container.getLogs(OutputFrame.OutputType.STDOUT),
          container.getLogs(OutputFrame.OutputType.STDERR));
    }
  }

  /**
   * Done when the container has exited, whatever its exit code: the tests assert the code.
   * (Testcontainers' one-shot strategy fails a non-zero exit before the test can look at it.)
   */
  private static final class ExitedStartupCheckStrategy extends StartupCheckStrategy {
    @Override
    public StartupStatus checkStartupState(DockerClient docker, String containerId) {
      return "exited".equals(getCurrentState(docker, containerId).getStatus())
          ? StartupStatus.SUCCESSFUL
          : StartupStatus.NOT_YET_KNOWN;
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  /** The RSS of a process on this host: the container's java is its PID 1. */
  private static long rssKib(long pid) throws IOException {
    return Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status")).stream()
        .filter(l -> l.startsWith("VmRSS:"))
        .mapToLong(l -> Long.parseLong(l.replaceAll("\\D", "")))
        .findFirst()
        .orElseThrow();
  }

  /**
   * A kubeconfig for the container, with the client's server, CA and client certificate: the
   * controller in the image verifies the API server's certificate and authenticates with its own.
   */
  private static void writeKubeconfig(Config config, Path dir) throws IOException {
    KubeApi.writeCredentials(config, dir);
    Files.writeString(
        dir.resolve("config"),
        """
        apiVersion: v1
        kind: Config
        clusters:
        - name: test
          cluster: {server: "%s", certificate-authority: /kube/ca.crt}
        users:
        - name: test
          user: {client-certificate: /kube/client.crt, client-key: /kube/client.key}
        contexts:
        - name: test
          context: {cluster: test, user: test}
        current-context: test
        """
            .formatted(config.getMasterUrl()));
  }
}
