package io.thinpool.operator.lvm.plan;

import io.thinpool.operator.lvm.observe.HostState;
import io.thinpool.operator.lvm.observe.HostState.DmDevice;
import io.thinpool.operator.lvm.observe.HostState.LogicalVolume;
import io.thinpool.operator.lvm.observe.HostState.PhysicalVolume;
import io.thinpool.operator.lvm.observe.HostState.VolumeGroup;
import io.thinpool.operator.lvm.observe.PoolContents;
import io.thinpool.operator.lvm.plan.Plan.Reason;
import io.thinpool.operator.lvm.spec.LvmNames;
import io.thinpool.operator.lvm.spec.PoolSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The steps that remove what a pool put on the node: the VG (and with it the pool), its PVs, and
 * the profile when no other LV uses it; after an interrupted teardown, only what is left. A pool
 * that holds data (LVM's volumes or a runtime's thin devices) or that a process has open stops it
 * unless the user consented ({@link TeardownConsent}). Pure, like {@link PoolPlanner}.
 */
final class TeardownPlanner {

  private TeardownPlanner() {}

  static Plan plan(PoolSpec spec, HostState state, TeardownConsent consent) {
    Optional<VolumeGroup> vg = state.volumeGroup(spec.volumeGroup());
    Optional<Plan> notOurs = vg.flatMap(g -> Ownership.refusal(spec, g));
    if (notOurs.isPresent()) {
      return notOurs.get();
    }
    List<Step> steps = new ArrayList<>();
    if (vg.isPresent()) {
      Optional<Plan> kept = poolKept(spec, vg.get(), state.poolContents(), consent);
      if (kept.isPresent()) {
        return kept.get();
      }
      // The damaged metadata a repair kept belongs to the pool: it goes with it, and says so.
      List<String> volumes =
          vg.get().logicalVolumes().stream()
              .filter(lv -> !MetadataRepair.isKeptMetadata(spec.poolName(), lv))
              .map(LogicalVolume::name)
              .filter(name -> !name.equals(spec.poolName()) && !name.equals(spec.metadataName()))
              .toList();
      if (!volumes.isEmpty() && !consent.allows(state.poolContents())) {
        return Plan.refused(
            Reason.VOLUMES_EXIST,
            "volume group "
                + spec.volumeGroup()
                + " still holds logical volumes that may contain data: "
                + String.join(", ", volumes)
                + "; remove them first or force the teardown",
            List.of());
      }
      // The consent covers them: a runtime's tables left mapped would keep the pool from going.
      for (PoolContents.MappedThinDevice device : state.poolContents().foreignMapped()) {
        steps.add(
            Step.of(
                Step.Intent.UNMAP_RUNTIME_DEVICE,
                "thin device "
                    + device.name()
                    + " is a runtime's, mapped on the pool and open by nothing",
                "dmsetup",
                "remove",
                "--",
                device.name()));
      }
      steps.addAll(
          volumeGroupRemoval(
              spec, state, volumes, MetadataRepair.keptMetadataVolumes(spec.poolName(), vg.get())));
    } else {
      List<DmDevice> leftovers = Leftovers.of(spec, state);
      Optional<String> busy = Leftovers.busy(leftovers);
      if (busy.isPresent()) {
        return Plan.refused(Reason.DEVICE_IN_USE, busy.get(), List.of());
      }
      steps.addAll(Leftovers.removal(leftovers, "has no LVM owner"));
      steps.addAll(orphanRemoval(spec, state));
    }
    profileRemoval(spec, state).ifPresent(steps::add);
    return new Plan(steps, List.of(), List.of(), null);
  }

