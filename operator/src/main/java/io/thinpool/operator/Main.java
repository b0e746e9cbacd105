package io.thinpool.operator;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.javaoperatorsdk.operator.Operator;
import io.thinpool.operator.lvm.HostCommandRunner;
import io.thinpool.operator.lvm.NsenterCommandRunner;
import io.thinpool.operator.lvm.SocketCommandRunner;
import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;

/** The image's entry point: one image, three modes. */
public final class Main {

  static final String USAGE =
      """
      usage: thinpool-operator agent        the node agent (needs NODE_NAME; THINPOOL_REFRESH_SECONDS, THINPOOL_NODE_SOCKET)
             thinpool-operator controller   the leader-elected controller (POD_NAMESPACE holds the lease)
             thinpool-operator engine ...   run the LVM engine once on this node (engine --help)
      """;

  private Main() {}

  public static void main(String[] args) throws IOException {
    String mode = args.length == 0 ? "" : args[0];
    String[] rest = Arrays.copyOfRange(args, Math.min(1, args.length), args.length);
    Settings settings = Settings.fromEnvironment(System.getenv());
    switch (mode) {
      case "agent" -> {
        String node =
            settings
                .nodeName()
                .orElseThrow(
                    () ->
                        new IllegalArgumentException(
                            "the agent needs NODE_NAME (the downward API's spec.nodeName)"));
        run(Operators.agent(client(), node, nodeRunner(settings), settings.refresh()));
      }
      case "controller" -> run(Operators.controller(client(), settings.leaseNamespace(), true));
      case "engine" -> System.exit(EngineCommand.run(rest, System.out, System.err));
      case "-h", "--help" -> System.out.print(USAGE);
      default -> {
        System.err.print(USAGE);
        System.exit(2);
      }
    }
  }

  private static KubernetesClient client() {
    return new KubernetesClientBuilder().build();
  }

  private static HostCommandRunner nodeRunner(Settings settings) throws IOException {
    if (settings.nodeSocket().isEmpty()) {
      return new NsenterCommandRunner();
    }
    SocketCommandRunner socket = new SocketCommandRunner(settings.nodeSocket().get());
    socket.awaitReady(Duration.ofSeconds(60));
    return socket;
  }

  private static void run(Operator operator) {
    operator.installShutdownHook(Duration.ofSeconds(10));
    operator.start();
  }
}
