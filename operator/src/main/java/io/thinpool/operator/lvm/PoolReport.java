package io.thinpool.operator.lvm;

import io.thinpool.operator.lvm.observe.ContainerdUse;
import io.thinpool.operator.lvm.observe.HostState;
import io.thinpool.operator.lvm.observe.HostState.LogicalVolume;
import io.thinpool.operator.lvm.observe.HostState.PhysicalVolume;
import io.thinpool.operator.lvm.observe.HostState.VolumeGroup;
import io.thinpool.operator.lvm.observe.PoolHealth;
import io.thinpool.operator.lvm.plan.MetadataRepair;
import io.thinpool.operator.lvm.spec.LvmNames;
import io.thinpool.operator.lvm.spec.PoolSpec;
import java.util.List;
import java.util.Optional;

/**
 * What a user wants to know about one node's pool, read off an observation: sizes and usage,
 * monitoring, and whether dmeventd's autoextend can actually fire.
 *
 * @param deviceMapperName device-mapper's name for the pool ({@link LvmNames#dmName}): what
 *     consumers such as containerd's devmapper snapshotter ({@code pool_name}) are given
 * @param devicePath the pool's device node, {@code /dev/mapper/<deviceMapperName>}
 * @param extensionStepBytes what one autoextend adds: the pool's size times the extend percentage,
 *     in whole extents
 * @param autoextend READY when monitored, attached, enabled, and the VG has room for one step
 * @param autoextendReason why autoextend can or cannot fire, in words a user can act on
 * @param health whether the kernel can write to the pool (HEALTHY when there is no pool)
 * @param healthReason what happened to the pool and what to do, in words a user can act on
 * @param poolActive whether the pool is active (an inactive pool has no usage figures)
 * @param keptMetadataVolumes damaged metadata that repairs kept ({@code vg/<pool>_meta<N>})
 * @param thinVolumes the thin volumes LVM lists in the pool
 * @param use every thin device in the pool, LVM's or a runtime's, and who has it open
 * @param containerd whether the node's containerd keeps its snapshots in the pool, and loaded it
 */
