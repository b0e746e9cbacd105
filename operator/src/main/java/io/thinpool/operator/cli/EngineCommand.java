package io.thinpool.operator.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.thinpool.operator.lvm.PoolEngine;
import io.thinpool.operator.lvm.host.HostCommand;
import io.thinpool.operator.lvm.host.HostCommandException;
import io.thinpool.operator.lvm.host.HostCommandRunner;
import io.thinpool.operator.lvm.host.NsenterCommandRunner;
import io.thinpool.operator.lvm.host.SocketCommandRunner;
import io.thinpool.operator.lvm.plan.TeardownConsent;
import io.thinpool.operator.lvm.spec.PoolSpec;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code thinpool-operator engine}: runs the node engine once, against this host through nsenter or
 * against a node behind a socket (the local demo node), and prints the outcome as JSON. The spec is
 * validated before anything reaches the node; the node's lock keeps it apart from the agent (see
 * {@link io.thinpool.operator.lvm.host.NodeLock}).
 */
@Command(
    name = "engine",
    description = "Runs the LVM engine once on this node and prints the outcome as JSON.",
    subcommands = {
      EngineCommand.Reconcile.class,
      EngineCommand.PlanOnly.class,
      EngineCommand.Observe.class,
      EngineCommand.Teardown.class,
      EngineCommand.Recover.class
    })
public final class EngineCommand implements Callable<Integer> {

  @Spec CommandSpec command;
  @Mixin HelpOption help;

  @Override
  public Integer call() {
    throw new ParameterException(
        command.commandLine(), "name an action: reconcile, plan, observe, teardown or recover");
  }

  /** Where the node is, and how long to wait for another engine that is changing it. */
  static final class NodeOptions {
    @Option(
        names = "--node-socket",
        paramLabel = "PATH",
        description = "Run the commands on the node behind this socket instead of nsenter.")
    Path socket;

    @Option(
        names = "--lock-wait",
        paramLabel = "SECONDS",
        defaultValue = "60",
        description =
            "How long to wait while another engine (the agent) changes the node"
                + " (default: ${DEFAULT-VALUE}; 0: refuse at once).")
    int lockWaitSeconds;

    HostCommandRunner connect() {
      if (socket == null) {
        return new NsenterCommandRunner();
      }
      try {
        return SocketCommandRunner.connect(socket, Duration.ofSeconds(60));
      } catch (IOException | HostCommandException e) {
        throw new EngineFailure("cannot reach the node socket " + socket + ": " + e.getMessage());
      }
    }
  }

  /** What the engine's actions share: options, validation, the node, the printed result. */
  abstract static class Action implements Callable<Integer> {
    @Spec CommandSpec command;
    @Mixin PoolOptions pool;
    @Mixin NodeOptions node;
    @Mixin HelpOption help;

    @Override
    public Integer call() throws IOException {
      PoolSpec spec = pool.spec();
      List<String> errors = PoolOptions.inOptionNames(spec.violations());
      if (!errors.isEmpty()) {
        throw new ParameterException(command.commandLine(), String.join("; ", errors));
      }
      if (node.lockWaitSeconds < 0) {
        throw new ParameterException(
            command.commandLine(), "--lock-wait: must be 0 or more, got " + node.lockWaitSeconds);
      }
      refuseUnconfirmed();
      HostCommandRunner runner = node.connect();
      try {
        PoolEngine engine =
            new PoolEngine(
                runner, HostCommand.DEFAULT_TIMEOUT, Duration.ofSeconds(node.lockWaitSeconds));
        return run(engine, spec);
      } finally {
        if (runner instanceof AutoCloseable closeable) {
          try {
            closeable.close();
          } catch (Exception e) {
            // the result is printed; a socket that does not close cleanly changes nothing
          }
        }
      }
    }

    /** Throws a usage error when the action needs a confirmation it did not get. */
    void refuseUnconfirmed() {}

    abstract int run(PoolEngine engine, PoolSpec spec) throws IOException;

