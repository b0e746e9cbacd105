package io.thinpool.operator.lvm.plan;

import io.thinpool.operator.lvm.observe.HostState;
import io.thinpool.operator.lvm.plan.DeviceSelection.Candidate;
import io.thinpool.operator.lvm.plan.Plan.Reason;
import io.thinpool.operator.lvm.spec.LvmNames;
import io.thinpool.operator.lvm.spec.PoolSpec;
import java.util.List;
import java.util.Optional;

/**
 * What must hold before a reconcile may change anything, beyond a usable device: refusals that
 * protect what is on the node from a spec that would otherwise act on the wrong thing. Pure, like
 * {@link PoolPlanner}.
 */
final class Preconditions {

  private Preconditions() {}

  /**
   * A listed disk with an LVM label that LVM does not show: its devices file (RHEL 9's default, or
   * a reset /etc/lvm/devices/system.devices), a filter, or a foreign system ID hides it. It may be
   * this very pool's disk, its tables still live: nothing may be wiped, created or removed (not
   * even with destroyExistingData) until LVM sees it again.
   */
  static Optional<Plan> lvmCannotSeeALabel(PoolSpec spec, HostState state) {
    List<String> hidden =
        spec.devices().stream()
            .map(state::canonical)
            .filter(path -> state.physicalVolume(path).isEmpty())
            .filter(
                path -> state.signaturesOf(path).stream().anyMatch(HostState.Signature::lvmLabel))
            .distinct()
            .toList();
    if (hidden.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        Plan.refused(
            Reason.LVM_CANNOT_SEE,
            String.join(", ", hidden)
                + " carries an LVM physical-volume label that LVM does not show: its devices file"
                + " (use_devicesfile, /etc/lvm/devices/system.devices), a filter in lvm.conf or a"
                + " foreign system ID hides it. It may hold this pool itself, so nothing is wiped,"
                + " created or removed, even with destroyExistingData, until LVM sees it again"
                + " (lvm lvmdevices --adddev <disk>, or lvm vgimportdevices --all)",
            List.of()));
  }

  /**
   * A device to add while one of the volume group's own PVs is missing from the spec: what a kernel
   * name that moved looks like (after a reboot /dev/sdb may name another disk, and the old /dev/sdb
   * be /dev/sdc). Adding would pull a disk that merely took the name into the VG.
   */
  static Optional<Plan> devicesMayHaveMoved(
      PoolSpec spec, HostState state, DeviceSelection devices) {
    if (state.volumeGroup(spec.volumeGroup()).isEmpty() || devices.candidates().isEmpty()) {
      return Optional.empty();
    }
    List<String> listed = spec.devices().stream().map(state::canonical).toList();
    List<String> unlisted =
        state.physicalVolumes().stream()
            .filter(pv -> pv.volumeGroup().equals(spec.volumeGroup()))
            .map(HostState.PhysicalVolume::name)
            .filter(name -> !listed.contains(name) && !spec.devices().contains(name))
            .toList();
    if (unlisted.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        Plan.refused(
            Reason.DEVICES_MOVED,
            "volume group "
                + spec.volumeGroup()
                + " is on "
                + String.join(", ", unlisted)
                + ", which the spec does not list, and the spec would add "
                + String.join(", ", devices.candidates().stream().map(Candidate::path).toList())
                + ": kernel names may have moved (after a reboot, say), so nothing is added. List"
                + " the devices by /dev/disk/by-id/... so that a name always means one disk, and"
                + " include the volume group's devices",
            devices.excluded()));
  }

  /**
   * Another pool's profile of the same name with other settings: writing ours would change that
   * pool's autoextend (and its owner would write it back at its next refresh).
   */
  static Optional<Plan> profileSharedWithOtherSettings(
      PoolSpec spec, HostState state, DeviceSelection devices) {
    String poolPath = LvmNames.lvPath(spec.volumeGroup(), spec.poolName());
    PoolSpec.AutoextendPolicy autoextend = spec.autoextend();
    Optional<String> content = state.profile(autoextend.profile());
    if (content.isEmpty() || content.get().equals(LvmNames.profileContent(autoextend))) {
      return Optional.empty();
    }
    return state.volumeGroups().stream()
        .flatMap(
            g ->
                g.logicalVolumes().stream()
                    .filter(lv -> lv.profile().equals(autoextend.profile()))
                    .map(lv -> LvmNames.lvPath(g.name(), lv.name())))
        .filter(lv -> !lv.equals(poolPath))
        .findFirst()
        .map(
            other ->
                Plan.refused(
                    Reason.PROFILE_SHARED,
                    "profile "
                        + autoextend.profile()
                        + " is attached to "
                        + other
                        + " with other autoextend settings than this spec's (threshold "
                        + autoextend.thresholdPercent()
                        + "%, extend "
                        + autoextend.extendPercent()
                        + "%): two pools cannot share one profile file; name another profile",
                    devices.excluded()));
  }
}
