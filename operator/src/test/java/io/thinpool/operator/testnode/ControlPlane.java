package io.thinpool.operator.testnode;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A Kubernetes control plane on this machine, inside a network namespace the test makes: etcd,
 * kube-apiserver, kube-controller-manager and kube-scheduler (built by scripts/k8s/prepare.sh),
 * with fresh credentials (scripts/node/pki.sh). The namespace holds a TAP device at 10.201.0.1 for
 * the node's NIC; the API server listens there. No traffic uses an address outside the namespace or
 * this machine's loopback: the tests' own clients reach the API server through a forwarder from
 * loopback into the namespace over a unix socket.
 */
public final class ControlPlane implements AutoCloseable {

  public static final String ADDRESS = "10.201.0.1";
  public static final String NODE_ADDRESS = "10.201.0.2";
  public static final String SERVICE_RANGE = "10.96.0.0/24";
  public static final String POD_RANGE = "10.244.0.0/24";
  private static final String TAP = "tap0";
  private static final Duration START_TIMEOUT = Duration.ofMinutes(2);

  private final Path dir;
  private final Path bin;
  private final String namespace;
  private final List<Process> processes = new ArrayList<>();
  private Process apiServer;
  private int localPort;

  private ControlPlane(Path dir, Path bin) {
    this.dir = dir;
    this.bin = bin;
    this.namespace = "thinpool-" + ProcessHandle.current().pid();
  }

