package io.thinpool.operator;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.javaoperatorsdk.operator.Operator;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.thinpool.operator.lvm.HostCommandRunner;
import io.thinpool.operator.lvm.NsenterCommandRunner;
import io.thinpool.operator.lvm.SocketCommandRunner;
import io.thinpool.operator.metrics.OperatorHttpServer;
import java.io.IOException;
import java.time.Duration;

/** The image's entry point: one image, three modes. */
public final class Main {

  static final String USAGE =
      """
      usage: thinpool-operator agent        the node agent (needs NODE_NAME; THINPOOL_REFRESH_SECONDS, THINPOOL_NODE_SOCKET)
                                          both serve /metrics, /healthz, /readyz on THINPOOL_HTTP_PORT (8080)
             thinpool-operator controller   the leader-elected controller (POD_NAMESPACE holds the lease)
             thinpool-operator engine ...   run the LVM engine once on this node (engine --help)
      """;

  /** The exit status of a mode that cannot start: its one line on stderr says why. */
  static final int CANNOT_START = 1;

  private Main() {}

  public static void main(String[] args) throws IOException {
    String mode = args.length == 0 ? "" : args[0];
    Settings settings = Settings.fromEnvironment(System.getenv());
    try {
      switch (mode) {
        case "agent" -> agent(settings);
        case "controller" -> controller(settings);
        case "engine" -> System.exit(EngineCommand.run(args, System.out, System.err));
        case "-h", "--help" -> System.out.print(USAGE);
        default -> {
          System.err.print(USAGE);
          System.exit(2);
        }
      }
    } catch (StartupCheck.Failure e) {
      System.err.println("thinpool-operator " + mode + " cannot start: " + e.getMessage());
      System.exit(CANNOT_START);
    }
  }

  private static void agent(Settings settings) throws IOException {
    String node =
        settings
            .nodeName()
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "the agent needs NODE_NAME (the downward API's spec.nodeName)"));
    KubernetesClient client = client();
    StartupCheck.agent(client.getConfiguration(), node);
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    run(
        client,
        Operators.agent(client, node, nodeRunner(settings), settings.refresh(), registry),
        settings,
        registry);
  }

  private static void controller(Settings settings) {
    KubernetesClient client = client();
    StartupCheck.controller(client.getConfiguration(), settings.leaseNamespace());
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    run(client, Operators.controller(client, settings.leaseNamespace(), true), settings, registry);
  }

  private static KubernetesClient client() {
    return new KubernetesClientBuilder().build();
  }

  private static HostCommandRunner nodeRunner(Settings settings) throws IOException {
    if (settings.nodeSocket().isEmpty()) {
      return new NsenterCommandRunner();
    }
    return SocketCommandRunner.connect(settings.nodeSocket().get(), Duration.ofSeconds(60));
  }

  /** Starts the operator, then /metrics, /healthz and /readyz on THINPOOL_HTTP_PORT. */
  private static void run(
      KubernetesClient client,
      Operator operator,
      Settings settings,
      PrometheusMeterRegistry registry) {
    // JOSDK 5.2.3 ignores this duration; how long a stopping agent lets a reconcile finish is its
    // reconciliation termination timeout (Operators.AGENT_SHUTDOWN_GRACE).
    operator.installShutdownHook(Duration.ZERO);
    OperatorHttpServer http = new OperatorHttpServer(settings.httpPort(), operator, registry);
    Runtime.getRuntime().addShutdownHook(new Thread(http::close));
    try {
      operator.start();
    } catch (RuntimeException e) {
      // Without this the probes' server would keep the process alive, unready, for ever.
      throw StartupCheck.failure(e, client.getMasterUrl().toString());
    }
  }
}
