package io.thinpool.operator.status;

import io.thinpool.operator.api.ThinPoolStatus;
import io.thinpool.operator.lvm.PoolReport;
import io.thinpool.operator.lvm.plan.Plan;
import io.thinpool.operator.lvm.plan.Step;
import java.time.Instant;
import java.util.Locale;

/**
 * The parts of a ThinPool's status that picture the node as observed: the volume group, the pool
 * and its contents, the autoextend policy, the planned steps and the devices left out.
 */
final class PoolPictures {

  private PoolPictures() {}

  static ThinPoolStatus.VolumeGroupStatus volumeGroup(PoolReport report) {
    ThinPoolStatus.VolumeGroupStatus vg = new ThinPoolStatus.VolumeGroupStatus();
    vg.name = report.volumeGroup();
    vg.sizeBytes = report.vgSizeBytes();
    vg.freeBytes = report.vgFreeBytes();
    vg.devices = report.devices();
    return vg;
  }

  static ThinPoolStatus.PoolStatus pool(PoolReport report) {
    ThinPoolStatus.PoolStatus pool = new ThinPoolStatus.PoolStatus();
    pool.name = report.poolName();
    pool.volumeGroup = report.volumeGroup();
    pool.deviceMapperName = report.deviceMapperName();
    pool.devicePath = report.devicePath();
    pool.size = humanBytes(report.poolSizeBytes());
    pool.sizeBytes = report.poolSizeBytes();
    pool.dataPercent = report.dataPercent();
    pool.metadataPercent = report.metadataPercent();
    pool.metadataSizeBytes = report.metadataSizeBytes();
    pool.chunkSizeBytes = report.chunkSizeBytes();
    pool.thinVolumes = report.thinVolumes();
    pool.thinDevices = report.use().thinDevices();
    pool.foreignThinDevices = report.use().foreignThinDevices();
    pool.activeThinDevices = report.use().activeThinDevices();
    pool.mappedBytes = report.use().mappedBytes();
    pool.openers = report.use().openers();
    pool.holdsData = report.use().holdsData();
    pool.contentsUnreadable = report.use().unreadableReason();
    pool.zeroing = report.zeroing();
    return pool;
  }

  /** The policy and whether it can fire, with the extensions counted since the pool was made. */
  static ThinPoolStatus.AutoextendStatus autoextend(
      PoolReport report, ThinPoolStatus.AutoextendStatus before, boolean extended, Instant now) {
    ThinPoolStatus.AutoextendStatus autoextend = new ThinPoolStatus.AutoextendStatus();
    autoextend.state = ThinPoolStatuses.camel(report.autoextend().name());
    autoextend.profile = report.profile();
    autoextend.thresholdPercent = report.thresholdPercent();
    autoextend.extendPercent = report.extendPercent();
    autoextend.monitored = report.monitored();
    autoextend.headroomBytes = report.vgFreeBytes();
    autoextend.extensionStepBytes = report.extensionStepBytes();
    autoextend.possible = report.autoextendPossible();
    autoextend.reason = report.autoextendReason();
    long count =
        before == null || before.extensionsObserved == null ? 0 : before.extensionsObserved;
    autoextend.lastExtensionTime = before == null ? null : before.lastExtensionTime;
    if (extended) {
      count++;
      autoextend.lastExtensionTime = now.toString();
    }
    autoextend.extensionsObserved = count;
    return autoextend;
  }

  static ThinPoolStatus.PlannedStep planned(Step step) {
    ThinPoolStatus.PlannedStep planned = new ThinPoolStatus.PlannedStep();
    planned.command = String.join(" ", step.argv());
    planned.reason = step.why();
    return planned;
  }

  static ThinPoolStatus.ExcludedDevice excluded(Plan.ExcludedDevice device) {
    ThinPoolStatus.ExcludedDevice excluded = new ThinPoolStatus.ExcludedDevice();
    excluded.device = device.device();
    excluded.reason = device.reason();
    return excluded;
  }

  /** 1925185536 → "1.79Gi", the way kubectl users read sizes. */
  private static String humanBytes(long bytes) {
    String[] units = {"", "Ki", "Mi", "Gi", "Ti", "Pi"};
    double value = bytes;
    int unit = 0;
    while (value >= 1024 && unit < units.length - 1) {
      value /= 1024;
      unit++;
    }
    return unit == 0 ? bytes + "" : String.format(Locale.ROOT, "%.2f%s", value, units[unit]);
  }
}