  /**
   * A refusal when the pool must stay: open by a process (a runtime: removing it would fail, and
   * must not be retried until it succeeds the moment the runtime stops), or holding data the
   * consent does not cover. Counts what the kernel and the pool's metadata hold, not only what LVM
   * lists.
   */
  private static Optional<Plan> poolKept(
      PoolSpec spec, VolumeGroup vg, PoolContents contents, TeardownConsent consent) {
    if (vg.logicalVolume(spec.poolName()).filter(LogicalVolume::thinPool).isEmpty()) {
      return Optional.empty();
    }
    String pool = LvmNames.lvPath(spec.volumeGroup(), spec.poolName());
    if (contents.otherOpeners() > 0 || !contents.openThinDevices().isEmpty()) {
      return Optional.of(
          Plan.refused(
              Reason.DEVICE_IN_USE,
              "pool "
                  + pool
                  + " is in use ("
                  + contents.describe()
                  + "): nothing was removed; stop its consumer (the container runtime, or unmount"
                  + " its thin volumes) first",
              List.of()));
    }
    if (!contents.holdsData() || consent.allows(contents)) {
      return Optional.empty();
    }
    return Optional.of(
        new Plan(
            List.of(),
            List.of(),
            List.of(),
            new Plan.Refusal(
                Reason.POOL_HOLDS_DATA,
                "pool "
                    + pool
                    + " holds data: "
                    + contents.describe()
                    + ". Nothing was removed; tearing it down needs consent to destroy exactly this"
                    + " (consent token "
                    + contents.consentToken()
                    + ")",
                contents.consentToken())));
  }

  /** vgremove, then pvremove of each of its PVs. */
  private static List<Step> volumeGroupRemoval(
      PoolSpec spec, HostState state, List<String> otherVolumes, List<String> keptMetadata) {
    List<Step> steps = new ArrayList<>();
    steps.add(
        Step.of(
            Step.Intent.REMOVE_VOLUME_GROUP,
            "remove volume group "
                + spec.volumeGroup()
                + " and every LV in it (the pool"
                + (otherVolumes.isEmpty() ? "" : " and " + String.join(", ", otherVolumes))
                + (keptMetadata.isEmpty()
                    ? ""
                    : ", with the damaged metadata an earlier repair kept: "
                        + String.join(", ", keptMetadata))
                + ")",
            "vgremove",
            "--force",
            "--yes",
            spec.volumeGroup()));
    for (PhysicalVolume pv : state.physicalVolumes()) {
      if (pv.volumeGroup().equals(spec.volumeGroup())) {
        steps.add(
            Step.of(
                Step.Intent.REMOVE_PHYSICAL_VOLUME,
                "release " + pv.name() + " from LVM",
                "pvremove",
                "--yes",
                pv.name()));
      }
    }
    return steps;
  }

  /** The spec's devices that an interrupted teardown left as PVs in no volume group. */
  private static List<Step> orphanRemoval(PoolSpec spec, HostState state) {
    return spec.devices().stream()
        .flatMap(device -> state.physicalVolume(state.canonical(device)).stream())
        .filter(PhysicalVolume::orphan)
        .map(
            pv ->
                Step.of(
                    Step.Intent.REMOVE_PHYSICAL_VOLUME,
                    pv.name()
                        + " is a physical volume in no volume group, left from an interrupted teardown",
                    "pvremove",
                    "--yes",
                    pv.name()))
        .toList();
  }

  /** The profile file, unless an LV of another volume group uses it. */
  private static Optional<Step> profileRemoval(PoolSpec spec, HostState state) {
    String profile = spec.autoextend().profile();
    boolean usedElsewhere =
        state.volumeGroups().stream()
            .filter(g -> !g.name().equals(spec.volumeGroup()))
            .flatMap(g -> g.logicalVolumes().stream())
            .anyMatch(lv -> lv.profile().equals(profile));
    if (state.profile(profile).isEmpty() || usedElsewhere) {
      return Optional.empty();
    }
    return Optional.of(
        Step.of(
            Step.Intent.REMOVE_PROFILE,
            "no other LV uses profile " + profile,
            "rm",
            "-f",
            "--",
            LvmNames.profilePath(profile)));
  }
}
