package io.thinpool.operator.lvm.plan;

import io.thinpool.operator.lvm.observe.HostState.LogicalVolume;
import io.thinpool.operator.lvm.observe.HostState.VolumeGroup;
import io.thinpool.operator.lvm.observe.PoolHealth;
import io.thinpool.operator.lvm.spec.LvmNames;
import io.thinpool.operator.lvm.spec.PoolSpec;
import java.util.Optional;

/**
 * The one extension a live pool may need now, first match wins: to the spec's share of the volume
 * group, out of a full pool, or by the autoextend policy when dmeventd is not watching. At most one
 * per plan, so two never add up; the next observation decides whether another is due.
 */
final class PoolExtension {

  private PoolExtension() {}

  static Optional<Step> next(PoolSpec spec, VolumeGroup group, LogicalVolume thin) {
    return growStep(spec, group, thin)
        .or(() -> rescueStep(spec, group, thin))
        .or(() -> policyStep(spec, group, thin));
  }

  /**
   * lvextend to the spec's share of the VG when that is more than the pool has (a grown VG or a
   * larger percentage).
   */
  private static Optional<Step> growStep(PoolSpec spec, VolumeGroup group, LogicalVolume thin) {
    long targetExtents = group.extentCount() * spec.dataPercentOfVg() / 100;
    long currentExtents = thin.sizeBytes() / group.extentSizeBytes();
    if (targetExtents <= currentExtents) {
      return Optional.empty();
    }
    if (targetExtents - currentExtents > group.freeExtents()) {
      targetExtents = currentExtents + group.freeExtents();
    }
    if (targetExtents <= currentExtents) {
      return Optional.empty();
    }
    return Optional.of(
        Step.of(
            Step.Intent.GROW_POOL,
            "the pool has "
                + currentExtents
                + " extents, "
                + spec.dataPercentOfVg()
                + "% of the VG is "
                + targetExtents,
            "lvextend",
            "-l",
            Long.toString(targetExtents),
            poolPath(spec)));
  }

  /**
   * A pool out of data space whose volume group has room is extended now, as dmeventd would have
   * done at the threshold: the kernel holds the writes that found no space for no_space_timeout (60
   * s) and completes them once the pool has grown. Only when autoextend is enabled: a user who
   * turned it off decides the pool's size. The target is an absolute size computed from this
   * observation, so the agent and dmeventd never both add a step: if dmeventd extends first, usage
   * is under its threshold and the next plan sees a healthy pool; if the agent does, dmeventd's own
   * {@code lvextend --use-policies} finds usage under the threshold and does nothing.
   */
  private static Optional<Step> rescueStep(PoolSpec spec, VolumeGroup group, LogicalVolume thin) {
    PoolSpec.AutoextendPolicy policy = spec.autoextend();
    if (thin.health() != PoolHealth.OUT_OF_DATA_SPACE
        || !policy.enabled()
        || group.freeExtents() == 0) {
      return Optional.empty();
    }
    long currentExtents = thin.sizeBytes() / group.extentSizeBytes();
    long step = Math.max(1, (currentExtents * policy.extendPercent() + 99) / 100);
    long targetExtents = currentExtents + Math.min(step, group.freeExtents());
    return Optional.of(
        Step.of(
            Step.Intent.RESCUE_FULL_POOL,
            "pool "
                + poolPath(spec)
                + " is out of data space: extend it by "
                + policy.extendPercent()
                + "% before the kernel fails the writes it queued",
            "lvextend",
            "-l",
            Long.toString(targetExtents),
            poolPath(spec)));
  }

  /**
   * Autoextend without dmeventd: an unmonitored pool past its threshold (hosts without dmeventd, or
   * one that cannot be started) is extended by LVM's own policy command, the one dmeventd runs. It
   * is planned before monitoring is turned back on, so a failing {@code lvchange --monitor y} does
   * not stop it, and it cannot double an extension by dmeventd: {@code --use-policies} does nothing
   * while usage is under the threshold.
   */
  private static Optional<Step> policyStep(PoolSpec spec, VolumeGroup group, LogicalVolume thin) {
    PoolSpec.AutoextendPolicy policy = spec.autoextend();
    int threshold = policy.thresholdPercent();
    boolean dataPast = atLeast(thin.dataPercent(), threshold);
    boolean metadataPast = atLeast(thin.metadataPercent(), threshold);
    if (thin.monitored()
        || !policy.enabled()
        || !thin.profile().equals(policy.profile())
        || !(dataPast || metadataPast)
        || group.freeExtents() == 0) {
      return Optional.empty();
    }
    return Optional.of(
        Step.of(
            Step.Intent.AUTOEXTEND_BY_AGENT,
            "dmeventd is not monitoring "
                + poolPath(spec)
                + " and its "
                + (dataPast
                    ? "data is " + thin.dataPercent()
                    : "metadata is " + thin.metadataPercent())
                + "% full (threshold "
                + threshold
                + "%): apply profile "
                + policy.profile()
                + "'s policy as dmeventd would (it grows data and metadata alike)",
            "lvextend",
            "--use-policies",
            poolPath(spec)));
  }

  private static boolean atLeast(Double percent, int threshold) {
    return percent != null && percent >= threshold;
  }

  private static String poolPath(PoolSpec spec) {
    return LvmNames.lvPath(spec.volumeGroup(), spec.poolName());
  }
}
