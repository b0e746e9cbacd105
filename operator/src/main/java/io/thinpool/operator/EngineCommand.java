package io.thinpool.operator;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.thinpool.operator.lvm.HostCommandRunner;
import io.thinpool.operator.lvm.NsenterCommandRunner;
import io.thinpool.operator.lvm.PoolEngine;
import io.thinpool.operator.lvm.PoolSpec;
import io.thinpool.operator.lvm.SocketCommandRunner;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Command line of the thinpool-operator image. {@code engine} runs the node engine once, against
 * this host through nsenter or against a node behind a socket (the local demo VM), and prints the
 * outcome as JSON.
 */
final class EngineCommand {

  static final String USAGE =
      """
      usage: thinpool-operator engine (reconcile | teardown | observe | recover) [options]
        --device PATH             a device for the volume group (repeatable, required)
        --volume-group NAME       default docker
        --pool NAME               default thinpool
        --data-percent N          data LV size, % of the VG (default 90)
        --metadata-percent N      metadata LV size, % of the VG (default 5)
        --threshold N             autoextend threshold % (default 80)
        --extend-percent N        autoextend step % (default 20)
        --destroy-existing-data   wipe devices that carry signatures or foreign PVs
        --force                   teardown: also remove volumes that may hold data
        --confirm-data-loss       recover: required; the pool and its thin volumes are dropped
                                  from the VG's metadata (a backup stays in /etc/lvm/backup)
        --node-socket PATH        run commands on the node behind this socket instead of nsenter
      """;

  private EngineCommand() {}

  static int run(String[] args, PrintStream out, PrintStream err) throws IOException {
    if (args.length < 2 || !args[0].equals("engine") || List.of("-h", "--help").contains(args[1])) {
      (args.length > 1 && List.of("-h", "--help").contains(args[1]) ? out : err).print(USAGE);
      return args.length > 1 && List.of("-h", "--help").contains(args[1]) ? 0 : 2;
    }
    String action = args[1];
    List<String> devices = new ArrayList<>();
    Map<String, String> options = new LinkedHashMap<>();
    boolean destroy = false;
    boolean force = false;
    boolean confirmDataLoss = false;
    for (int i = 2; i < args.length; i++) {
      switch (args[i]) {
        case "--destroy-existing-data" -> destroy = true;
        case "--force" -> force = true;
        case "--confirm-data-loss" -> confirmDataLoss = true;
        case "--device" -> devices.add(value(args, ++i));
        default -> {
          if (!args[i].startsWith("--")) {
            err.println("unexpected argument: " + args[i]);
            return 2;
          }
          options.put(args[i], value(args, ++i));
        }
      }
    }
    PoolSpec defaults = PoolSpec.runbook(devices.toArray(String[]::new));
    PoolSpec spec =
        defaults.toBuilder()
            .volumeGroup(options.getOrDefault("--volume-group", defaults.volumeGroup()))
            .poolName(options.getOrDefault("--pool", defaults.poolName()))
            .sizes(
                intOption(options, "--data-percent", defaults.dataPercentOfVg()),
                intOption(options, "--metadata-percent", defaults.metadataPercentOfVg()))
            .autoextend(
                new PoolSpec.AutoextendPolicy(
                    defaults.autoextend().profile(),
                    intOption(options, "--threshold", defaults.autoextend().thresholdPercent()),
                    intOption(options, "--extend-percent", defaults.autoextend().extendPercent())))
            .destroyExistingData(destroy)
            .build();

    HostCommandRunner runner = new NsenterCommandRunner();
    if (options.containsKey("--node-socket")) {
      runner =
          SocketCommandRunner.connect(
              Path.of(options.get("--node-socket")), Duration.ofSeconds(60));
    }
    PoolEngine engine = new PoolEngine(runner);
    ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    Object result;
    int exit = 0;
    switch (action) {
      case "observe" -> result = engine.observe(spec);
      case "reconcile", "teardown", "recover" -> {
        if (action.equals("recover") && !confirmDataLoss) {
          err.println("recover drops the pool and everything in it: add --confirm-data-loss");
          return 2;
        }
        PoolEngine.Outcome outcome =
            switch (action) {
              case "reconcile" -> engine.reconcile(spec);
              case "teardown" -> engine.teardown(spec, force);
              default -> engine.recoverPool(spec);
            };
        Map<String, Object> printed = new LinkedHashMap<>();
        printed.put("status", outcome.status());
        printed.put("executed", outcome.executed().stream().map(Object::toString).toList());
        printed.put("refusal", outcome.plan() == null ? null : outcome.plan().refusal());
        printed.put(
            "excludedDevices",
            outcome.plan() == null ? List.of() : outcome.plan().excludedDevices());
        printed.put("notes", outcome.plan() == null ? List.of() : outcome.plan().notes());
        printed.put("failure", outcome.failure() == null ? null : outcome.failure().getMessage());
        printed.put("pool", outcome.report());
        result = printed;
        exit = outcome.status() == PoolEngine.Status.CONVERGED ? 0 : 1;
      }
      default -> {
        err.print(USAGE);
        return 2;
      }
    }
    out.println(json.writeValueAsString(result));
    return exit;
  }

  private static String value(String[] args, int index) {
    if (index >= args.length) {
      throw new IllegalArgumentException(args[index - 1] + " needs a value");
    }
    return args[index];
  }

  private static int intOption(Map<String, String> options, String name, int fallback) {
    return options.containsKey(name) ? Integer.parseInt(options.get(name)) : fallback;
  }
}
