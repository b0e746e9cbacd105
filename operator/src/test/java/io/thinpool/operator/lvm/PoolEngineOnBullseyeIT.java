package io.thinpool.operator.lvm;

import io.thinpool.operator.testnode.NodeRelease;

/** {@link PoolEngineIT} on a Debian bullseye node. */
@NodeRelease("bullseye")
class PoolEngineOnBullseyeIT extends PoolEngineIT {

  /** Bookworm kills the sequence after every step; here a third, trixie another (CI budget). */
  @Override
  protected boolean crashTestedAfter(int k) {
    return k % 3 == 1;
  }
}
