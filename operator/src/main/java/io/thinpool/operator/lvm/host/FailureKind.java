package io.thinpool.operator.lvm.host;

import java.util.Locale;

/** Why a host command failed, as far as its output tells: decides retry and the reported reason. */
public enum FailureKind {
  /**
   * A command that changes LVM's metadata ran into its timeout and did not stop on SIGTERM: it was
   * left running rather than killed half-way, and the node needs a look before anything else.
   */
  LEFT_RUNNING,
  TIMEOUT,
  NOT_FOUND,
  LOCK_CONTENTION,
  DEVICE_BUSY,
  /**
   * The pool's metadata failed thin_check when LVM activated it ("Check of pool vg/pool failed
   * (status:1). Manual repair required!"): only a repair the user asks for can change that.
   */
  METADATA_DAMAGED,
  FAILED;

  /** Classifies a failed result by exit code and LVM's / util-linux's wording on stderr. */
  public static FailureKind of(CommandResult result) {
    if (result.leftRunning()) {
      return LEFT_RUNNING;
    }
    if (result.timedOut()) {
      return TIMEOUT;
    }
    String err = result.stderr().toLowerCase(Locale.ROOT);
    if (err.contains("manual repair required")) {
      return METADATA_DAMAGED;
    }
    if (result.exitCode() == 127 || err.contains("command not found")) {
      return NOT_FOUND;
    }
    if (err.contains("lock")
        && (err.contains("busy")
            || err.contains("timed out")
            || err.contains("temporarily unavailable")
            || err.contains("can't get"))) {
      return LOCK_CONTENTION;
    }
    if (err.contains("device or resource busy")
        || err.contains("in use")
        || err.contains("is open")
        || err.contains("exclusively")) {
      return DEVICE_BUSY;
    }
    if (err.contains("not found")
        || err.contains("no such file")
        || err.contains("failed to find")
        || err.contains("does not exist")) {
      return NOT_FOUND;
    }
    return FAILED;
  }

  /** Whether running the same command again later can reasonably succeed. */
  public boolean transientFailure() {
    return this == TIMEOUT || this == LOCK_CONTENTION || this == DEVICE_BUSY;
  }
}