  /** Makes the namespace and credentials, then starts every component and waits for /readyz. */
  public static ControlPlane start(Path dir) {
    String kubeDir = System.getenv("KUBE_API_TEST_DIR");
    if (kubeDir == null) {
      throw new IllegalStateException(
          "KUBE_API_TEST_DIR must name the directory scripts/k8s/prepare.sh prints"
              + " (scripts/test.sh sets it): the real-node tests run a control plane built locally");
    }
    Path bin;
    try (var versions = Files.list(Path.of(kubeDir, "k8s"))) {
      bin = versions.findFirst().orElseThrow();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    for (String binary :
        List.of("etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler", "kubectl")) {
      if (!Files.isExecutable(bin.resolve(binary))) {
        throw new IllegalStateException(
            bin.resolve(binary) + " is missing: run scripts/k8s/prepare.sh (scripts/test.sh does)");
      }
    }
    if (Processes.run(List.of("sh", "-c", "command -v socat"), Duration.ofSeconds(10)).exitCode()
        != 0) {
      throw new IllegalStateException(
          "the real-node tests need socat: run scripts/install-test-deps.sh");
    }
    ControlPlane plane = new ControlPlane(dir, bin);
    try {
      plane.boot();
      return plane;
    } catch (RuntimeException e) {
      plane.close();
      throw e;
    }
  }

  private void boot() {
    removeStaleNamespaces();
    Path pki = dir.resolve("pki");
    Processes.must(
        List.of(Scripts.dir().resolve("node/pki.sh").toString(), pki.toString()),
        Duration.ofMinutes(1));
    ip("netns", "add", namespace);
    ip("-n", namespace, "link", "set", "lo", "up");
    ip("-n", namespace, "tuntap", "add", "dev", TAP, "mode", "tap");
    ip("-n", namespace, "addr", "add", ADDRESS + "/24", "dev", TAP);
    ip("-n", namespace, "link", "set", TAP, "up");
    // The API server's proxy to pods (their metrics) goes through the node.
    ip("-n", namespace, "route", "add", POD_RANGE, "via", NODE_ADDRESS, "dev", TAP, "onlink");

    background(
        "etcd",
        "etcd",
        "--data-dir=" + dir.resolve("etcd"),
        "--listen-client-urls=http://127.0.0.1:2379",
        "--advertise-client-urls=http://127.0.0.1:2379",
        "--listen-peer-urls=http://127.0.0.1:2380",
        "--unsafe-no-fsync");
    startApiServer();
    String kubeconfig = "--kubeconfig=" + pki.resolve("kube-controller-manager.kubeconfig");
    background(
        "kube-controller-manager",
        "kube-controller-manager",
        kubeconfig,
        "--bind-address=127.0.0.1",
        "--leader-elect=false",
        "--use-service-account-credentials=true",
        "--service-account-private-key-file=" + pki.resolve("sa.key"),
        "--root-ca-file=" + pki.resolve("ca.crt"),
        "--cluster-name=thinpool-real-node");
    background(
        "kube-scheduler",
        "kube-scheduler",
        "--kubeconfig=" + pki.resolve("kube-scheduler.kubeconfig"),
        "--bind-address=127.0.0.1",
        "--leader-elect=false");
    localPort = forward("apiserver", ADDRESS, 6443);
    awaitReady();
  }

  /**
   * A port on this machine's loopback that reaches {@code address:port} inside the namespace,
   * through a unix socket between two forwarders: no address outside either is used.
   */
  public int forward(String name, String address, int port) {
    int local = freePort();
    Path socket = dir.resolve(name + ".sock");
    background(
        "forward-in-namespace-" + name,
        null,
        "socat",
        "UNIX-LISTEN:" + socket + ",fork,mode=600",
        "TCP:" + address + ":" + port);
    processes.add(
        Processes.start(
            List.of(
                "socat",
                "TCP-LISTEN:" + local + ",bind=127.0.0.1,reuseaddr,fork",
                "UNIX-CONNECT:" + socket),
            dir.resolve("logs/forward-on-loopback-" + name + ".log")));
    return local;
  }

  /**
   * Starts a program beside the control plane, in its namespace (it reaches the API server at
   * {@link #ADDRESS} and the pods through the node); it stops with the control plane.
   */
  public Process startBeside(String name, List<String> argv) {
    return background(name, null, argv.toArray(String[]::new));
  }

  /** A directory of its own for a program started beside the control plane. */
  public Path workDirectory(String name) {
    return dir.resolve(name);
  }

  /** The cluster's CA certificate: what a client checks the API server's certificate with. */
  public Path caCertificate() {
    return dir.resolve("pki/ca.crt");
  }

  /** Starts the API server (again): on the same etcd, the same address and credentials. */
  public void startApiServer() {
    Path pki = dir.resolve("pki");
    apiServer =
        background(
            "kube-apiserver",
            "kube-apiserver",
            "--etcd-servers=http://127.0.0.1:2379",
            "--bind-address=" + ADDRESS,
            "--advertise-address=" + ADDRESS,
            "--secure-port=6443",
            "--tls-cert-file=" + pki.resolve("apiserver.crt"),
            "--tls-private-key-file=" + pki.resolve("apiserver.key"),
            "--client-ca-file=" + pki.resolve("ca.crt"),
            "--kubelet-client-certificate=" + pki.resolve("apiserver-kubelet-client.crt"),
            "--kubelet-client-key=" + pki.resolve("apiserver-kubelet-client.key"),
            // No DNS here: reach the kubelet (logs, stats) at the node's address, not its name.
            "--kubelet-preferred-address-types=InternalIP",
            "--service-account-issuer=https://kubernetes.default.svc",
            "--service-account-key-file=" + pki.resolve("sa.pub"),
            "--service-account-signing-key-file=" + pki.resolve("sa.key"),
            "--service-cluster-ip-range=" + SERVICE_RANGE,
            "--authorization-mode=Node,RBAC",
            "--enable-admission-plugins=NodeRestriction",
            // The agent is a privileged pod.
            "--allow-privileged=true");
  }

  /** Kills the API server (SIGKILL, as a crash): etcd and everything else stay up. */
  public void killApiServer() {
    apiServer.destroyForcibly();
    try {
      apiServer.waitFor(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    processes.remove(apiServer);
  }

  /** Waits until the API server answers /readyz through the loopback forwarder. */
  public void awaitReady() {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    try (KubernetesClient client = adminClient()) {
      while (true) {
        try {
          if ("ok".equals(client.raw("/readyz"))) {
            return;
          }
        } catch (RuntimeException e) {
          // not yet
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "the API server did not become ready:\n" + Processes.tail(log("kube-apiserver"), 20));
        }
        Thread.sleep(500);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** A cluster-admin client (system:masters) through the loopback forwarder. */
  public KubernetesClient adminClient() {
    return new KubernetesClientBuilder()
        .withConfig(Config.fromKubeconfig(adminKubeconfig()))
        .build();
  }

  /** The admin kubeconfig, credentials embedded: for Helm, kubectl and fabric8. */
  public String adminKubeconfig() {
    Path pki = dir.resolve("pki");
    return """
        apiVersion: v1
        kind: Config
        clusters:
        - name: real-node
          cluster: {server: "https://127.0.0.1:%d", certificate-authority-data: "%s"}
        users:
        - name: admin
          user: {client-certificate-data: "%s", client-key-data: "%s"}
        contexts:
        - name: real-node
          context: {cluster: real-node, user: admin}
        current-context: real-node
        """
        .formatted(
            localPort,
            base64(pki.resolve("ca.crt")),
            base64(pki.resolve("admin.crt")),
            base64(pki.resolve("admin.key")));
  }

  /** Runs the real kubectl as the admin and returns what it prints (stdout and stderr). */
  public String kubectl(String... args) {
    return Processes.run(kubectlArgv(args), Duration.ofMinutes(1)).output();
  }

  /** As {@link #kubectl}, failing with kubectl's output when it fails. */
  public String kubectlMust(String... args) {
    return Processes.must(kubectlArgv(args), Duration.ofMinutes(1));
  }

  private List<String> kubectlArgv(String... args) {
    try {
      Path config = dir.resolve("admin.kubeconfig");
      Files.writeString(config, adminKubeconfig());
      List<String> argv =
          new ArrayList<>(List.of(bin.resolve("kubectl").toString(), "--kubeconfig=" + config));
      argv.addAll(List.of(args));
      return argv;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The node's credentials (kubeconfigs with embedded certificates) and the cluster's CA. */
  public void writeNodeSeed(Path seed) {
    Path pki = dir.resolve("pki");
    try {
      Files.createDirectories(seed);
      for (String file : List.of("kubelet.kubeconfig", "kube-proxy.kubeconfig", "ca.crt")) {
        Files.copy(pki.resolve(file), seed.resolve(file));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Where the node's NIC attaches. */
  public NodeVm.Network network() {
    return new NodeVm.Network(namespace, TAP);
  }

  public Path log(String component) {
    return dir.resolve("logs/" + component + ".log");
  }

  @Override
  public void close() {
    for (int i = processes.size() - 1; i >= 0; i--) {
      Processes.stop(processes.get(i), Duration.ofSeconds(10));
    }
    processes.clear();
    Processes.run(List.of("ip", "netns", "del", namespace), Duration.ofSeconds(30));
  }

  /** Starts a component in the namespace; {@code binary} is one of the built ones, or a tool. */
  private Process background(String name, String binary, String... args) {
    List<String> argv = new ArrayList<>(List.of("ip", "netns", "exec", namespace));
    if (binary != null) {
      argv.add(bin.resolve(binary).toString());
    }
    argv.addAll(List.of(args));
    try {
      Files.createDirectories(dir.resolve("logs"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Process process = Processes.start(argv, log(name));
    processes.add(process);
    return process;
  }

  private static void ip(String... args) {
    List<String> argv = new ArrayList<>(List.of("ip"));
    argv.addAll(List.of(args));
    Processes.must(argv, Duration.ofSeconds(30));
  }

  /** Namespaces left by an earlier run whose JVM is gone: their processes, then themselves. */
  private static void removeStaleNamespaces() {
    String listed = Processes.run(List.of("ip", "netns", "list"), Duration.ofSeconds(10)).output();
    for (String line : listed.lines().toList()) {
      String name = line.split(" ")[0];
      if (!name.matches("thinpool-[0-9]+")
          || ProcessHandle.of(Long.parseLong(name.substring("thinpool-".length()))).isPresent()) {
        continue;
      }
      String pids =
          Processes.run(List.of("ip", "netns", "pids", name), Duration.ofSeconds(10)).output();
      for (String stale : pids.lines().map(String::strip).filter(s -> !s.isEmpty()).toList()) {
        ProcessHandle.of(Long.parseLong(stale)).ifPresent(ProcessHandle::destroyForcibly);
      }
      Processes.run(List.of("ip", "netns", "del", name), Duration.ofSeconds(30));
    }
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String base64(Path file) {
    try {
      return java.util.Base64.getEncoder().encodeToString(Files.readAllBytes(file));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
