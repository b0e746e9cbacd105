package io.thinpool.operator.lvm.plan;

import io.thinpool.operator.lvm.observe.HostState;
import io.thinpool.operator.lvm.observe.HostState.DmDevice;
import io.thinpool.operator.lvm.observe.HostState.VolumeGroup;
import io.thinpool.operator.lvm.observe.PoolContents;
import io.thinpool.operator.lvm.plan.Plan.Reason;
import io.thinpool.operator.lvm.spec.LvmNames;
import io.thinpool.operator.lvm.spec.PoolSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The runbook's last resort for a stuck pool, planned in three parts around what only the node can
 * say: whether it may start, the metadata backup, and (once the backup's text is read) the restore
 * without the pool. A thin volume something still has open is never dropped from the metadata under
 * it: that is checked before the backup and again after the deactivations. Pure, like {@link
 * PoolPlanner}.
 */
public final class RecoveryPlanner {

  private RecoveryPlanner() {}

  /** Why a recovery may not start: no VG, a VG not ours, or the pool's volumes in use. */
  public static Optional<Plan> refusal(PoolSpec spec, HostState state) {
    Optional<VolumeGroup> vg = state.volumeGroup(spec.volumeGroup());
    if (vg.isEmpty()) {
      return Optional.of(
          Plan.refused(
              Reason.FOREIGN_VOLUME_GROUP,
              "volume group " + spec.volumeGroup() + " does not exist: there is no pool to recover",
              List.of()));
    }
    Optional<Plan> notOurs = Ownership.refusal(spec, vg.get());
    if (notOurs.isPresent()) {
      return notOurs;
    }
    PoolContents contents = state.poolContents();
    if (contents.otherOpeners() > 0 || !contents.openThinDevices().isEmpty()) {
      return Optional.of(inUse(spec, contents.describe()));
    }
    return Optional.empty();
  }

  /** The backup directory and the VG's metadata as it is now, kept in {@code backup}. */
  public static List<Step> backup(PoolSpec spec, String backup) {
    return List.of(
        Step.of(
            Step.Intent.MAKE_BACKUP_DIRECTORY,
            "LVM's backup directory",
            "mkdir",
            "-p",
            "--",
            "/etc/lvm/backup"),
        Step.of(
            Step.Intent.BACK_UP_METADATA,
            "keep the volume group's metadata as it is now",
            "vgcfgbackup",
            "-f",
            backup,
            spec.volumeGroup()));
  }

  /** The pool and its thin volumes, as the backed-up metadata names them. */
  public static List<String> droppedVolumes(PoolSpec spec, String metadata) {
    return LvmMetadataText.poolVolumes(metadata, spec.poolName());
  }

  /** The metadata without {@code dropped}, written beside the backup as {@code edited}. */
  public static Step writeWithout(String metadata, List<String> dropped, String edited) {
    return new Step(
        Step.Intent.WRITE_METADATA_WITHOUT_POOL,
        List.of("dd", "of=" + edited, "conv=fsync", "status=none"),
        LvmMetadataText.withoutLogicalVolumes(metadata, dropped),
        "the metadata without " + String.join(", ", dropped));
  }

  /** Deactivation of each dropped volume: a stuck pool may refuse, which the next check sees. */
  public static List<Step> deactivations(PoolSpec spec, List<String> dropped) {
    return dropped.stream()
        .map(
            lv ->
                Step.of(
                    Step.Intent.DEACTIVATE_FOR_RECOVERY,
                    "deactivate " + lv + " before the metadata drops it",
                    "lvchange",
                    "--activate",
                    "n",
                    LvmNames.lvPath(spec.volumeGroup(), lv)))
        .toList();
  }

  /**
   * After the deactivations: the restore, unless a dropped volume's table is still open (a mounted
   * thin volume that refused to go), which would leave its data mapped with no LVM owner.
   */
  public static Plan restore(
      PoolSpec spec, List<String> dropped, String edited, List<DmDevice> tables) {
    // The thin volumes' tables: the pool's own are held by its layers and removed after the
    // restore.
    List<String> thinVolumes =
        dropped.stream()
            .filter(lv -> !lv.equals(spec.poolName()))
            .map(lv -> LvmNames.dmName(spec.volumeGroup(), lv))
            .toList();
    List<String> open =
        tables.stream()
            .filter(table -> thinVolumes.contains(table.name()) && table.openCount() > 0)
            .map(DmDevice::name)
            .toList();
    if (!open.isEmpty()) {
      return inUse(spec, "still open after deactivation: " + String.join(", ", open));
    }
    List<Step> steps = new ArrayList<>();
    steps.add(
        Step.of(
            Step.Intent.RESTORE_METADATA_WITHOUT_POOL,
            "restore the metadata without the pool",
            "vgcfgrestore",
            "--force",
            "--yes",
            "-f",
            edited,
            spec.volumeGroup()));
    return new Plan(steps, List.of(), List.of(), null);
  }

  /** After the restore: the device-mapper tables of the dropped volumes that are still there. */
  public static List<Step> leftoverRemoval(
      PoolSpec spec, List<String> dropped, List<DmDevice> tables) {
    List<String> present = tables.stream().map(DmDevice::name).toList();
    return LvmNames.dmTables(spec.volumeGroup(), dropped, spec.poolName()).stream()
        .filter(present::contains)
        .map(
            table ->
                Step.of(
                    Step.Intent.REMOVE_LEFTOVER,
                    "device-mapper table " + table + " has no LVM owner after the restore",
                    "dmsetup",
                    "remove",
                    table))
        .toList();
  }

  private static Plan inUse(PoolSpec spec, String what) {
    return Plan.refused(
        Reason.DEVICE_IN_USE,
        "pool "
            + LvmNames.lvPath(spec.volumeGroup(), spec.poolName())
            + " is in use ("
            + what
            + "): nothing was restored; unmount its thin volumes and stop its consumer first",
        List.of());
  }
}
