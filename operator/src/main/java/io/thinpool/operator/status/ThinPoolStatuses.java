package io.thinpool.operator.status;

import io.thinpool.operator.api.ConditionTypes;
import io.thinpool.operator.api.ThinPool;
import io.thinpool.operator.api.ThinPoolPhases;
import io.thinpool.operator.api.ThinPoolStatus;
import io.thinpool.operator.lvm.PoolEngine;
import io.thinpool.operator.lvm.PoolReport;
import io.thinpool.operator.lvm.observe.ContainerdUse;
import io.thinpool.operator.lvm.observe.PoolHealth;
import io.thinpool.operator.lvm.plan.Plan;
import io.thinpool.operator.lvm.plan.Step;
import io.thinpool.operator.lvm.spec.LvmNames;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Builds a ThinPool's status from one engine outcome, freshly each time, keeping from the previous
 * status only what must survive: condition transition times and the extension count.
 */
public final class ThinPoolStatuses {

  private ThinPoolStatuses() {}

  /**
   * The status after {@code outcome}. {@code poolSizeBefore} is the pool size the agent knew before
   * it (null if none): a growth beyond it that no executed step made is counted as an extension.
   */
  public static ThinPoolStatus from(
      ThinPool resource, PoolEngine.Outcome outcome, Long poolSizeBefore, Instant now) {
    ThinPoolStatus previous =
        resource.getStatus() == null ? new ThinPoolStatus() : resource.getStatus();
    Long generation = resource.getMetadata().getGeneration();
    PoolReport report = outcome.report();
    ThinPoolStatus status = new ThinPoolStatus();
    status.observedGeneration = generation;

    Plan plan = outcome.plan();
    status.lastError = outcome.failure() == null ? null : outcome.failure().getMessage();
    status.plannedSteps =
        outcome.status() == PoolEngine.Status.PLANNED
            ? plan.steps().stream().map(ThinPoolStatuses::planned).toList()
            : List.of();
    if (report != null) {
      status.excludedDevices =
          plan == null
              ? List.of()
              : plan.excludedDevices().stream().map(ThinPoolStatuses::excluded).toList();
      status.notes = plan == null ? List.of() : plan.notes();
      status.volumeGroup = volumeGroup(report);
      status.pool = report.poolExists() ? pool(report) : null;
      status.autoextend = autoextend(outcome, previous.autoextend, poolSizeBefore, now);
    } else {
      // Observing failed: keep the last known picture (and the extension count) until it works.
      status.excludedDevices = Objects.requireNonNullElse(previous.excludedDevices, List.of());
      status.notes = Objects.requireNonNullElse(previous.notes, List.of());
      status.volumeGroup = previous.volumeGroup;
      status.pool = previous.pool;
      status.autoextend = previous.autoextend;
    }

    boolean built =
        outcome.status() == PoolEngine.Status.CONVERGED && report != null && report.poolExists();
    boolean ready = built && report.healthy();
    String readyReason;
    String readyMessage;
    switch (outcome.status()) {
      case CONVERGED -> {
        readyReason = ready ? "PoolReady" : built ? healthReason(report.health()) : "NoPool";
        readyMessage =
            ready
                ? "pool " + report.volumeGroup() + " is built and matches the spec"
                : built ? report.healthReason() : "no pool";
      }
      case REFUSED -> {
        readyReason = "Refused" + camel(plan.refusal().reason().name());
        readyMessage = plan.refusal().message();
      }
      case FAILED -> {
        readyReason = "HostCommand" + camel(outcome.failure().kind().name());
        readyMessage = outcome.failure().getMessage();
      }
      case PLANNED -> {
        readyReason = ConditionTypes.PLAN_WAITING;
        readyMessage =
            "planOnly: "
                + plan.steps().size()
                + " steps wait to be applied (status.plannedSteps); set planOnly to false to run them";
      }
      default -> {
        readyReason = "Incomplete";
        readyMessage =
            "steps still pending: "
                + plan.steps().stream().map(Step::toString).collect(Collectors.joining("; "));
      }
    }
    ConditionSet conditions = new ConditionSet(previous.conditions, generation, now);
    conditions.set(ConditionTypes.READY, ready, readyReason, readyMessage);
    if (report != null) {
      conditions.set(
          ConditionTypes.MONITORED,
          report.monitored(),
          report.monitored() ? "Monitored" : "NotMonitored",
          report.monitored()
              ? "dmeventd monitors the pool"
              : report.autoextend() == PoolReport.AutoextendState.AGENT_EXTENDS
                  ? "dmeventd does not monitor the pool: the agent applies its autoextend"
                      + " policy at each refresh instead"
                  : "dmeventd does not monitor the pool: it will never be extended");
      conditions.set(
          ConditionTypes.AUTOEXTEND_READY,
          report.autoextendPossible(),
          camel(report.autoextend().name()),
          report.autoextendReason());
      // Only an observation says whether the devices were accepted; before one, nothing is said.
      boolean allDevices = status.excludedDevices.isEmpty();
      conditions.set(
          ConditionTypes.DEVICES_ACCEPTED,
          allDevices,
          allDevices ? "AllDevicesUsed" : "DevicesExcluded",
          allDevices
              ? "every device in the spec is in the volume group"
              : status.excludedDevices.stream()
                  .map(d -> d.reason)
                  .collect(Collectors.joining("; ")));
    }
    if (report != null && report.containerd().configured()) {
      boolean loaded = report.containerd().loaded();
      conditions.set(
          ConditionTypes.CONSUMER_READY,
          loaded,
          loaded ? "SnapshotterLoaded" : "SnapshotterNotLoaded",
          loaded
              ? "containerd's devmapper snapshotter keeps its snapshots in the pool"
              : "containerd's devmapper snapshotter is configured for this pool ("
                  + ContainerdUse.CONFIG
                  + ") but did not load (ctr plugins ls: "
                  + report.containerd().snapshotterState()
                  + "): the pool was not active when containerd started. Restart containerd,"
                  + " and activate the pool before it at boot (see the README, 'The pool in"
                  + " use')");
    }
    if (report != null && report.poolExists()) {
      conditions.set(
          ConditionTypes.HEALTHY,
          report.healthy(),
          healthReason(report.health()),
          report.healthReason());
    }
    status.metadataRepair =
        MetadataRepairs.next(resource, RepairRequest.of(resource), outcome, now);
    if (MetadataRepairs.damaged(status.metadataRepair)) {
      // The pool as last observed: a damaged pool exists, even when this observation failed.
      String poolPath =
          status.pool == null
              ? "<vg>/<pool>"
              : LvmNames.lvPath(status.pool.volumeGroup, status.pool.name);
      String damage = MetadataRepairs.damageMessage(resource, poolPath, status.metadataRepair);
      for (String type : List.of(ConditionTypes.READY, ConditionTypes.HEALTHY)) {
        conditions.set(type, false, ConditionTypes.METADATA_DAMAGED, damage);
      }
    }
    status.conditions = conditions.toList();
    status.phase = phase(outcome.status(), built, report, status.excludedDevices.isEmpty());
    return status;
  }

