package io.thinpool.operator.lvm;

import io.thinpool.operator.testvm.NodeRelease;

/** {@link PoolEngineIT} on a Debian bullseye node. */
@NodeRelease("bullseye")
class PoolEngineOnBullseyeIT extends PoolEngineIT {}
