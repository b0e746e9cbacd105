package io.thinpool.operator.lvm;

import io.thinpool.operator.testvm.NodeRelease;

/** {@link PoolEngineIT} on a Debian trixie node. */
@NodeRelease("trixie")
class PoolEngineOnTrixieIT extends PoolEngineIT {

  /**
   * Bookworm kills the sequence after every step; here the even ones, the other release the rest.
   */
  @Override
  protected boolean crashTestedAfter(int k) {
    return k % 2 == 0;
  }
}
