package io.thinpool.operator.lvm.host;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * One program to run on the node: an argv list (never a shell line), optional bytes for its
 * standard input, and how long it may take before it is killed.
 */
public record HostCommand(List<String> argv, byte[] stdin, Duration timeout) {

  public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(2);

  public HostCommand {
    argv = List.copyOf(argv);
    if (argv.isEmpty()) {
      throw new IllegalArgumentException("a host command needs a program");
    }
    stdin = stdin == null ? new byte[0] : stdin.clone();
  }

  public static HostCommand of(String... argv) {
    return new HostCommand(List.of(argv), null, DEFAULT_TIMEOUT);
  }

  public static HostCommand of(List<String> argv) {
    return new HostCommand(argv, null, DEFAULT_TIMEOUT);
  }

  /** Programs that change LVM's metadata: never killed half-way (see NsenterCommandRunner). */
  private static final Set<String> CHANGE_LVM_METADATA =
      Set.of(
          "pvcreate",
          "pvremove",
          "vgcreate",
          "vgextend",
          "vgchange",
          "vgremove",
          "vgcfgrestore",
          "lvcreate",
          "lvconvert",
          "lvextend",
          "lvchange",
          "lvremove");

  /** Whether killing this command half-way could leave LVM's metadata half-changed. */
  public boolean changesLvmMetadata() {
    return CHANGE_LVM_METADATA.contains(program());
  }

  public HostCommand withStdin(String text) {
    return new HostCommand(argv, text.getBytes(StandardCharsets.UTF_8), timeout);
  }

  public String program() {
    return argv.get(0);
  }

  /** The argv as a person would type it, for logs and messages only: it is never executed. */
  public String display() {
    return String.join(" ", argv);
  }
}
