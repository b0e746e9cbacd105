package io.thinpool.operator.lvm;

import io.thinpool.operator.testvm.NodeRelease;

/** {@link PoolEngineIT} on a Debian trixie node. */
@NodeRelease("trixie")
class PoolEngineOnTrixieIT extends PoolEngineIT {}
