package io.thinpool.operator.lvm;

import io.thinpool.operator.lvm.host.CommandResult;
import io.thinpool.operator.lvm.host.FailureKind;
import io.thinpool.operator.lvm.host.HostCommand;
import io.thinpool.operator.lvm.host.HostCommandException;
import io.thinpool.operator.lvm.host.HostCommandRunner;
import io.thinpool.operator.lvm.host.NodeLock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Wraps a runner, records every command, and can simulate a crash: once {@code crashAfter} mutating
 * commands have run, the next one is not run and the "agent dies" (an exception).
 */
public final class RecordingRunner implements HostCommandRunner {

  static final Set<String> LVM_PROGRAMS =
      Set.of(
          "lvm",
          "pvcreate",
          "vgcreate",
          "vgextend",
          "lvcreate",
          "lvconvert",
          "lvchange",
          "lvextend",
          "vgremove",
          "pvremove",
          "lvs",
          "vgs",
          "pvs");
  private static final Set<String> READ_ONLY =
      Set.of(
          "lvm",
          "lsblk",
          "wipefs --no-act",
          "dmsetup info",
          "dmsetup status",
          "dmsetup table",
          "thin_ls",
          "ctr plugins ls",
          "cat",
          "realpath");

  /** The metadata snapshot thin_ls reads: held for the read and released, nothing changed. */
  private static final Set<String> METADATA_SNAPSHOT =
      Set.of("reserve_metadata_snap", "release_metadata_snap");

  private final HostCommandRunner delegate;
  private final int crashAfter;
  private final List<HostCommand> commands = new ArrayList<>();
  private int mutations;

  public RecordingRunner(HostCommandRunner delegate) {
    this(delegate, Integer.MAX_VALUE);
  }

  RecordingRunner(HostCommandRunner delegate, int crashAfter) {
    this.delegate = delegate;
    this.crashAfter = crashAfter;
  }

  @Override
  public NodeLock nodeLock() {
    return delegate.nodeLock();
  }

  @Override
  public CommandResult run(HostCommand command) {
    if (!readOnly(command)) {
      if (mutations == crashAfter) {
        throw new HostCommandException(
            FailureKind.FAILED, "simulated crash before `" + command.display() + "`", null);
      }
      mutations++;
    }
    commands.add(command);
    return delegate.run(command);
  }

  static boolean readOnly(HostCommand command) {
    String line = command.display();
    if (command.program().equals("dmsetup")
        && command.argv().get(1).equals("message")
        && METADATA_SNAPSHOT.contains(command.argv().get(command.argv().size() - 1))) {
      return true;
    }
    return READ_ONLY.stream()
        .anyMatch(prefix -> line.equals(prefix) || line.startsWith(prefix + " "));
  }

  public List<HostCommand> commands() {
    return commands;
  }

  public long lvmInvocations() {
    return commands.stream().filter(c -> LVM_PROGRAMS.contains(c.program())).count();
  }

  public long mutations() {
    return commands.stream().filter(c -> !readOnly(c)).count();
  }
}