public record PoolReport(
    String volumeGroup,
    String poolName,
    String deviceMapperName,
    String devicePath,
    long vgSizeBytes,
    long vgFreeBytes,
    List<String> devices,
    boolean poolExists,
    long poolSizeBytes,
    Double dataPercent,
    Double metadataPercent,
    long metadataSizeBytes,
    long chunkSizeBytes,
    boolean zeroing,
    String profile,
    boolean profileAttached,
    boolean monitored,
    int thresholdPercent,
    int extendPercent,
    long extensionStepBytes,
    AutoextendState autoextend,
    String autoextendReason,
    PoolHealth health,
    String healthReason,
    boolean poolActive,
    List<String> keptMetadataVolumes,
    int thinVolumes,
    PoolUse use,
    ContainerdUse containerd) {

  /** Whether dmeventd's autoextend can fire, or the first reason it cannot. */
  public enum AutoextendState {
    READY,
    /** dmeventd does not monitor the pool; the agent applies the policy itself. */
    AGENT_EXTENDS,
    NO_POOL,
    NOT_MONITORED,
    NOT_ATTACHED,
    DISABLED,
    NO_ROOM
  }

  public boolean autoextendPossible() {
    return autoextend == AutoextendState.READY || autoextend == AutoextendState.AGENT_EXTENDS;
  }

  /**
   * Whether dmeventd should be extending the pool about now: it watches the pool, the policy can
   * act, and data or metadata usage is at or past the threshold.
   */
  public boolean extensionByDmeventdDue() {
    return autoextend == AutoextendState.READY
        && monitored
        && (pastThreshold(dataPercent) || pastThreshold(metadataPercent));
  }

  /**
   * The device-mapper device that carries the pool's thin-pool target, whose events report usage
   * past the threshold and mode changes: LVM stacks the pool's own name on a "-tpool" layer once
   * the pool has thin volumes.
   */
  public String targetDeviceName() {
    return thinVolumes > 0 ? deviceMapperName + "-tpool" : deviceMapperName;
  }

  private boolean pastThreshold(Double percent) {
    return percent != null && percent >= thresholdPercent;
  }

  private static final long MIB = 1024 * 1024;

  public PoolReport {
    devices = List.copyOf(devices);
    keptMetadataVolumes = List.copyOf(keptMetadataVolumes);
  }

  public static PoolReport of(PoolSpec spec, HostState state) {
    Optional<VolumeGroup> vg = state.volumeGroup(spec.volumeGroup());
    Optional<LogicalVolume> pool =
        vg.flatMap(g -> g.logicalVolume(spec.poolName())).filter(LogicalVolume::thinPool);
    List<String> devices =
        state.physicalVolumes().stream()
            .filter(pv -> pv.volumeGroup().equals(spec.volumeGroup()))
            .map(PhysicalVolume::name)
            .toList();
    long vgFree = vg.map(VolumeGroup::freeBytes).orElse(0L);
    String poolPath = LvmNames.lvPath(spec.volumeGroup(), spec.poolName());
    int thinVolumes =
        vg.map(g -> g.logicalVolumes().stream().filter(lv -> lv.poolLv().equals(spec.poolName())))
            .map(thin -> (int) thin.count())
            .orElse(0);
    AutoextendCheck autoextend =
        AutoextendCheck.of(spec, pool, vgFree, vg.map(VolumeGroup::extentSizeBytes).orElse(1L));
    return new PoolReport(
        spec.volumeGroup(),
        spec.poolName(),
        LvmNames.dmName(spec.volumeGroup(), spec.poolName()),
        LvmNames.devicePath(spec.volumeGroup(), spec.poolName()),
        vg.map(VolumeGroup::sizeBytes).orElse(0L),
        vgFree,
        devices,
        pool.isPresent(),
        pool.map(LogicalVolume::sizeBytes).orElse(0L),
        pool.map(LogicalVolume::dataPercent).orElse(null),
        pool.map(LogicalVolume::metadataPercent).orElse(null),
        pool.map(LogicalVolume::metadataSizeBytes).orElse(0L),
        pool.map(LogicalVolume::chunkSizeBytes).orElse(0L),
        pool.map(LogicalVolume::zeroing).orElse(false),
        spec.autoextend().profile(),
        autoextend.attached(),
        autoextend.monitored(),
        spec.autoextend().thresholdPercent(),
        spec.autoextend().extendPercent(),
        autoextend.stepBytes(),
        autoextend.state(),
        autoextend.reason(),
        pool.map(LogicalVolume::health).orElse(PoolHealth.HEALTHY),
        pool.map(lv -> healthReason(lv.health(), poolPath, spec, vgFree)).orElse(""),
        pool.map(LogicalVolume::active).orElse(false),
        vg.map(g -> MetadataRepair.keptMetadataVolumes(spec.poolName(), g)).orElse(List.of()),
        thinVolumes,
        PoolUse.of(state.poolContents()),
        state.containerd());
  }

  /** What happened, what it does to the thin volumes, and what the user can do. */
  private static String healthReason(
      PoolHealth health, String poolPath, PoolSpec spec, long vgFree) {
    return switch (health) {
      case HEALTHY -> "pool " + poolPath + " accepts writes";
      case OUT_OF_DATA_SPACE ->
          "pool "
              + poolPath
              + " is out of data space: the kernel queues writes for up to 60 s"
              + " (dm-thin-pool's no_space_timeout), then fails them, and filesystems on its thin"
              + " volumes may go read-only. "
              + (vgFree > 0 && spec.autoextend().enabled()
                  ? "thinpool-operator extends it from the " + mib(vgFree) + " free in the VG"
                  : "Volume group "
                      + spec.volumeGroup()
                      + (vgFree > 0 ? " has room but autoextend is off" : " has no free space")
                      + ": add a device to the spec or raise dataPercentOfVg, or remove thin"
                      + " volumes or snapshots");
      case METADATA_READ_ONLY ->
          "pool "
              + poolPath
              + "'s metadata is read-only (full or damaged), so the pool refuses writes: check the"
              + " kernel log; if metadata% is near 100, grow it with `lvextend --poolmetadatasize"
              + " +<size> "
              + poolPath
              + "`, otherwise deactivate the pool and run `lvconvert --repair "
              + poolPath
              + "`";
      case FAILED ->
          "device-mapper reports pool "
              + poolPath
              + " as failed: its thin volumes' I/O errors. Check the kernel log; deactivate the"
              + " pool and run `lvconvert --repair "
              + poolPath
              + "`";
    };
  }

  public boolean healthy() {
    return health == PoolHealth.HEALTHY;
  }

  /** Whether the pool is larger than it was at {@code earlierPoolSizeBytes}. */
  public boolean grewSince(long earlierPoolSizeBytes) {
    return poolExists && poolSizeBytes > earlierPoolSizeBytes;
  }

  static String mib(long bytes) {
    return (bytes / MIB) + " MiB";
  }
}
