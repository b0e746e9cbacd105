package io.thinpool.operator.lvm;

import io.thinpool.operator.lvm.host.HostCommandException;
import io.thinpool.operator.lvm.plan.Step;

/**
 * A step that was started and failed, timed out or was stopped: its command may have done part of
 * its work, which is what a caller needs to know of a metadata repair (started once is used up).
 */
public final class StepFailedException extends HostCommandException {

  private static final long serialVersionUID = 1L;

  private final transient Step step;

  public StepFailedException(Step step, HostCommandException failure) {
    super(failure.kind(), failure.getMessage(), failure);
    this.step = step;
  }

  public Step step() {
    return step;
  }
}
