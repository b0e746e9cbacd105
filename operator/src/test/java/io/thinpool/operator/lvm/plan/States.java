package io.thinpool.operator.lvm.plan;

import io.thinpool.operator.lvm.observe.ContainerdUse;
import io.thinpool.operator.lvm.observe.HostState;
import io.thinpool.operator.lvm.observe.HostState.BlockDevice;
import io.thinpool.operator.lvm.observe.HostState.DmDevice;
import io.thinpool.operator.lvm.observe.HostState.LogicalVolume;
import io.thinpool.operator.lvm.observe.HostState.PhysicalVolume;
import io.thinpool.operator.lvm.observe.HostState.Signature;
import io.thinpool.operator.lvm.observe.HostState.VolumeGroup;
import io.thinpool.operator.lvm.observe.PoolContents;
import io.thinpool.operator.lvm.plan.Step.Intent;
import io.thinpool.operator.lvm.spec.LvmNames;
import io.thinpool.operator.lvm.spec.PoolSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** Builds host observations for planner tests, in the shapes the real observer produces. */
public final class States {

  /** The tags of a volume group the runbook spec's owner made: the mark, the config, the node. */
  public static final List<String> OURS =
      Stream.concat(Stream.of(LvmNames.OWNER_TAG), PoolSpec.runbook().owner().tags().stream())
          .toList();

  public static final long MIB = 1024 * 1024;
  public static final long EXTENT = 4 * MIB;
  public static final long DISK = 2048 * MIB;

  /** What the runbook's steps achieve, in order, on a blank disk. */
  public static final List<Intent> RUNBOOK_INTENTS =
      List.of(
          Intent.CREATE_PHYSICAL_VOLUME,
          Intent.CREATE_VOLUME_GROUP,
          Intent.CREATE_DATA_VOLUME,
          Intent.CREATE_METADATA_VOLUME,
          Intent.CONVERT_TO_POOL,
          Intent.MAKE_PROFILE_DIRECTORY,
          Intent.WRITE_PROFILE_COPY,
          Intent.PUT_PROFILE_IN_PLACE,
          Intent.ATTACH_PROFILE);

  private final List<VolumeGroup> groups = new ArrayList<>();
  private final List<PhysicalVolume> pvs = new ArrayList<>();
  private final Map<String, String> resolved = new HashMap<>();
  private final List<BlockDevice> devices = new ArrayList<>();
  private final Map<String, List<Signature>> signatures = new HashMap<>();
  private final List<DmDevice> dm = new ArrayList<>();
  private final Map<String, String> profiles = new HashMap<>();
  private PoolContents contents = PoolContents.empty();

  public static States node() {
    return new States();
  }

  public States disk(String path, BlockDevice... children) {
    devices.add(new BlockDevice(path, "disk", DISK, false, "", List.of(children)));
    return this;
  }

  public States device(BlockDevice device) {
    devices.add(device);
    return this;
  }

  public States signature(String path, String type) {
    signatures.computeIfAbsent(path, p -> new ArrayList<>()).add(new Signature(type, "0x0", ""));
    return this;
  }

  public States pv(String path, String vg) {
    pvs.add(new PhysicalVolume(path, vg, DISK, 0, 1, ""));
    return this;
  }

  /** A PV made with --metadatacopies 0 whose VG is not on this node (or not on any disk left). */
  public States pvWithoutMetadataArea(String path) {
    pvs.add(new PhysicalVolume(path, "", DISK, DISK, 0, ""));
    return this;
  }

  public States vg(
      String name, boolean ours, long extents, long freeExtents, LogicalVolume... lvs) {
    return vg(name, ours ? OURS : List.of(), extents, freeExtents, lvs);
  }

  /** A volume group with these tags: an owner's, or none. */
  public States vg(
      String name, List<String> tags, long extents, long freeExtents, LogicalVolume... lvs) {
    groups.add(
        new VolumeGroup(
            name,
            extents * EXTENT,
            freeExtents * EXTENT,
            EXTENT,
            extents,
            freeExtents,
            tags,
            List.of(lvs)));
    return this;
  }

