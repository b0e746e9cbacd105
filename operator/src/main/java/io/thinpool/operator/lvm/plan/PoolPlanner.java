package io.thinpool.operator.lvm.plan;

import io.thinpool.operator.lvm.observe.HostState;
import io.thinpool.operator.lvm.observe.HostState.DmDevice;
import io.thinpool.operator.lvm.observe.HostState.LogicalVolume;
import io.thinpool.operator.lvm.observe.HostState.PhysicalVolume;
import io.thinpool.operator.lvm.observe.HostState.VolumeGroup;
import io.thinpool.operator.lvm.plan.DeviceSelection.Candidate;
import io.thinpool.operator.lvm.plan.Plan.Reason;
import io.thinpool.operator.lvm.spec.LvmNames;
import io.thinpool.operator.lvm.spec.PoolSpec;
import io.thinpool.operator.rules.PoolRules;
import io.thinpool.operator.rules.Violation;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The pure heart of the engine: from a desired pool and one observation of the node to the ordered
 * commands that close the gap, or a refusal. Each step is derived from what is missing, so a
 * sequence interrupted after any step is finished by the next plan, and a converged node plans
 * nothing. No I/O happens here.
 *
 * <p>A plan is made in phases, in the order their steps must run: refusals, adoption, leftovers,
 * devices, volume group, pool, profile, monitoring. Each phase reads the observation and appends
 * its steps.
 */
public final class PoolPlanner {

  private static final String LEFTOVER_WHY =
      "is left over from an earlier pool that LVM no longer knows; it blocks a rebuild";

  private final PoolSpec spec;
  private final HostState state;
  private final Optional<VolumeGroup> vg;
  private final Optional<LogicalVolume> pool;
  private final String poolPath;
  private final List<DmDevice> leftovers;
  private final DeviceSelection devices;
  private final List<Step> steps = new ArrayList<>();
  private final List<String> notes = new ArrayList<>();

  private PoolPlanner(PoolSpec spec, HostState state) {
    this.spec = spec;
    this.state = state;
    this.vg = state.volumeGroup(spec.volumeGroup());
    this.pool = vg.flatMap(g -> g.logicalVolume(spec.poolName()));
    this.poolPath = LvmNames.lvPath(spec.volumeGroup(), spec.poolName());
    this.leftovers = pool.isPresent() ? List.of() : Leftovers.of(spec, state);
    this.devices = DeviceSelection.of(spec, state, leftovers);
  }

  public static Plan plan(PoolSpec spec, HostState state) {
    List<Violation> violations = spec.violations();
    if (!violations.isEmpty()) {
      return Plan.refusedAsInvalid(violations);
    }
    Optional<VolumeGroup> vg = state.volumeGroup(spec.volumeGroup());
    Optional<VolumeGroup> adopted =
        vg.filter(g -> spec.adoptExisting() && Ownership.of(g, spec.owner()).adoptable());
    Optional<Plan> notOurs =
        adopted.isPresent() ? Optional.empty() : vg.flatMap(g -> Ownership.refusal(spec, g));
    if (notOurs.isPresent()) {
      return notOurs.get();
    }
    Optional<String> mismatch = adopted.flatMap(g -> Adoption.mismatch(spec, state, g));
    if (mismatch.isPresent()) {
      return Plan.refused(Reason.ADOPTION_MISMATCH, mismatch.get(), List.of());
    }
    return new PoolPlanner(spec, state).build();
  }

  /**
   * Steps to remove what this pool put on the node: the VG (and with it the pool), its PVs, and the
   * profile when no other LV uses it. Volumes that may hold data stop it unless forced.
   */
  public static Plan planTeardown(PoolSpec spec, HostState state, TeardownConsent consent) {
    return TeardownPlanner.plan(spec, state, consent);
  }

  private Plan build() {
    Optional<Plan> refusal = refusal();
    if (refusal.isPresent()) {
      return refusal.get();
    }
    vg.ifPresent(this::claim);
    steps.addAll(Leftovers.removal(leftovers, LEFTOVER_WHY));
    prepareDevices();
    volumeGroup();
    if (pool.filter(LogicalVolume::thinPool).isPresent()) {
      keepPool(pool.get());
    } else {
      createPool();
    }
    steps.addAll(ProfileSteps.of(spec, state, pool));
    monitoring();
    return new Plan(steps, devices.excluded(), notes, null);
  }

  /** Adopt the volume group, or record its owner when an earlier version made it. */
  private void claim(VolumeGroup group) {
    switch (Ownership.of(group, spec.owner())) {
      case UNMANAGED, OTHER_CONFIG -> steps.add(Adoption.tag(spec, state, group));
      case UNRECORDED -> steps.add(Ownership.record(spec, group));
      case OURS, OTHER_NODE -> {
        // Ours already; another node's never reaches here (refused in plan).
      }
    }
  }

  /** What the node must change before anything may be done: no usable device, a busy leftover. */
  private Optional<Plan> refusal() {
    Optional<Plan> hidden = Preconditions.lvmCannotSeeALabel(spec, state);
    if (hidden.isPresent()) {
      return hidden;
    }
    if (vg.isEmpty() && devices.candidates().isEmpty()) {
      return Optional.of(
          Plan.refused(
              Reason.NO_USABLE_DEVICE,
              "no device can be used for volume group "
                  + spec.volumeGroup()
                  + ": "
                  + devices.reasons(),
              devices.excluded()));
    }
    return Preconditions.profileSharedWithOtherSettings(spec, state, devices)
        .or(() -> Preconditions.devicesMayHaveMoved(spec, state, devices))
        .or(
            () ->
                pool.isPresent()
                    ? Optional.empty()
                    : Leftovers.nameTaken(spec, state)
                        .map(taken -> Plan.refused(Reason.NAME_TAKEN, taken, devices.excluded())))
        .or(
            () ->
                Leftovers.busy(leftovers)
                    .map(busy -> Plan.refused(Reason.DEVICE_IN_USE, busy, devices.excluded())));
  }

