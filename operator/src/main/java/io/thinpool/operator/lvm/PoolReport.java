package io.thinpool.operator.lvm;

import io.thinpool.operator.lvm.HostState.LogicalVolume;
import io.thinpool.operator.lvm.HostState.PhysicalVolume;
import io.thinpool.operator.lvm.HostState.VolumeGroup;
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
    String autoextendReason) {

  /** Whether dmeventd's autoextend can fire, or the first reason it cannot. */
  public enum AutoextendState {
    READY,
    NO_POOL,
    NOT_MONITORED,
    NOT_ATTACHED,
    DISABLED,
    NO_ROOM
  }

  public boolean autoextendPossible() {
    return autoextend == AutoextendState.READY;
  }

  private static final long MIB = 1024 * 1024;

  public PoolReport {
    devices = List.copyOf(devices);
  }

  public static PoolReport of(PoolSpec spec, HostState state) {
    PoolSpec.AutoextendPolicy policy = spec.autoextend();
    Optional<VolumeGroup> vg = state.volumeGroup(spec.volumeGroup());
    Optional<LogicalVolume> pool =
        vg.flatMap(g -> g.logicalVolume(spec.poolName())).filter(LogicalVolume::thinPool);
    List<String> devices =
        state.physicalVolumes().stream()
            .filter(pv -> pv.volumeGroup().equals(spec.volumeGroup()))
            .map(PhysicalVolume::name)
            .toList();
    long vgFree = vg.map(VolumeGroup::freeBytes).orElse(0L);
    long extent = vg.map(VolumeGroup::extentSizeBytes).orElse(1L);
    long poolSize = pool.map(LogicalVolume::sizeBytes).orElse(0L);
    long step = divideRoundingUp(poolSize * policy.extendPercent() / 100, extent) * extent;
    boolean attached = pool.map(lv -> lv.profile().equals(policy.profile())).orElse(false);
    boolean monitored = pool.map(LogicalVolume::monitored).orElse(false);
    String poolPath = LvmNames.lvPath(spec.volumeGroup(), spec.poolName());

    AutoextendState verdict;
    String reason;
    if (pool.isEmpty()) {
      verdict = AutoextendState.NO_POOL;
      reason = "pool " + poolPath + " does not exist yet";
    } else if (!monitored) {
      verdict = AutoextendState.NOT_MONITORED;
      reason = "dmeventd is not monitoring " + poolPath + ", so nothing watches its usage";
    } else if (!attached) {
      verdict = AutoextendState.NOT_ATTACHED;
      reason = "profile " + policy.profile() + " is not attached to " + poolPath;
    } else if (policy.thresholdPercent() >= 100 || policy.extendPercent() == 0) {
      verdict = AutoextendState.DISABLED;
      reason =
          "autoextend is disabled by the profile (threshold "
              + policy.thresholdPercent()
              + "%, extend "
              + policy.extendPercent()
              + "%)";
    } else if (vgFree < step) {
      verdict = AutoextendState.NO_ROOM;
      reason =
          "volume group "
              + spec.volumeGroup()
              + " has "
              + mib(vgFree)
              + " free, less than one extension of "
              + mib(step)
              + " ("
              + policy.extendPercent()
              + "% of the pool): autoextend can never fire. Lower dataPercentOfVg + metadataPercentOfVg "
              + "(the pool's spare metadata LV also takes metadataPercentOfVg) or add a device";
    } else {
      verdict = AutoextendState.READY;
      reason =
          "autoextend can fire: "
              + mib(vgFree)
              + " free, room for "
              + extensionsThatFit(poolSize, vgFree, policy.extendPercent(), extent)
              + " extension(s), the first of "
              + mib(step)
              + ", at "
              + policy.thresholdPercent()
              + "% data usage";
    }
    return new PoolReport(
        spec.volumeGroup(),
        spec.poolName(),
        LvmNames.dmName(spec.volumeGroup(), spec.poolName()),
        LvmNames.devicePath(spec.volumeGroup(), spec.poolName()),
        vg.map(VolumeGroup::sizeBytes).orElse(0L),
        vgFree,
        devices,
        pool.isPresent(),
        poolSize,
        pool.map(LogicalVolume::dataPercent).orElse(null),
        pool.map(LogicalVolume::metadataPercent).orElse(null),
        pool.map(LogicalVolume::metadataSizeBytes).orElse(0L),
        pool.map(LogicalVolume::chunkSizeBytes).orElse(0L),
        pool.map(LogicalVolume::zeroing).orElse(false),
        policy.profile(),
        attached,
        monitored,
        policy.thresholdPercent(),
        policy.extendPercent(),
        step,
        verdict,
        reason);
  }

  /** Whether the pool is larger than it was at {@code earlierPoolSizeBytes}. */
  public boolean grewSince(long earlierPoolSizeBytes) {
    return poolExists && poolSizeBytes > earlierPoolSizeBytes;
  }

  /** Each extension adds a percentage of the pool as it is then, so the steps grow. */
  private static int extensionsThatFit(long poolSize, long free, int percent, long extent) {
    int count = 0;
    long size = poolSize;
    long step = divideRoundingUp(size * percent / 100, extent) * extent;
    while (step > 0 && step <= free && count < 1000) {
      free -= step;
      size += step;
      count++;
      step = divideRoundingUp(size * percent / 100, extent) * extent;
    }
    return count;
  }

  private static long divideRoundingUp(long value, long divisor) {
    return (value + divisor - 1) / divisor;
  }

  private static String mib(long bytes) {
    return (bytes / MIB) + " MiB";
  }
}
