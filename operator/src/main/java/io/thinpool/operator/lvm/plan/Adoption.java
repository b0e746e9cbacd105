package io.thinpool.operator.lvm.plan;

import io.thinpool.operator.lvm.observe.HostState;
import io.thinpool.operator.lvm.observe.HostState.LogicalVolume;
import io.thinpool.operator.lvm.observe.HostState.PhysicalVolume;
import io.thinpool.operator.lvm.observe.HostState.VolumeGroup;
import io.thinpool.operator.lvm.spec.PoolOwner;
import io.thinpool.operator.lvm.spec.PoolSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Taking over a volume group and pool of the spec's names that thinpool-operator did not create
 * (made by hand with the runbook), or made for another ThinPoolConfig on this node (kept by its
 * deletionPolicy Retain), when the spec opts in ({@link PoolSpec#adoptExisting()}).
 *
 * <p>What must match, or adoption is refused with the reason: the pool exists and is a thin pool;
 * the volume group's physical volumes are exactly the spec's devices (so the spec describes the
 * whole VG, and adopting adds no device); the VG holds nothing but the pool and its thin volumes (a
 * VG shared with other volumes is not the operator's to manage, nor later to tear down).
 *
 * <p>What may differ: sizes, zeroing, the profile and its attachment, monitoring, the chunk size
 * (it cannot change: a note says so), thin volumes in the pool (kept as they are). Adoption itself
 * only tags the VG as owned; the rest of the plan is the ordinary one for a pool that exists (write
 * and attach the profile, monitoring on, and a larger data share grows it), none of which touches
 * what the pool holds.
 */
final class Adoption {

  private Adoption() {}

  /** Why {@code vg} cannot be adopted for {@code spec}; empty when it can. */
  static Optional<String> mismatch(PoolSpec spec, HostState state, VolumeGroup vg) {
    List<String> reasons = new ArrayList<>();
    Optional<LogicalVolume> pool = vg.logicalVolume(spec.poolName());
    if (pool.isEmpty()) {
      reasons.add("it holds no LV named " + spec.poolName());
    } else if (!pool.get().thinPool()) {
      reasons.add(
          spec.poolName() + " is a " + pool.get().segmentType() + " volume, not a thin pool");
    }
    Set<String> devices = spec.devices().stream().map(state::canonical).collect(Collectors.toSet());
    List<String> members = members(state, vg);
    List<String> notListed = members.stream().filter(pv -> !devices.contains(pv)).toList();
    if (!notListed.isEmpty()) {
      reasons.add(
          "it is also on " + String.join(", ", notListed) + ", which devices does not list");
    }
    List<String> outside =
        spec.devices().stream().filter(d -> !members.contains(state.canonical(d))).toList();
    if (!outside.isEmpty()) {
      reasons.add(
          "devices lists "
              + String.join(", ", outside)
              + ", which it is not on (add devices after adopting it)");
    }
    List<String> others = otherVolumes(spec, vg);
    if (!others.isEmpty()) {
      reasons.add(
          "it also holds "
              + String.join(", ", others)
              + ", which "
              + (others.size() == 1 ? "is" : "are")
              + " not a thin volume of "
              + spec.poolName());
    }
    if (reasons.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        "volume group "
            + spec.volumeGroup()
            + " is not this config's and does not match the spec, so it is not adopted: "
            + String.join("; ", reasons));
  }

  /** The step that makes the VG ours, saying what was found. */
  static Step tag(PoolSpec spec, HostState state, VolumeGroup vg) {
    List<String> thinVolumes = thinVolumes(spec, vg);
    return new Step(
        Step.Intent.ADOPT_VOLUME_GROUP,
        Ownership.retag(spec, vg),
        "",
        "adopt volume group "
            + spec.volumeGroup()
            + " on "
            + String.join(", ", members(state, vg))
            + " with pool "
            + spec.poolName()
            + (thinVolumes.isEmpty()
                ? ""
                : " and its thin volumes " + String.join(", ", thinVolumes) + " (kept as they are)")
            + PoolOwner.configOf(vg.tags())
                .map(config -> ", until now ThinPoolConfig " + config + "'s")
                .orElse("")
            + ": tag it as owned by thinpool-operator for config "
            + spec.owner().config()
            + " on node "
            + spec.owner().node());
  }

  private static List<String> members(HostState state, VolumeGroup vg) {
    return state.physicalVolumes().stream()
        .filter(pv -> pv.volumeGroup().equals(vg.name()))
        .map(PhysicalVolume::name)
        .toList();
  }

  private static List<String> thinVolumes(PoolSpec spec, VolumeGroup vg) {
    return vg.logicalVolumes().stream()
        .filter(lv -> spec.poolName().equals(lv.poolLv()))
        .map(LogicalVolume::name)
        .toList();
  }

  private static List<String> otherVolumes(PoolSpec spec, VolumeGroup vg) {
    return vg.logicalVolumes().stream()
        .filter(lv -> !lv.name().equals(spec.poolName()))
        .filter(lv -> !spec.poolName().equals(lv.poolLv()))
        .map(LogicalVolume::name)
        .toList();
  }
}