  /** Wipe (when allowed) and pvcreate the devices that join the volume group. */
  private void prepareDevices() {
    for (Candidate candidate : devices.candidates()) {
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
  }

  /** Create the volume group, tagged as ours, or add the new devices to it. */
  private void volumeGroup() {
    List<String> joining = devices.joining();
    if (vg.isEmpty()) {
      List<String> argv = new ArrayList<>(List.of("vgcreate", "--addtag", LvmNames.OWNER_TAG));
      for (String tag : spec.owner().tags()) {
        argv.addAll(List.of("--addtag", tag));
      }
      argv.add(spec.volumeGroup());
      argv.addAll(joining);
      steps.add(
          new Step(
              Step.Intent.CREATE_VOLUME_GROUP,
              argv,
              "",
              "create volume group "
                  + spec.volumeGroup()
                  + ", tagged as owned by thinpool-operator for config "
                  + spec.owner().config()
                  + " on node "
                  + spec.owner().node()));
    } else if (!joining.isEmpty()) {
      List<String> argv = new ArrayList<>(List.of("vgextend", spec.volumeGroup()));
      argv.addAll(joining);
      steps.add(
          new Step(
              Step.Intent.EXTEND_VOLUME_GROUP,
              argv,
              "",
              "add " + String.join(", ", joining) + " to volume group " + spec.volumeGroup()));
    }
  }

  /**
   * The pool exists: activate it, set zeroing, grow it to its share of the VG (once the VG has its
   * new devices). Its chunk size cannot change, so a difference is only noted.
   */
  private void keepPool(LogicalVolume thin) {
    metadataNote(thin).ifPresent(notes::add);
    for (String kept : MetadataRepair.keptMetadataVolumes(spec.poolName(), vg.orElseThrow())) {
      notes.add(
          kept
              + " holds the damaged metadata a repair of "
              + poolPath
              + " replaced: inspect it if you need to (thin_dump), then remove it with `lvremove "
              + kept
              + "`; thinpool-operator never removes it, except with the pool at teardown");
    }
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
    if (devices.joining().isEmpty()) {
      PoolExtension.next(spec, vg.orElseThrow(), thin).ifPresent(steps::add);
    }
  }

  /** A metadata LV larger than LVM can use wastes its excess (and the spare's): say so. */
  private Optional<String> metadataNote(LogicalVolume thin) {
    if (thin.metadataSizeBytes() > PoolRules.METADATA_SIZE_MAX_BYTES) {
      return Optional.of(
          "pool "
              + poolPath
              + " has a metadata LV of "
              + (thin.metadataSizeBytes() >> 20)
              + " MiB, but LVM uses at most "
              + (PoolRules.METADATA_SIZE_MAX_BYTES >> 20)
              + " MiB (15.81 GiB): the excess, and as much of its spare, is unused");
    }
    return MetadataSizing.clampNote(spec, vg.map(VolumeGroup::sizeBytes).orElse(0L));
  }

  /** The runbook's two lvcreates (each only if missing) and the lvconvert into a thin pool. */
  private void createPool() {
    if (pool.isEmpty()) {
      steps.add(
          createLv(
              Step.Intent.CREATE_DATA_VOLUME,
              spec.poolName(),
              "data",
              spec.dataPercentOfVg() + "% of the VG",
              List.of("-l", spec.dataPercentOfVg() + "%VG")));
    }
    if (vg.flatMap(g -> g.logicalVolume(spec.metadataName())).isEmpty()) {
      MetadataSizing metadata = MetadataSizing.of(spec, volumeGroupBytesAfterJoining());
      metadata.note().ifPresent(notes::add);
      steps.add(
          createLv(
              Step.Intent.CREATE_METADATA_VOLUME,
              spec.metadataName(),
              "metadata",
              metadata.description(),
              metadata.sizeArguments()));
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

  /**
   * The volume group's size once this plan's devices have joined it: what lvcreate's %VG will mean.
   * A device's size stands in for its PV's, which is a few MiB less.
   */
  private long volumeGroupBytesAfterJoining() {
    long joining =
        devices.joining().stream()
            .mapToLong(
                path ->
                    state
                        .blockDevice(path)
                        .map(HostState.BlockDevice::sizeBytes)
                        .or(() -> state.physicalVolume(path).map(PhysicalVolume::sizeBytes))
                        .orElse(0L))
            .sum();
    return vg.map(VolumeGroup::sizeBytes).orElse(0L) + joining;
  }

  /** One of the two plain LVs lvconvert turns into a pool. */
  private Step createLv(
      Step.Intent intent, String name, String role, String size, List<String> sizeArguments) {
    List<String> argv =
        new ArrayList<>(
            List.of(
                "lvcreate",
                "--wipesignatures",
                yesNo(spec.wipeSignatures()),
                "--yes",
                "-n",
                name,
                spec.volumeGroup()));
    argv.addAll(sizeArguments);
    return new Step(intent, argv, "", "create the pool's " + role + " LV (" + size + ")");
  }

  /** A thin pool dmeventd does not watch is never extended: turn monitoring back on. */
  private void monitoring() {
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
  }

  private static String yesNo(boolean value) {
    return value ? "y" : "n";
  }
}
