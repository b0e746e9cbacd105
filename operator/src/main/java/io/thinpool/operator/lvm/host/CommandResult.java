package io.thinpool.operator.lvm.host;

/** What a host command did: exit code, captured output, and whether it was killed on timeout. */
public record CommandResult(int exitCode, String stdout, String stderr, boolean timedOut) {

  public boolean succeeded() {
    return exitCode == 0 && !timedOut;
  }
}
