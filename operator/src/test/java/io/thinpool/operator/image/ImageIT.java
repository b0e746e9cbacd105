package io.thinpool.operator.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubeapitest.junit.EnableKubeAPIServer;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.thinpool.operator.api.ThinPool;
import io.thinpool.operator.api.ThinPoolConfig;
import io.thinpool.operator.api.ThinPoolConfigSpec;
import io.thinpool.operator.testk8s.KubeApi;
import io.thinpool.operator.testk8s.LocalKubeBinaries;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The container image, built from this tree by scripts/image/build.sh (buildah, no registry) and
 * run with buildah: its entry point and modes on the jlinked JRE, nsenter in and LVM out, and the
 * controller from the image ready against a real kube-apiserver over TLS.
 */
@ExtendWith(LocalKubeBinaries.class)
@EnableKubeAPIServer(updateKubeConfigFile = false)
class ImageIT {

  private static final Path SCRIPTS = Path.of("../scripts/image");
  private static final String IMAGE = "localhost/thinpool-operator:dev";
  private static final String INSTALL = "scripts/install-test-deps.sh";

  static KubernetesClient client;

  private static JsonNode config;
  private static List<String> entrypoint;
  private static String container;

  private record Result(int exitCode, String out, String err) {}

  @BeforeAll
  static void buildTheImage() throws IOException {
    for (String tool : List.of("buildah", "debootstrap")) {
      assertThat(onPath(tool))
          .withFailMessage(
              "'%s' is missing: the image test builds and runs the image with buildah;"
                  + " run %s (as root) to install it",
              tool, INSTALL)
          .isTrue();
    }
    Path log = Path.of("target", "image-build.log");
    Files.createDirectories(log.getParent());
    Process build =
        new ProcessBuilder(SCRIPTS.resolve("build.sh").toString(), IMAGE)
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    int exit = waitFor(build, Duration.ofMinutes(20));
    String output = Files.readString(log);
    assertThat(exit).withFailMessage("scripts/image/build.sh failed:%n%s", output).isZero();
    // The size and the build time, in the test's output.
    output
        .lines()
        .filter(l -> l.startsWith("base.sh:") || l.startsWith("build.sh:"))
        .forEach(System.out::println);

    JsonNode inspect =
        new ObjectMapper().readTree(buildah("inspect", "--type", "image", IMAGE).out());
    config = inspect.path("OCIv1").path("config");
    entrypoint = new ArrayList<>();
    config.path("Entrypoint").forEach(arg -> entrypoint.add(arg.asText()));
    container = buildah("from", "--pull=never", IMAGE).out().strip();
  }

  @AfterAll
  static void removeTheContainer() {
    if (container != null) {
      buildah("rm", container);
    }
  }

  @Test
  void theEntrypointPrintsTheUsageWithTheAgentAndControllerModesAndRunsTheAgentByDefault() {
    Result help = inImage(entry("--help"));

    assertThat(help.exitCode()).as(help.err()).isZero();
    assertThat(help.out())
        .contains("thinpool-operator agent")
        .contains("thinpool-operator controller")
        .contains("thinpool-operator engine");
    assertThat(entrypoint)
        .startsWith("/opt/java/bin/java")
        .endsWith("-jar", "/opt/thinpool/thinpool-operator.jar");
    assertThat(config.path("Cmd").toString()).isEqualTo("[\"agent\"]");
    // The small-footprint JVM options come from the image and are what the launcher picked up.
    assertThat(help.err()).contains("Picked up JDK_JAVA_OPTIONS: -XX:+UseSerialGC");
  }

  @Test
  void theEngineModeRunsOnTheJlinkedRuntime() {
    Result help = inImage(entry("engine", "--help"));

    assertThat(help.exitCode()).as(help.out() + help.err()).isZero();
    assertThat(help.out()).contains("usage: thinpool-operator engine").contains("--device PATH");
  }

