package io.thinpool.operator.lvm.plan;

import io.thinpool.operator.lvm.observe.HostState;
import io.thinpool.operator.lvm.observe.HostState.LogicalVolume;
import io.thinpool.operator.lvm.observe.HostState.VolumeGroup;
import io.thinpool.operator.lvm.plan.Plan.Reason;
import io.thinpool.operator.lvm.spec.LvmNames;
import io.thinpool.operator.lvm.spec.PoolSpec;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The repair of a pool whose metadata failed its check, planned from one observation like {@link
 * PoolPlanner} (pure, no I/O): LVM's own {@code lvconvert --repair}, which runs thin_repair from
 * the damaged metadata into the pool's spare, swaps the result in, and keeps the damaged metadata
 * as a plain LV {@code <pool>_meta<N>}, which nothing here ever removes. Never part of a reconcile:
 * planned only when the user asked for it on that one ThinPool.
 */
public final class MetadataRepair {

  private MetadataRepair() {}

  /** The repair step, or a refusal when there is no inactive pool of ours to repair. */
  public static Plan plan(PoolSpec spec, HostState state) {
    String poolPath = LvmNames.lvPath(spec.volumeGroup(), spec.poolName());
    Optional<VolumeGroup> vg = state.volumeGroup(spec.volumeGroup());
    Optional<Plan> notOurs = vg.flatMap(g -> Ownership.refusal(spec, g));
    if (notOurs.isPresent()) {
      return notOurs.get();
    }
    Optional<LogicalVolume> pool =
        vg.flatMap(g -> g.logicalVolume(spec.poolName())).filter(LogicalVolume::thinPool);
    if (pool.isEmpty()) {
      return nothingToRepair("there is no thin pool " + poolPath + " to repair");
    }
    if (pool.get().active()) {
      return nothingToRepair(
          "pool "
              + poolPath
              + " is active, so its metadata passed its check when it was activated; LVM repairs"
              + " only an inactive pool");
    }
    String kept = LvmNames.lvPath(spec.volumeGroup(), nextKeptName(spec.poolName(), vg.get()));
    return new Plan(
        List.of(
            Step.of(
                Step.Intent.REPAIR_METADATA,
                "repair asked for on the ThinPool: thin_repair rebuilds the metadata of "
                    + poolPath
                    + " into its spare, and LVM keeps the damaged metadata as "
                    + kept,
                "lvconvert",
                "--repair",
                "--yes",
                poolPath)),
        List.of(),
        List.of(),
        null);
  }

  /**
   * The LVs in which repairs kept a pool's damaged metadata ({@code <pool>_meta<N>}, plain LVs), as
   * {@code vg/lv}.
   */
  public static List<String> keptMetadataVolumes(String poolName, VolumeGroup vg) {
    return vg.logicalVolumes().stream()
        .filter(lv -> isKeptMetadata(poolName, lv))
        .map(lv -> LvmNames.lvPath(vg.name(), lv.name()))
        .toList();
  }

  static boolean isKeptMetadata(String poolName, LogicalVolume lv) {
    return lv.poolLv().isEmpty()
        && !lv.thinPool()
        && !"thin".equals(lv.segmentType())
        && keptName(poolName).matcher(lv.name()).matches();
  }

  /** LVM's name for the next kept metadata: the first {@code <pool>_meta<N>} not taken. */
  private static String nextKeptName(String poolName, VolumeGroup vg) {
    int n = 0;
    while (vg.logicalVolume(poolName + "_meta" + n).isPresent()) {
      n++;
    }
    return poolName + "_meta" + n;
  }

  private static Pattern keptName(String poolName) {
    return Pattern.compile(Pattern.quote(poolName) + "_meta[0-9]+");
  }

  private static Plan nothingToRepair(String why) {
    return Plan.refused(Reason.NOTHING_TO_REPAIR, why + ": nothing was done", List.of());
  }
}
