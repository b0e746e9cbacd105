package io.thinpool.operator.lvm;

import io.thinpool.operator.testnode.NodeRelease;

/** {@link PoolEngineIT} on a Debian trixie node. */
@NodeRelease("trixie")
class PoolEngineOnTrixieIT extends PoolEngineIT {

  /** Bookworm kills the sequence after every step; here a third, bullseye another (CI budget). */
  @Override
  protected boolean crashTestedAfter(int k) {
    return k % 3 == 2;
  }
}
