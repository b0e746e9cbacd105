package io.thinpool.operator.lvm;

import io.thinpool.operator.lvm.HostState.BlockDevice;
import io.thinpool.operator.lvm.HostState.DmDevice;
import io.thinpool.operator.lvm.HostState.LogicalVolume;
import io.thinpool.operator.lvm.HostState.PhysicalVolume;
import io.thinpool.operator.lvm.HostState.Signature;
import io.thinpool.operator.lvm.HostState.VolumeGroup;
import io.thinpool.operator.lvm.Plan.ExcludedDevice;
import io.thinpool.operator.lvm.Plan.Reason;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The pure heart of the engine: from a desired pool and one observation of the node to the ordered
 * commands that close the gap, or a refusal. Each step is derived from what is missing, so a
 * sequence interrupted after any step is finished by the next plan, and a converged node plans
 * nothing. No I/O happens here.
 */
public final class PoolPlanner {

  private PoolPlanner() {}

  /** How a device from the spec will be used. */
  private record Candidate(String path, boolean wipe, boolean pvcreate) {}

  public static Plan plan(PoolSpec spec, HostState state) {
    List<String> errors = spec.validationErrors();
    if (!errors.isEmpty()) {
      return Plan.refused(Reason.INVALID_SPEC, String.join("; ", errors), List.of());
    }
    Optional<VolumeGroup> vg = state.volumeGroup(spec.volumeGroup());
    if (vg.isPresent() && !vg.get().ownedByUs()) {
      return Plan.refused(
          Reason.FOREIGN_VOLUME_GROUP, foreignVolumeGroup(spec.volumeGroup()), List.of());
    }
    Optional<LogicalVolume> pool = vg.flatMap(g -> g.logicalVolume(spec.poolName()));
    List<DmDevice> leftovers = pool.isPresent() ? List.of() : leftovers(spec, state);

    List<Candidate> candidates = new ArrayList<>();
    List<ExcludedDevice> excluded = new ArrayList<>();
    for (String device : spec.devices()) {
      classify(spec, state, device, leftovers, candidates, excluded);
    }
    if (vg.isEmpty() && candidates.isEmpty()) {
      String why = excluded.stream().map(ExcludedDevice::reason).collect(Collectors.joining("; "));
      return Plan.refused(
          Reason.NO_USABLE_DEVICE,
          "no device can be used for volume group " + spec.volumeGroup() + ": " + why,
          excluded);
    }

    List<Step> steps = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    Optional<String> busy = busyLeftover(leftovers);
    if (busy.isPresent()) {
      return Plan.refused(Reason.DEVICE_IN_USE, busy.get(), excluded);
    }
    for (DmDevice leftover : leftovers) {
      steps.add(
          Step.of(
              Step.Intent.REMOVE_LEFTOVER,
              "device-mapper entry "
                  + leftover.name()
                  + " is left over from an earlier pool that LVM no longer knows; it blocks a rebuild",
              "dmsetup",
              "remove",
              leftover.name()));
    }
    for (Candidate candidate : candidates) {
      if (candidate.wipe()) {
        steps.add(
            Step.of(
                Step.Intent.WIPE_DEVICE,
                "destroyExistingData is set: erase the signatures on " + candidate.path(),
                "wipefs",
                "--all",
                "--",
                candidate.path()));
      }
      if (candidate.pvcreate()) {
        steps.add(
            Step.of(
                Step.Intent.CREATE_PHYSICAL_VOLUME,
                "initialise " + candidate.path() + " as an LVM physical volume",
                "pvcreate",
                candidate.path()));
      }
    }
    List<String> newPvs = candidates.stream().map(Candidate::path).toList();
    if (vg.isEmpty()) {
      List<String> argv =
          new ArrayList<>(List.of("vgcreate", "--addtag", LvmNames.OWNER_TAG, spec.volumeGroup()));
      argv.addAll(newPvs);
      steps.add(
          new Step(
              Step.Intent.CREATE_VOLUME_GROUP,
              argv,
              "",
              "create volume group "
                  + spec.volumeGroup()
                  + ", tagged as owned by thinpool-operator"));
    } else if (!newPvs.isEmpty()) {
      List<String> argv = new ArrayList<>(List.of("vgextend", spec.volumeGroup()));
      argv.addAll(newPvs);
      steps.add(
          new Step(
              Step.Intent.EXTEND_VOLUME_GROUP,
              argv,
              "",
              "add " + String.join(", ", newPvs) + " to volume group " + spec.volumeGroup()));
    }

    String poolPath = LvmNames.lvPath(spec.volumeGroup(), spec.poolName());
    if (pool.isPresent() && pool.get().thinPool()) {
      LogicalVolume thin = pool.get();
      if (thin.chunkSizeBytes() != spec.chunkSizeBytes()) {
        notes.add(
            "pool "
                + poolPath
                + " has chunk size "
                + thin.chunkSizeBytes()
                + " bytes but the spec asks for "
                + spec.chunkSizeBytes()
                + ": a thin pool's chunk size cannot change without rebuilding it");
      }
      if (!thin.active()) {
        steps.add(
            Step.of(
                Step.Intent.ACTIVATE_POOL,
                "pool " + poolPath + " is not active",
                "lvchange",
                "--activate",
                "y",
                poolPath));
      }
      if (thin.zeroing() != spec.zeroing()) {
        steps.add(
            Step.of(
                Step.Intent.SET_ZEROING,
                "the spec asks for zeroing " + (spec.zeroing() ? "on" : "off"),
                "lvchange",
                "--zero",
                yesNo(spec.zeroing()),
                poolPath));
      }
      if (newPvs.isEmpty()) {
        growStep(spec, vg.get(), thin).ifPresent(steps::add);
      }
    } else {
      if (pool.isEmpty()) {
        steps.add(
            createLv(
                Step.Intent.CREATE_DATA_VOLUME, spec, spec.poolName(), spec.dataPercentOfVg()));
      }
      if (vg.flatMap(g -> g.logicalVolume(spec.metadataName())).isEmpty()) {
        steps.add(
            createLv(
                Step.Intent.CREATE_METADATA_VOLUME,
                spec,
                spec.metadataName(),
                spec.metadataPercentOfVg()));
      }
      steps.add(
          Step.of(
              Step.Intent.CONVERT_TO_POOL,
              "convert the data and metadata LVs into a thin pool",
              "lvconvert",
              "-y",
              "--zero",
              yesNo(spec.zeroing()),
              "-c",
              (spec.chunkSizeBytes() / 1024) + "K",
              "--thinpool",
              poolPath,
              "--poolmetadata",
              LvmNames.lvPath(spec.volumeGroup(), spec.metadataName())));
    }

    PoolSpec.Autoextend autoextend = spec.autoextend();
    String expected = LvmNames.profileContent(autoextend);
    if (!state.profile(autoextend.profile()).map(expected::equals).orElse(false)) {
      steps.addAll(
          writeFile(
              LvmNames.profilePath(autoextend.profile()),
              expected,
              "autoextend profile "
                  + autoextend.profile()
                  + " (threshold "
                  + autoextend.thresholdPercent()
                  + "%, extend by "
                  + autoextend.extendPercent()
                  + "%)",
              LvmNames.dmName(spec.volumeGroup(), spec.poolName())));
    }
    if (pool.map(lv -> !lv.profile().equals(autoextend.profile())).orElse(true)) {
      steps.add(
          Step.of(
              Step.Intent.ATTACH_PROFILE,
              "attach profile "
                  + autoextend.profile()
                  + " so dmeventd extends the pool by its policy",
              "lvchange",
              "--metadataprofile",
              autoextend.profile(),
              poolPath));
    }
    if (pool.map(lv -> lv.thinPool() && !lv.monitored()).orElse(false)) {
      steps.add(
          Step.of(
              Step.Intent.ENABLE_MONITORING,
              "dmeventd is not monitoring " + poolPath + ": without it autoextend never happens",
              "lvchange",
              "--monitor",
              "y",
              poolPath));
    }
    return new Plan(steps, excluded, notes, null);
  }

