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
import io.thinpool.operator.lvm.spec.LvmNames;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Builds a ThinPool's reconcile record from one engine outcome: the status, freshly each time,
 * keeping from the previous status only what must survive (condition transition times, the
 * extension count), and what happened ({@link PoolReconcile}).
 */
public final class ThinPoolStatuses {

  private ThinPoolStatuses() {}

  /**
   * The reconcile of {@code outcome}: the status after it and what happened. {@code poolSizeBefore}
   * is the pool size the agent knew before it (null if none): a growth beyond it that no executed
   * step made is counted as an extension.
   */
  public static PoolReconcile from(
      ThinPool resource, PoolEngine.Outcome outcome, Long poolSizeBefore, Instant now) {
    ThinPoolStatus previous =
        resource.getStatus() == null ? new ThinPoolStatus() : resource.getStatus();
    Long generation = resource.getMetadata().getGeneration();
    PoolReport report = outcome.report();
    Plan plan = outcome.plan();
    ThinPoolStatus status = new ThinPoolStatus();
    status.observedGeneration = generation;
    status.lastError = outcome.failure() == null ? null : outcome.failure().getMessage();
    status.plannedSteps =
        outcome.status() == PoolEngine.Status.PLANNED
            ? plan.steps().stream().map(PoolPictures::planned).toList()
            : List.of();
    boolean extended = poolSizeBefore != null && outcome.extendedSince(poolSizeBefore);
    if (report != null) {
      status.excludedDevices =
          plan == null
              ? List.of()
              : plan.excludedDevices().stream().map(PoolPictures::excluded).toList();
      status.notes = plan == null ? List.of() : plan.notes();
      status.volumeGroup = PoolPictures.volumeGroup(report);
      status.pool = report.poolExists() ? PoolPictures.pool(report) : null;
      status.autoextend = PoolPictures.autoextend(report, previous.autoextend, extended, now);
    } else {
      // Observing failed: keep the last known picture (and the extension count) until it works.
      status.excludedDevices = Objects.requireNonNullElse(previous.excludedDevices, List.of());
      status.notes = Objects.requireNonNullElse(previous.notes, List.of());
      status.volumeGroup = previous.volumeGroup;
      status.pool = previous.pool;
      status.autoextend = previous.autoextend;
    }

    Readiness readiness = Readiness.of(outcome);
    ConditionSet conditions = new ConditionSet(previous.conditions, generation, now);
    conditions.set(
        ConditionTypes.READY, readiness.ready(), readiness.reason(), readiness.message());
    if (report != null) {
      observed(conditions, report, status.excludedDevices);
    }
    Optional<Boolean> healthy =
        report != null && report.poolExists() ? Optional.of(report.healthy()) : Optional.empty();
    healthy.ifPresent(
        h ->
            conditions.set(
                ConditionTypes.HEALTHY, h, healthReason(report.health()), report.healthReason()));
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
      healthy = Optional.of(false);
    }
    status.conditions = conditions.toList();
    status.phase =
        phase(outcome.status(), readiness.built(), report, status.excludedDevices.isEmpty());
    return new PoolReconcile(
        previous, status, outcome.executed(), extended, healthy, conditions.changes());
  }

  /** The conditions only an observation of the node can say. */
  private static void observed(
      ConditionSet conditions,
      PoolReport report,
      List<ThinPoolStatus.ExcludedDevice> excludedDevices) {
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
    boolean allDevices = excludedDevices.isEmpty();
    conditions.set(
        ConditionTypes.DEVICES_ACCEPTED,
        allDevices,
        allDevices ? "AllDevicesUsed" : "DevicesExcluded",
        allDevices
            ? "every device in the spec is in the volume group"
            : excludedDevices.stream().map(d -> d.reason).collect(Collectors.joining("; ")));
    if (report.containerd().configured()) {
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

  /** The Healthy condition's reason, also Ready's when an unhealthy pool makes it false. */
  static String healthReason(PoolHealth health) {
    return switch (health) {
      case HEALTHY -> ConditionTypes.HEALTHY;
      case OUT_OF_DATA_SPACE -> ConditionTypes.OUT_OF_DATA_SPACE;
      case METADATA_READ_ONLY -> ConditionTypes.METADATA_READ_ONLY;
      case FAILED -> ConditionTypes.FAILED;
    };
  }

  /**
   * NO_ROOM → NoRoom: enum names as condition and Event reasons (CamelCase, as Kubernetes wants).
   */
  public static String camel(String enumName) {
    StringBuilder out = new StringBuilder();
    for (String word : enumName.toLowerCase(Locale.ROOT).split("_")) {
      out.append(Character.toUpperCase(word.charAt(0))).append(word.substring(1));
    }
    return out.toString();
  }
}
