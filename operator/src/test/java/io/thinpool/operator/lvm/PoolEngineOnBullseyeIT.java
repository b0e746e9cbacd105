package io.thinpool.operator.lvm;

import io.thinpool.operator.testvm.NodeRelease;

/** {@link PoolEngineIT} on a Debian bullseye node. */
@NodeRelease("bullseye")
class PoolEngineOnBullseyeIT extends PoolEngineIT {

  /**
   * Bookworm kills the sequence after every step; here the odd ones, the other release the rest.
   */
  @Override
  protected boolean crashTestedAfter(int k) {
    return k % 2 == 1;
  }
}