  private static String phase(
      PoolEngine.Status outcome, boolean built, PoolReport report, boolean allDevices) {
    return switch (outcome) {
      case REFUSED -> ThinPoolPhases.REFUSED;
      case FAILED -> ThinPoolPhases.FAILED;
      case INCOMPLETE -> ThinPoolPhases.DEGRADED;
      case PLANNED -> ThinPoolPhases.PLANNED;
      case CONVERGED ->
          !built
              ? ThinPoolPhases.PENDING
              : report.healthy() && report.autoextendPossible() && allDevices
                  ? ThinPoolPhases.READY
                  : ThinPoolPhases.DEGRADED;
    };
  }

  private static ThinPoolStatus.VolumeGroupStatus volumeGroup(PoolReport report) {
    ThinPoolStatus.VolumeGroupStatus vg = new ThinPoolStatus.VolumeGroupStatus();
    vg.name = report.volumeGroup();
    vg.sizeBytes = report.vgSizeBytes();
    vg.freeBytes = report.vgFreeBytes();
    vg.devices = report.devices();
    return vg;
  }

  private static ThinPoolStatus.PoolStatus pool(PoolReport report) {
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
  private static ThinPoolStatus.AutoextendStatus autoextend(
      PoolEngine.Outcome outcome,
      ThinPoolStatus.AutoextendStatus before,
      Long poolSizeBefore,
      Instant now) {
    PoolReport report = outcome.report();
    ThinPoolStatus.AutoextendStatus autoextend = new ThinPoolStatus.AutoextendStatus();
    autoextend.state = camel(report.autoextend().name());
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
    if (poolSizeBefore != null && outcome.extendedSince(poolSizeBefore)) {
      count++;
      autoextend.lastExtensionTime = now.toString();
    }
    autoextend.extensionsObserved = count;
    return autoextend;
  }

  private static ThinPoolStatus.PlannedStep planned(Step step) {
    ThinPoolStatus.PlannedStep planned = new ThinPoolStatus.PlannedStep();
    planned.command = String.join(" ", step.argv());
    planned.reason = step.why();
    return planned;
  }

  private static ThinPoolStatus.ExcludedDevice excluded(Plan.ExcludedDevice device) {
    ThinPoolStatus.ExcludedDevice excluded = new ThinPoolStatus.ExcludedDevice();
    excluded.device = device.device();
    excluded.reason = device.reason();
    return excluded;
  }

  /** NO_ROOM → NoRoom: enum names as condition reasons (CamelCase, as Kubernetes wants them). */
  /** The Healthy condition's reason, also Ready's when an unhealthy pool makes it false. */
  private static String healthReason(PoolHealth health) {
    return switch (health) {
      case HEALTHY -> ConditionTypes.HEALTHY;
      case OUT_OF_DATA_SPACE -> ConditionTypes.OUT_OF_DATA_SPACE;
      case METADATA_READ_ONLY -> ConditionTypes.METADATA_READ_ONLY;
      case FAILED -> ConditionTypes.FAILED;
    };
  }

  static String camel(String enumName) {
    StringBuilder out = new StringBuilder();
    for (String word : enumName.toLowerCase(Locale.ROOT).split("_")) {
      out.append(Character.toUpperCase(word.charAt(0))).append(word.substring(1));
    }
    return out.toString();
  }

  /** 1925185536 → "1.79Gi", the way kubectl users read sizes. */
  static String humanBytes(long bytes) {
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