  public States link(String link, String path) {
    resolved.put(link, path);
    return this;
  }

  /** A device-mapper table LVM made (its UUID says so). */
  public States dm(String name, int openCount) {
    return dm(name, "LVM-" + "0".repeat(64), openCount);
  }

  public States dm(String name, String uuid, int openCount) {
    dm.add(new DmDevice(name, uuid, openCount));
    return this;
  }

  public States profile(String name, String content) {
    profiles.put(name, content);
    return this;
  }

  public States runbookProfile() {
    return profile("docker-thinpool", LvmNames.profileContent(PoolSpec.AutoextendPolicy.RUNBOOK));
  }

  /** What the kernel and the pool's metadata say the pool holds (empty unless set). */
  public States contents(PoolContents contents) {
    this.contents = contents;
    return this;
  }

  public HostState build() {
    return new HostState(
        groups, pvs, resolved, devices, signatures, dm, profiles, contents, ContainerdUse.NONE);
  }

  public static LogicalVolume linear(String name, long extents) {
    return new LogicalVolume(
        name,
        "-wi-a-----",
        extents * EXTENT,
        "",
        null,
        null,
        0,
        "",
        true,
        "linear",
        0,
        false,
        "",
        "",
        null);
  }

  public static LogicalVolume pool(String name, long extents, String profile, boolean monitored) {
    return new LogicalVolume(
        name,
        "twi-a-t---",
        extents * EXTENT,
        "",
        1.0,
        10.0,
        25 * EXTENT,
        profile,
        true,
        "thin-pool",
        512 * 1024,
        false,
        monitored ? "monitored" : "not monitored",
        "",
        null);
  }

  public static LogicalVolume thin(String name, String pool) {
    return new LogicalVolume(
        name, "Vwi-a-tz--", 64 * MIB, pool, 5.0, null, 0, "", true, "thin", 0, false, "", "", null);
  }

  /** A pool the kernel switched to out-of-data-space mode: health character D, 100% data. */
  public static LogicalVolume full(LogicalVolume pool) {
    return changed(pool, "twi-aotzD-", 100.0, pool.metadataSizeBytes());
  }

  public static LogicalVolume changed(
      LogicalVolume lv, String attr, Double dataPercent, long metadataSizeBytes) {
    return changed(lv, attr, dataPercent, lv.metadataPercent(), metadataSizeBytes);
  }

  public static LogicalVolume withMetadataPercent(LogicalVolume lv, Double metadataPercent) {
    return changed(lv, lv.attr(), lv.dataPercent(), metadataPercent, lv.metadataSizeBytes());
  }

  private static LogicalVolume changed(
      LogicalVolume lv,
      String attr,
      Double dataPercent,
      Double metadataPercent,
      long metadataSizeBytes) {
    return new LogicalVolume(
        lv.name(),
        attr,
        lv.sizeBytes(),
        lv.poolLv(),
        dataPercent,
        metadataPercent,
        metadataSizeBytes,
        lv.profile(),
        lv.active(),
        lv.segmentType(),
        lv.chunkSizeBytes(),
        lv.zeroing(),
        lv.monitor(),
        lv.uuid(),
        lv.thinId());
  }

  /** The runbook's VG on /dev/sdb (511 extents), ours, with the given LVs. */
  public static States ourVg(long freeExtents, LogicalVolume... lvs) {
    return node().pv("/dev/sdb", "docker").vg("docker", true, 511, freeExtents, lvs);
  }

  /** The runbook's converged pool on one 2 GiB disk. */
  public static States runbookPool(String device) {
    return node()
        .pv(device, "docker")
        .vg("docker", true, 511, 2, pool("thinpool", 459, "docker-thinpool", true))
        .runbookProfile();
  }
}
