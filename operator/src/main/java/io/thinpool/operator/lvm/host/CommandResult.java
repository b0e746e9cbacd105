package io.thinpool.operator.lvm.host;

/**
 * What a host command did: exit code, captured output, whether it ran into its timeout, and whether
 * it was left running because stopping it harder could damage LVM's metadata.
 */
public record CommandResult(
    int exitCode, String stdout, String stderr, boolean timedOut, boolean leftRunning) {

  public CommandResult(int exitCode, String stdout, String stderr, boolean timedOut) {
    this(exitCode, stdout, stderr, timedOut, false);
  }

  public boolean succeeded() {
    return exitCode == 0 && !timedOut;
  }
}
