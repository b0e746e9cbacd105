package io.thinpool.operator;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.javaoperatorsdk.operator.Operator;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.thinpool.operator.cli.EngineCommand;
import io.thinpool.operator.cli.HelpOption;
import io.thinpool.operator.lvm.host.HostCommandRunner;
import io.thinpool.operator.lvm.host.NsenterCommandRunner;
import io.thinpool.operator.lvm.host.SocketCommandRunner;
import io.thinpool.operator.metrics.OperatorHttpServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The image's entry point: one image, three modes. The command line is picocli's: usage errors end
 * with exit status 2, failures with 1, each as one line naming the command; never a stack trace. A
 * long-running mode named alone, as the chart starts it, has nothing to parse and starts without
 * picocli: building its model of the whole command line loads about 170 classes that would stay in
 * every agent's memory for the pod's life, and takes a fifth of a second at every start.
 */
@Command(
    name = Main.NAME,
    customSynopsis = {
      "thinpool-operator agent        the node agent",
      "       thinpool-operator controller   the leader-elected controller",
      "       thinpool-operator engine ...   the LVM engine, once, on this node",
      ""
    },
    footer = {
      "",
      "The agent needs NODE_NAME and reads THINPOOL_REFRESH_SECONDS and THINPOOL_NODE_SOCKET;"
          + " the controller keeps its lease in POD_NAMESPACE. Both serve /metrics, /healthz"
          + " and /readyz on THINPOOL_HTTP_PORT (8080)."
    },
    subcommands = EngineCommand.class)
public final class Main implements Callable<Integer> {

  @Spec CommandSpec command;
  @Mixin HelpOption help;

  /** The exit status of a mode that cannot start: its one line on stderr says why. */
  static final int CANNOT_START = 1;

  /** Whether a mode that keeps running (agent, controller) started: then main must not exit. */
  private boolean serving;

  static final String NAME = "thinpool-operator";
  static final String AGENT = "agent";
  static final String CONTROLLER = "controller";

  /** The long-running modes, by their command names. */
  enum Service {
    AGENT(Main.AGENT),
    CONTROLLER(Main.CONTROLLER);

    private final String command;

    Service(String command) {
      this.command = command;
    }

    /** The mode when {@code args} name one and nothing else. */
    static Optional<Service> namedAlone(String[] args) {
      return Arrays.stream(values())
          .filter(service -> args.length == 1 && service.command.equals(args[0]))
          .findFirst();
    }
  }

  public static void main(String[] args) {
    Main main = new Main();
    int exit =
        main.execute(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true));
    if (!main.serving) {
      System.exit(exit);
    }
  }

  /** Runs the command line {@code args}: its exit status, or 0 once a mode is serving. */
  int execute(String[] args, PrintWriter out, PrintWriter err) {
    return Service.namedAlone(args)
        .map(service -> serve(service, err))
        .orElseGet(() -> commandLine(out, err).execute(args));
  }

  /** Starts {@code service} as picocli would have, its failures reported the same way. */
  private int serve(Service service, PrintWriter err) {
    try {
      if (service == Service.AGENT) {
        agent(null);
      } else {
        controller(null);
      }
      return 0;
    } catch (Exception e) {
      return failure(e, NAME + " " + service.command, err);
    }
  }

  /** This command line, printing to {@code out} and {@code err}. */
  public CommandLine commandLine(PrintWriter out, PrintWriter err) {
    CommandLine line =
        new CommandLine(this)
            .setOut(out)
            .setErr(err)
            .setParameterExceptionHandler(Main::usageError)
            .setExecutionExceptionHandler(Main::failure);
    lowerCaseUsage(line);
    return line;
  }

  @Override
  public Integer call() {
    throw new ParameterException(command.commandLine(), "name a mode: agent, controller or engine");
  }

  @Command(name = AGENT, description = "The node agent.")
  int agent(@Mixin HelpOption help) throws IOException {
    Settings settings = Settings.fromEnvironment(System.getenv());
    String node =
        settings
            .nodeName()
            .orElseThrow(
                () ->
                    new StartupCheck.Failure(
                        "the agent needs NODE_NAME (the downward API's spec.nodeName)", null));
    KubernetesClient client = client();
    StartupCheck.agent(client.getConfiguration(), node);
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    run(
        client,
        Operators.agent(client, node, nodeRunner(settings), settings.refresh(), registry),
        settings,
        registry);
    return 0;
  }

  @Command(name = CONTROLLER, description = "The leader-elected controller.")
  int controller(@Mixin HelpOption help) {
    Settings settings = Settings.fromEnvironment(System.getenv());
    KubernetesClient client = client();
    StartupCheck.controller(client.getConfiguration(), settings.leaseNamespace());
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    run(client, Operators.controller(client, settings.leaseNamespace(), true), settings, registry);
    return 0;
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
  private void run(
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
    serving = true;
  }

  /** One line: the command, what is wrong, a close option name when there is one. */
  private static int usageError(ParameterException e, String[] args) {
    CommandLine line = e.getCommandLine();
    String message = e.getMessage();
    if (e instanceof UnmatchedArgumentException unmatched
        && !unmatched.getSuggestions().isEmpty()) {
      message += " (did you mean " + String.join(" or ", unmatched.getSuggestions()) + "?)";
    }
    line.getErr().println(line.getCommandSpec().qualifiedName() + ": " + message + "; see --help");
    return line.getCommandSpec().exitCodeOnInvalidInput();
  }

  private static int failure(Exception e, CommandLine line, ParseResult parsed) {
    return failure(e, line.getCommandSpec().qualifiedName(), line.getErr());
  }

  /**
   * One line with what failed; the engine's and the node's failures already say it in words. A mode
   * that cannot start says so, as scripts and the StartupFailuresIT expect. Exit status 1 either
   * way (picocli's for a failed command).
   */
  private static int failure(Exception e, String command, PrintWriter err) {
    String message = e.getMessage() == null ? e.toString() : e.getMessage();
    String what = e instanceof StartupCheck.Failure ? " cannot start: " : ": ";
    err.println(command + what + message.replaceAll("\\s*\\n\\s*", " "));
    return CANNOT_START;
  }

  /** "usage:" as the engine always printed it (and scripts may grep), on every command. */
  private static void lowerCaseUsage(CommandLine line) {
    line.getCommandSpec().usageMessage().synopsisHeading("usage: ");
    line.getSubcommands().values().forEach(Main::lowerCaseUsage);
  }
}