  @Test
  void nsenterIsInTheImageAndLvmIsNot() {
    Result nsenter = inImage(List.of("nsenter", "--version"));
    assertThat(nsenter.exitCode()).as(nsenter.err()).isZero();
    assertThat(nsenter.out()).contains("util-linux");

    // LVM runs on the host through nsenter: none of its tools may shadow the host's.
    Result lvm = inImage(List.of("sh", "-c", "command -v lvm pvcreate lvcreate dmsetup dmeventd"));
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
    List<String> argv = new ArrayList<>(buildahArgs("run", "--isolation", "chroot"));
    argv.addAll(
        List.of(
            // As the chart runs it: not root.
            "--user",
            "65532:65532",
            "-v",
            kube + ":/kube:ro",
            "-e",
            "KUBECONFIG=/kube/config",
            "-e",
            "POD_NAMESPACE=default",
            "-e",
            "THINPOOL_HTTP_PORT=" + port,
            container,
            "--"));
    argv.addAll(entry("controller"));
    Path log = kube.resolve("controller.log");
    boolean deleteOnSuccess = false;
    Process controller =
        new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try {
      HttpClient http = HttpClient.newHttpClient();
      URI readyz = URI.create("http://127.0.0.1:" + port + "/readyz");
      await("the controller's /readyz, log: " + log)
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

      await("the ThinPool the controller makes, log: " + log)
          .atMost(Duration.ofSeconds(60))
          .until(() -> client.resources(ThinPool.class).withName("image.node-a").get() != null);
      System.out.printf("controller in the image: ready, RSS %d MiB%n", rssKib(controller) / 1024);
      deleteOnSuccess = true;
    } finally {
      controller.descendants().forEach(ProcessHandle::destroy);
      controller.destroy();
      if (!controller.waitFor(30, TimeUnit.SECONDS)) {
        controller.descendants().forEach(ProcessHandle::destroyForcibly);
        controller.destroyForcibly();
      }
      // The credentials and the log go; after a failure they stay for a look.
      if (deleteOnSuccess) {
        try (Stream<Path> files = Files.walk(kube)) {
          for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
            Files.delete(file);
          }
        }
      }
    }
  }

  /** The image's entry point followed by {@code args}: what a runtime runs for the container. */
  private static List<String> entry(String... args) {
    return Stream.concat(entrypoint.stream(), Stream.of(args)).toList();
  }

  private static Result inImage(List<String> command) {
    List<String> argv = new ArrayList<>(buildahArgs("run", "--isolation", "chroot", container));
    argv.add("--");
    argv.addAll(command);
    return run(argv, Duration.ofMinutes(2));
  }

  private static List<String> buildahArgs(String... args) {
    return Stream.concat(Stream.of("buildah", "--storage-driver", "vfs"), Stream.of(args)).toList();
  }

  private static Result buildah(String... args) {
    Result result = run(buildahArgs(args), Duration.ofMinutes(2));
    assertThat(result.exitCode())
        .withFailMessage("buildah %s failed: %s", String.join(" ", args), result.err())
        .isZero();
    return result;
  }

  private static Result run(List<String> argv, Duration timeout) {
    try {
      File err = File.createTempFile("image-it", ".err");
      Process process = new ProcessBuilder(argv).redirectError(err).start();
      process.getOutputStream().close();
      CompletableFuture<String> out =
          CompletableFuture.supplyAsync(() -> readAll(process.getInputStream()));
      int exit = waitFor(process, timeout);
      String stderr = Files.readString(err.toPath());
      Files.delete(err.toPath());
      return new Result(exit, out.join(), stderr);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static int waitFor(Process process, Duration timeout) {
    try {
      if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        throw new AssertionError("timed out after " + timeout + ": " + process.info());
      }
      return process.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static String readAll(InputStream in) {
    try (in) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static boolean onPath(String tool) {
    return Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
        .anyMatch(dir -> Files.isExecutable(Path.of(dir, tool)));
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  /** The JVM's RSS in the container: the java process under buildah's runtime. */
  private static long rssKib(Process runner) throws IOException {
    ProcessHandle java =
        runner
            .descendants()
            .filter(p -> p.info().command().map(c -> c.endsWith("/java")).orElse(false))
            .findFirst()
            .orElseThrow();
    return Files.readAllLines(Path.of("/proc", String.valueOf(java.pid()), "status")).stream()
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