    /** Prints an outcome; exit status 0 only when the node matches. */
    int print(PoolEngine.Outcome outcome) throws IOException {
      Map<String, Object> printed = new LinkedHashMap<>();
      printed.put("status", outcome.status());
      printed.put("executed", outcome.executed().stream().map(Object::toString).toList());
      printed.put(
          "planned",
          outcome.status() == PoolEngine.Status.PLANNED
              ? outcome.plan().steps().stream().map(Object::toString).toList()
              : List.of());
      printed.put("refusal", outcome.plan() == null ? null : outcome.plan().refusal());
      printed.put(
          "excludedDevices", outcome.plan() == null ? List.of() : outcome.plan().excludedDevices());
      printed.put("notes", outcome.plan() == null ? List.of() : outcome.plan().notes());
      printed.put("failure", outcome.failure() == null ? null : outcome.failure().getMessage());
      printed.put("pool", outcome.report());
      printJson(printed);
      return outcome.status() == PoolEngine.Status.CONVERGED ? 0 : 1;
    }

    void printJson(Object value) throws IOException {
      command
          .commandLine()
          .getOut()
          .println(
              new ObjectMapper()
                  .enable(SerializationFeature.INDENT_OUTPUT)
                  .writeValueAsString(value));
      command.commandLine().getOut().flush();
    }
  }

  @Command(name = "reconcile", description = "Build or fix the pool until it matches the options.")
  static final class Reconcile extends Action {
    @Override
    int run(PoolEngine engine, PoolSpec spec) throws IOException {
      return print(engine.reconcile(spec));
    }
  }

  @Command(
      name = "plan",
      description = "Print the steps reconcile would run, each with its reason; change nothing.")
  static final class PlanOnly extends Action {
    @Override
    int run(PoolEngine engine, PoolSpec spec) throws IOException {
      PoolEngine.Outcome outcome = engine.plan(spec);
      print(outcome);
      return outcome.status() == PoolEngine.Status.PLANNED
              || outcome.status() == PoolEngine.Status.CONVERGED
          ? 0
          : 1;
    }
  }

  @Command(name = "observe", description = "Report on the pool; change nothing.")
  static final class Observe extends Action {
    @Override
    int run(PoolEngine engine, PoolSpec spec) throws IOException {
      printJson(engine.observe(spec));
      return 0;
    }
  }

  @Command(
      name = "teardown",
      description = {
        "Remove the pool, its volume group and profile (only a VG we created).",
        "A pool that holds data stays: thin volumes LVM lists, thin devices a container runtime"
            + " made (containerd's devmapper snapshotter, Docker's devicemapper driver), any"
            + " mapped block, or contents that cannot be read. A pool a process has open always"
            + " stays."
      })
  static final class Teardown extends Action {
    @Option(
        names = "--force",
        description =
            "Consent to destroy whatever the pool holds: thin volumes and a runtime's thin"
                + " devices, with their data.")
    boolean force;

    @Override
    int run(PoolEngine engine, PoolSpec spec) throws IOException {
      return print(engine.teardown(spec, force ? TeardownConsent.FORCE : TeardownConsent.NONE));
    }
  }

  @Command(
      name = "recover",
      description =
          "Drop a stuck pool and its thin volumes from the VG's metadata, then rebuild it.")
  static final class Recover extends Action {
    @Option(
        names = "--confirm-data-loss",
        description =
            "Required: the pool and its thin volumes are lost (a metadata backup stays in"
                + " /etc/lvm/backup).")
    boolean confirmDataLoss;

    @Override
    void refuseUnconfirmed() {
      if (!confirmDataLoss) {
        throw new ParameterException(
            command.commandLine(),
            "recover drops the pool and everything in it: add --confirm-data-loss");
      }
    }

    @Override
    int run(PoolEngine engine, PoolSpec spec) throws IOException {
      return print(engine.recoverPool(spec));
    }
  }

  /** A failure the user can act on, reported as one line with exit status 1. */
  static final class EngineFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    EngineFailure(String message) {
      super(message);
    }
  }
}
