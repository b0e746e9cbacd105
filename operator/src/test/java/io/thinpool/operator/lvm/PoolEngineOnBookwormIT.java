package io.thinpool.operator.lvm;

import io.thinpool.operator.testnode.NodeRelease;

/** {@link PoolEngineIT} on a Debian bookworm node. */
@NodeRelease("bookworm")
class PoolEngineOnBookwormIT extends PoolEngineIT {}
