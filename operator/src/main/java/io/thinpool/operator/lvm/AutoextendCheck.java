package io.thinpool.operator.lvm;

import io.thinpool.operator.lvm.PoolReport.AutoextendState;
import io.thinpool.operator.lvm.observe.HostState.LogicalVolume;
import io.thinpool.operator.lvm.spec.LvmNames;
import io.thinpool.operator.lvm.spec.PoolSpec;
import java.util.Optional;

/**
 * Whether dmeventd's autoextend can fire for the pool, or the first reason it cannot, in words a
 * user can act on; with what the verdict rests on: the profile attached, the pool monitored, and
 * one extension's size against the VG's free space.
 *
 * @param stepBytes what one autoextend adds: the pool's size times the extend percentage, in whole
 *     extents
 */
record AutoextendCheck(
    AutoextendState state, String reason, boolean attached, boolean monitored, long stepBytes) {

  static AutoextendCheck of(
      PoolSpec spec, Optional<LogicalVolume> pool, long vgFree, long extentBytes) {
    PoolSpec.AutoextendPolicy policy = spec.autoextend();
    long poolSize = pool.map(LogicalVolume::sizeBytes).orElse(0L);
    long step = stepBytes(poolSize, policy.extendPercent(), extentBytes);
    boolean attached = pool.map(lv -> lv.profile().equals(policy.profile())).orElse(false);
    boolean monitored = pool.map(LogicalVolume::monitored).orElse(false);
    String poolPath = LvmNames.lvPath(spec.volumeGroup(), spec.poolName());
    AutoextendState state;
    String reason;
    if (pool.isEmpty()) {
      state = AutoextendState.NO_POOL;
      reason = "pool " + poolPath + " does not exist yet";
    } else if (!monitored && attached && policy.enabled() && vgFree >= step) {
      state = AutoextendState.AGENT_EXTENDS;
      reason =
          "dmeventd is not monitoring "
              + poolPath
              + ": thinpool-operator applies profile "
              + policy.profile()
              + "'s policy itself (lvextend --use-policies) when the kernel reports the threshold"
              + " crossed, or at the next refresh; start dmeventd (dm-event.socket) so that"
              + " extensions do not wait for the agent";
    } else if (!monitored) {
      state = AutoextendState.NOT_MONITORED;
      reason = "dmeventd is not monitoring " + poolPath + ", so nothing watches its usage";
    } else if (!attached) {
      state = AutoextendState.NOT_ATTACHED;
      reason = "profile " + policy.profile() + " is not attached to " + poolPath;
    } else if (!policy.enabled()) {
      state = AutoextendState.DISABLED;
      reason =
          "autoextend is disabled by the profile (threshold "
              + policy.thresholdPercent()
              + "%, extend "
              + policy.extendPercent()
              + "%)";
    } else if (vgFree < step) {
      state = AutoextendState.NO_ROOM;
      reason =
          "volume group "
              + spec.volumeGroup()
              + " has "
              + PoolReport.mib(vgFree)
              + " free, less than one extension of "
              + PoolReport.mib(step)
              + " ("
              + policy.extendPercent()
              + "% of the pool): autoextend can never fire. Lower dataPercentOfVg + metadataPercentOfVg "
              + "(the pool's spare metadata LV also takes metadataPercentOfVg) or add a device";
    } else {
      state = AutoextendState.READY;
      reason =
          "autoextend can fire: "
              + PoolReport.mib(vgFree)
              + " free, room for "
              + extensionsThatFit(poolSize, vgFree, policy.extendPercent(), extentBytes)
              + " extension(s), the first of "
              + PoolReport.mib(step)
              + ", at "
              + policy.thresholdPercent()
              + "% data usage";
    }
    return new AutoextendCheck(state, reason, attached, monitored, step);
  }

  /** One extension of a pool of this size: the percentage of it, rounded up to whole extents. */
  private static long stepBytes(long poolSize, int percent, long extentBytes) {
    return (poolSize * percent / 100 + extentBytes - 1) / extentBytes * extentBytes;
  }

  /** Each extension adds a percentage of the pool as it is then, so the steps grow. */
  private static int extensionsThatFit(long poolSize, long free, int percent, long extentBytes) {
    int count = 0;
    long size = poolSize;
    long step = stepBytes(size, percent, extentBytes);
    while (step > 0 && step <= free && count < 1000) {
      free -= step;
      size += step;
      count++;
      step = stepBytes(size, percent, extentBytes);
    }
    return count;
  }
}
