package io.thinpool.operator.lvm.observe;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * One observation of a node, as a single serialisable report: what LVM knows (volume groups with
 * their LVs, physical volumes including orphans), what it cannot tell (block-device topology,
 * signatures, device-mapper entries without an LVM owner, what the pool holds beyond what LVM
 * lists) and the autoextend profile's content. Probes the planner does not need for the spec at
 * hand are left empty.
 */
public record HostState(
    List<VolumeGroup> volumeGroups,
    List<PhysicalVolume> physicalVolumes,
    Map<String, String> resolvedDevices,
    List<BlockDevice> blockDevices,
    Map<String, List<Signature>> signatures,
    List<DmDevice> dmDevices,
    Map<String, String> profiles,
    PoolContents poolContents,
    ContainerdUse containerd) {

  public HostState {
    volumeGroups = List.copyOf(volumeGroups);
    physicalVolumes = List.copyOf(physicalVolumes);
    resolvedDevices = Map.copyOf(resolvedDevices);
    blockDevices = List.copyOf(blockDevices);
    signatures = Map.copyOf(signatures);
    dmDevices = List.copyOf(dmDevices);
    profiles = Map.copyOf(profiles);
    Objects.requireNonNull(poolContents, "poolContents");
    Objects.requireNonNull(containerd, "containerd");
  }

  public record VolumeGroup(
      String name,
      long sizeBytes,
      long freeBytes,
      long extentSizeBytes,
      long extentCount,
      long freeExtents,
      List<String> tags,
      List<LogicalVolume> logicalVolumes) {

    public VolumeGroup {
      tags = List.copyOf(tags);
      logicalVolumes = List.copyOf(logicalVolumes);
    }

    public Optional<LogicalVolume> logicalVolume(String name) {
      return logicalVolumes.stream().filter(lv -> lv.name().equals(name)).findFirst();
    }
  }

  /**
   * A logical volume with the fields of its first segment.
   *
   * @param poolLv for a thin volume, the pool it lives in; empty otherwise
   * @param segmentType e.g. {@code linear}, {@code thin-pool}, {@code thin}
   * @param monitor dmeventd's view: {@code monitored}, {@code not monitored} or empty
   * @param uuid LVM's UUID of the volume
   * @param thinId for a thin volume, its device id in the pool's metadata; null otherwise
   */
  public record LogicalVolume(
      String name,
      String attr,
      long sizeBytes,
      String poolLv,
      Double dataPercent,
      Double metadataPercent,
      long metadataSizeBytes,
      String profile,
      boolean active,
      String segmentType,
      long chunkSizeBytes,
      boolean zeroing,
      String monitor,
      String uuid,
      Long thinId) {

    public boolean thinPool() {
      return "thin-pool".equals(segmentType);
    }

    public boolean monitored() {
      return "monitored".equals(monitor);
    }

    /** For a thin pool: whether the kernel can write to it. */
    public PoolHealth health() {
      return PoolHealth.of(this);
    }
  }

  /**
   * A physical volume; {@code volumeGroup} is empty for an orphan PV. {@code metadataAreasInUse}
   * counts the metadata areas on it that hold its VG's metadata (pvcreate makes one).
   */
  public record PhysicalVolume(
      String name,
      String volumeGroup,
      long sizeBytes,
      long freeBytes,
      int metadataAreasInUse,
      String uuid) {
    /** What LVM names the VG of a PV marked in use when no readable disk holds that VG. */
    static final String UNKNOWN_VOLUME_GROUP = "[unknown]";

    public boolean orphan() {
      return volumeGroup.isEmpty();
    }

    /**
     * Whether this PV may hold a volume group's data although no VG on this node names it: LVM
     * marks it in use by a VG whose metadata it cannot find (on a disk that is missing), or it is
     * an orphan without a metadata area of its own, which cannot say (PVs made before lvm2 marked
     * use on the PV itself).
     */
    public boolean mayBelongToAMissingVolumeGroup() {
      return UNKNOWN_VOLUME_GROUP.equals(volumeGroup) || (orphan() && metadataAreasInUse == 0);
    }
  }

  /** A block device from lsblk, with what sits on top of it (partitions, LVs, ...). */
  public record BlockDevice(
      String path,
      String type,
      long sizeBytes,
      boolean readOnly,
      String mountpoint,
      List<BlockDevice> children) {
    public BlockDevice {
      children = List.copyOf(children);
    }

    /** This device and everything on it, parents before children. */
    public Stream<BlockDevice> withDescendants() {
      return Stream.concat(
          Stream.of(this), children.stream().flatMap(BlockDevice::withDescendants));
    }
  }

  /** A signature wipefs found on a device: a filesystem, a partition table, an LVM label... */
  /**
   * A signature on a device, as wipefs finds it.
   *
   * @param uuid the signature's UUID (for an LVM label, the PV's UUID); empty when it has none
   */
  public record Signature(String type, String offset, String uuid) {
    /** wipefs's name for an LVM physical volume's label. */
    static final String LVM_LABEL = "LVM2_member";

    public boolean lvmLabel() {
      return type.equals(LVM_LABEL);
    }
  }

  /** A device-mapper table and how many openers it has. */
  public record DmDevice(String name, String uuid, int openCount) {}

  public Optional<VolumeGroup> volumeGroup(String name) {
    return volumeGroups.stream().filter(vg -> vg.name().equals(name)).findFirst();
  }

  public Optional<PhysicalVolume> physicalVolume(String canonicalPath) {
    return physicalVolumes.stream().filter(pv -> pv.name().equals(canonicalPath)).findFirst();
  }

  /** The kernel name behind a configured path (a /dev/disk/by-id link resolves to /dev/sdX). */
  public String canonical(String devicePath) {
    return resolvedDevices.getOrDefault(devicePath, devicePath);
  }

  /** A block device by its kernel path, at any depth (a disk, a partition, an LV on either). */
  public Optional<BlockDevice> blockDevice(String canonicalPath) {
    return blockDevices.stream()
        .flatMap(BlockDevice::withDescendants)
        .filter(device -> device.path().equals(canonicalPath))
        .findFirst();
  }

  public List<Signature> signaturesOf(String canonicalPath) {
    return signatures.getOrDefault(canonicalPath, List.of());
  }

  public Optional<String> profile(String name) {
    return Optional.ofNullable(profiles.get(name));
  }
}
