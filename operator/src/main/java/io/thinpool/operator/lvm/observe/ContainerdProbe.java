package io.thinpool.operator.lvm.observe;

import io.thinpool.operator.lvm.host.CommandResult;
import io.thinpool.operator.lvm.host.HostCommand;
import io.thinpool.operator.lvm.host.HostCommandRunner;

/**
 * Reads whether the node's containerd gives this pool to its devmapper snapshotter and whether the
 * snapshotter loaded: one {@code cat} of its config, and {@code ctr plugins ls} only when the
 * config names the pool. A node without containerd costs the one failed {@code cat}.
 */
final class ContainerdProbe {

  private final HostCommandRunner runner;

  ContainerdProbe(HostCommandRunner runner) {
    this.runner = runner;
  }

  ContainerdUse read(String deviceMapperName) {
    CommandResult config = runner.run(HostCommand.of("cat", "--", ContainerdUse.CONFIG));
    if (!config.succeeded() || !namesPool(config.stdout(), deviceMapperName)) {
      return ContainerdUse.NONE;
    }
    CommandResult plugins = runner.run(HostCommand.of("ctr", "plugins", "ls"));
    if (!plugins.succeeded()) {
      return new ContainerdUse(true, "unknown");
    }
    return new ContainerdUse(true, devmapperState(plugins.stdout()));
  }

  /** Whether a devmapper snapshotter section of the TOML sets {@code pool_name} to the pool. */
  static boolean namesPool(String toml, String deviceMapperName) {
    boolean inDevmapper = false;
    for (String raw : toml.lines().toList()) {
      String line = raw.strip();
      if (line.startsWith("[")) {
        inDevmapper = line.contains("devmapper");
      } else if (inDevmapper && line.matches("pool_name\\s*=\\s*[\"']?.*")) {
        String value =
            line.substring(line.indexOf('=') + 1).strip().replaceAll("^[\"']|[\"']$", "");
        if (value.equals(deviceMapperName)) {
          return true;
        }
      }
    }
    return false;
  }

  /** The devmapper snapshotter's status column: "io.containerd.snapshotter.v1 devmapper ... ok". */
  static String devmapperState(String pluginList) {
    return pluginList
        .lines()
        .map(String::strip)
        .filter(line -> line.matches("io\\.containerd\\.snapshotter\\.\\S+\\s+devmapper\\s.*"))
        .map(line -> line.split("\\s+"))
        .map(fields -> fields[fields.length - 1])
        .findFirst()
        .orElse("missing");
  }
}
