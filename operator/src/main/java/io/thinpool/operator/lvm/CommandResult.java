package io.thinpool.operator.lvm;

import java.time.Duration;

/** What a host command did: exit code, captured output, and whether it was killed on timeout. */
public record CommandResult(
    int exitCode, String stdout, String stderr, boolean timedOut, Duration elapsed) {

  public boolean succeeded() {
    return exitCode == 0 && !timedOut;
  }
}