  /**
   * Steps to remove what this pool put on the node: the VG (and with it the pool), its PVs, and the
   * profile when no other LV uses it. Volumes that may hold data stop it unless forced.
   */
  public static Plan planTeardown(PoolSpec spec, HostState state, boolean forceRemoveVolumes) {
    Optional<VolumeGroup> vg = state.volumeGroup(spec.volumeGroup());
    if (vg.isPresent() && !vg.get().ownedByUs()) {
      return Plan.refused(
          Reason.FOREIGN_VOLUME_GROUP, foreignVolumeGroup(spec.volumeGroup()), List.of());
    }
    List<Step> steps = new ArrayList<>();
    if (vg.isPresent()) {
      List<String> volumes =
          vg.get().logicalVolumes().stream()
              .map(LogicalVolume::name)
              .filter(name -> !name.equals(spec.poolName()) && !name.equals(spec.metadataName()))
              .toList();
      if (!volumes.isEmpty() && !forceRemoveVolumes) {
        return Plan.refused(
            Reason.VOLUMES_EXIST,
            "volume group "
                + spec.volumeGroup()
                + " still holds logical volumes that may contain data: "
                + String.join(", ", volumes)
                + "; remove them first or force the teardown",
            List.of());
      }
      steps.add(
          Step.of(
              Step.Intent.REMOVE_VOLUME_GROUP,
              "remove volume group "
                  + spec.volumeGroup()
                  + " and every LV in it (the pool"
                  + (volumes.isEmpty() ? "" : " and " + String.join(", ", volumes))
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
    } else {
      List<DmDevice> leftovers = leftovers(spec, state);
      Optional<String> busy = busyLeftover(leftovers);
      if (busy.isPresent()) {
        return Plan.refused(Reason.DEVICE_IN_USE, busy.get(), List.of());
      }
      for (DmDevice leftover : leftovers) {
        steps.add(
            Step.of(
                Step.Intent.REMOVE_LEFTOVER,
                "device-mapper entry " + leftover.name() + " has no LVM owner",
                "dmsetup",
                "remove",
                leftover.name()));
      }
      for (String device : spec.devices()) {
        state
            .physicalVolume(state.canonical(device))
            .filter(PhysicalVolume::orphan)
            .ifPresent(
                pv ->
                    steps.add(
                        Step.of(
                            Step.Intent.REMOVE_PHYSICAL_VOLUME,
                            pv.name()
                                + " is a physical volume in no volume group, left from an interrupted teardown",
                            "pvremove",
                            "--yes",
                            pv.name())));
      }
    }
    String profile = spec.autoextend().profile();
    boolean usedElsewhere =
        state.volumeGroups().stream()
            .anyMatch(
                g ->
                    g.logicalVolumes().stream()
                        .anyMatch(
                            lv ->
                                lv.profile().equals(profile)
                                    && !(g.name().equals(spec.volumeGroup()))));
    if (state.profile(profile).isPresent() && !usedElsewhere) {
      steps.add(
          Step.of(
              Step.Intent.REMOVE_PROFILE,
              "no other LV uses profile " + profile,
              "rm",
              "-f",
              "--",
              LvmNames.profilePath(profile)));
    }
    return new Plan(steps, List.of(), List.of(), null);
  }

  /**
   * lvextend to the spec's share of the VG when that is more than the pool has (a grown VG or a
   * larger percentage).
   */
  private static Optional<Step> growStep(PoolSpec spec, VolumeGroup vg, LogicalVolume pool) {
    long targetExtents = vg.extentCount() * spec.dataPercentOfVg() / 100;
    long currentExtents = pool.sizeBytes() / vg.extentSizeBytes();
    if (targetExtents <= currentExtents) {
      return Optional.empty();
    }
    if (targetExtents - currentExtents > vg.freeExtents()) {
      targetExtents = currentExtents + vg.freeExtents();
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
            LvmNames.lvPath(spec.volumeGroup(), spec.poolName())));
  }

  private static void classify(
      PoolSpec spec,
      HostState state,
      String device,
      List<DmDevice> leftovers,
      List<Candidate> candidates,
      List<ExcludedDevice> excluded) {
    String path = state.canonical(device);
    Optional<PhysicalVolume> pv = state.physicalVolume(path);
    if (pv.isPresent() && pv.get().volumeGroup().equals(spec.volumeGroup())) {
      return; // already a member
    }
    String named = path.equals(device) ? device : device + " (" + path + ")";
    Optional<BlockDevice> block = state.blockDevice(path);
    if (block.isEmpty()) {
      excluded.add(new ExcludedDevice(device, named + " does not exist on this node"));
      return;
    }
    if (block.get().readOnly()) {
      excluded.add(new ExcludedDevice(device, named + " is read-only"));
      return;
    }
    if (!block.get().mountpoint().isEmpty()) {
      excluded.add(
          new ExcludedDevice(device, named + " is mounted at " + block.get().mountpoint()));
      return;
    }
    List<String> users = users(block.get(), leftovers);
    if (!users.isEmpty()) {
      excluded.add(new ExcludedDevice(device, named + " is in use by " + String.join(", ", users)));
      return;
    }
    if (pv.isPresent() && pv.get().orphan()) {
      candidates.add(new Candidate(path, false, false)); // an LVM label without a VG holds no data
      return;
    }
    String existing =
        pv.map(
                p ->
                    "it is a physical volume of volume group "
                        + p.volumeGroup()
                        + ", which thinpool-operator does not own")
            .orElseGet(() -> describe(state.signaturesOf(path)));
    if (existing.isEmpty()) {
      candidates.add(new Candidate(path, false, true));
    } else if (spec.destroyExistingData()) {
      candidates.add(new Candidate(path, true, true));
    } else {
      excluded.add(
          new ExcludedDevice(
              device,
              named
                  + " holds existing data ("
                  + existing
                  + "); set destroyExistingData to wipe it"));
    }
  }

  /**
   * Holders of a device that mean it is in use; unmounted partitions only mean a partition table.
   */
  private static List<String> users(BlockDevice device, List<DmDevice> leftovers) {
    List<String> users = new ArrayList<>();
    for (BlockDevice child : device.children()) {
      boolean idlePartition =
          child.type().equals("part")
              && child.mountpoint().isEmpty()
              && users(child, leftovers).isEmpty();
      boolean ourLeftover =
          leftovers.stream().anyMatch(dm -> child.path().equals("/dev/mapper/" + dm.name()));
      if (!idlePartition && !ourLeftover) {
        users.add(
            child.path()
                + (child.mountpoint().isEmpty() ? "" : " mounted at " + child.mountpoint()));
      }
    }
    return users;
  }

  private static String describe(List<Signature> signatures) {
    return signatures.stream()
        .map(s -> s.type() + " signature at offset " + s.offset())
        .collect(Collectors.joining(", "));
  }

  /**
   * device-mapper entries named like this pool's parts while LVM has no such pool: what a failed
   * removal or a restored VG backup leaves behind. Ordered top-down, the order they can be removed.
   */
  static List<DmDevice> leftovers(PoolSpec spec, HostState state) {
    String pool = spec.poolName();
    List<String> names =
        LvmNames.dmTables(
            spec.volumeGroup(), List.of(pool, pool + "_tmeta", pool + "_tdata"), pool);
    List<DmDevice> found = new ArrayList<>();
    for (String name : names) {
      state.dmDevices().stream()
          .filter(dm -> dm.name().equals(name))
          .findFirst()
          .ifPresent(found::add);
    }
    return found;
  }

  /**
   * A leftover is busy when something besides the leftovers holds it open. The pool device (the top
   * name, or "-tpool" under a linear top) is opened only by the top; the metadata and data layers
   * only by the pool device.
   */
  private static Optional<String> busyLeftover(List<DmDevice> leftovers) {
    for (DmDevice dm : leftovers) {
      int expected;
      if (dm == leftovers.get(0)) {
        expected = 0;
      } else if (dm.name().endsWith("-tpool")) {
        expected = 1;
      } else {
        expected =
            leftovers.get(0).name().endsWith("_tmeta") || leftovers.get(0).name().endsWith("_tdata")
                ? 0
                : 1;
      }
      if (dm.openCount() > expected) {
        return Optional.of(
            "device-mapper entry "
                + dm.name()
                + " is left over from an earlier pool but is still open ("
                + dm.openCount()
                + " openers); stop what uses it (e.g. the container runtime) first");
      }
    }
    return Optional.empty();
  }

  private static String foreignVolumeGroup(String name) {
    return "volume group "
        + name
        + " exists but is not tagged "
        + LvmNames.OWNER_TAG
        + ": thinpool-operator never modifies a volume group it did not create. "
        + "To hand it over, run `vgchange --addtag "
        + LvmNames.OWNER_TAG
        + " "
        + name
        + "`; otherwise choose another volumeGroup";
  }

  /** One of the two plain LVs lvconvert turns into a pool, sized as a share of the VG. */
  private static Step createLv(Step.Intent intent, PoolSpec spec, String name, int percentOfVg) {
    String role = intent == Step.Intent.CREATE_DATA_VOLUME ? "data" : "metadata";
    return Step.of(
        intent,
        "create the pool's " + role + " LV (" + percentOfVg + "% of the VG)",
        "lvcreate",
        "--wipesignatures",
        yesNo(spec.wipeSignatures()),
        "--yes",
        "-n",
        name,
        spec.volumeGroup(),
        "-l",
        percentOfVg + "%VG");
  }

  private static String yesNo(boolean value) {
    return value ? "y" : "n";
  }

  /**
   * A shell-free, atomic file write: the content goes to a temporary file beside the target through
   * dd's standard input (fsynced), then rename(2) puts it in place, so LVM and dmeventd never read
   * a half-written profile.
   */
  private static List<Step> writeFile(String path, String content, String what, String owner) {
    String directory = path.substring(0, path.lastIndexOf('/'));
    String temporary = path + "." + owner + ".tmp"; // per pool: two pools never share a temp file
    return List.of(
        Step.of(
            Step.Intent.MAKE_PROFILE_DIRECTORY,
            "the directory for " + what,
            "mkdir",
            "-p",
            "--",
            directory),
        new Step(
            Step.Intent.WRITE_PROFILE_COPY,
            List.of("dd", "of=" + temporary, "conv=fsync", "status=none"),
            content,
            "write " + what),
        Step.of(
            Step.Intent.PUT_PROFILE_IN_PLACE,
            "put " + what + " in place atomically",
            "mv",
            "-f",
            "--",
            temporary,
            path));
  }
}
