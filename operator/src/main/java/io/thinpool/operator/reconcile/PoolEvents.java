package io.thinpool.operator.reconcile;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.thinpool.operator.api.ConditionTypes;
import io.thinpool.operator.api.ThinPool;
import io.thinpool.operator.api.ThinPoolStatus;
import io.thinpool.operator.api.ThinPoolStatus.MetadataRepairStatus;
import io.thinpool.operator.lvm.plan.Step;
import io.thinpool.operator.lvm.plan.Step.Intent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Events for {@code kubectl describe tp}: what the agent did to the node (pool created, grown,
 * monitoring restored, torn down), extensions it observed, and every condition that changed.
 * Cluster-scoped objects' Events live in the default namespace. A failed Event is logged, never
 * allowed to fail the reconcile.
 */
final class PoolEvents {

  /**
   * Where Events of cluster-scoped objects go (kubectl describe looks there); the agent may write
   * Events in this namespace only (the chart's thinpool-agent-events RoleBinding).
   */
  static final String NAMESPACE = "default";

  private static final Logger LOG = LoggerFactory.getLogger(PoolEvents.class);

  private PoolEvents() {}

  /** One event: Normal or Warning, a CamelCase reason, a sentence. */
  record PoolEvent(boolean warning, String reason, String message) {}

  /** What changed between two statuses, and what the executed steps did. */
  static List<PoolEvent> between(ThinPoolStatus before, ThinPoolStatus after, List<Step> executed) {
    List<PoolEvent> events = new ArrayList<>();
    Set<Intent> done = executed.stream().map(Step::intent).collect(Collectors.toSet());
    executed.stream()
        .filter(step -> step.intent() == Intent.ADOPT_VOLUME_GROUP)
        .forEach(step -> events.add(new PoolEvent(false, "Adopted", step.why())));
    if (done.contains(Intent.CONVERT_TO_POOL)) {
      events.add(new PoolEvent(false, "PoolCreated", "thin pool created: " + describe(after)));
    }
    if (done.contains(Intent.EXTEND_VOLUME_GROUP) || done.contains(Intent.GROW_POOL)) {
      events.add(new PoolEvent(false, "PoolGrown", "pool grown to the spec: " + describe(after)));
    }
    if (done.contains(Intent.RESCUE_FULL_POOL)) {
      events.add(
          new PoolEvent(
              true,
              "RescuedFromFull",
              "the pool ran out of data space and dmeventd had not extended it: extended it"
                  + " inside the kernel's queue window, "
                  + describe(after)));
    }
    if (done.contains(Intent.AUTOEXTEND_BY_AGENT)) {
      events.add(
          new PoolEvent(
              false,
              "ExtendedByAgent",
              "dmeventd does not monitor the pool: the agent applied its autoextend policy, "
                  + describe(after)));
    }
    if (done.contains(Intent.ENABLE_MONITORING)) {
      events.add(new PoolEvent(false, "MonitoringRestored", "dmeventd monitoring turned back on"));
    }
    events.addAll(repairEvents(before, after));
    long extensionsBefore =
        before == null || before.autoextend == null || before.autoextend.extensionsObserved == null
            ? 0
            : before.autoextend.extensionsObserved;
    if (after.autoextend != null
        && after.autoextend.extensionsObserved != null
        && after.autoextend.extensionsObserved > extensionsBefore) {
      events.add(
          new PoolEvent(false, "Extended", "dmeventd extended the pool: " + describe(after)));
    }
    for (Condition condition : after.conditions) {
      Optional<Condition> previous =
          before == null
              ? Optional.empty()
              : before.conditions.stream()
                  .filter(c -> c.getType().equals(condition.getType()))
                  .findFirst();
      boolean changed =
          previous
              .map(
                  p ->
                      !p.getStatus().equals(condition.getStatus())
                          || !p.getReason().equals(condition.getReason()))
              .orElse(true);
      boolean isTrue = condition.getStatus().equals("True");
      boolean worthTelling =
          previous.isPresent() || !isTrue || condition.getType().equals(ConditionTypes.CONFLICT);
      if (changed && worthTelling) {
        boolean warning = isTrue == condition.getType().equals(ConditionTypes.CONFLICT);
        events.add(
            new PoolEvent(
                warning,
                condition.getReason(),
                condition.getType() + "=" + condition.getStatus() + ": " + condition.getMessage()));
      }
    }
    return events;
  }

  /** A repair that ran (or could not), and an annotation that was not acted on. */
  private static List<PoolEvent> repairEvents(ThinPoolStatus before, ThinPoolStatus after) {
    MetadataRepairStatus was = before == null ? null : before.metadataRepair;
    MetadataRepairStatus now = after.metadataRepair;
    List<PoolEvent> events = new ArrayList<>();
    if (now == null) {
      return events;
    }
    if (now.lastRepairTime != null
        && !now.lastRepairTime.equals(was == null ? null : was.lastRepairTime)) {
      boolean repaired = MetadataRepairStatus.REPAIRED.equals(now.lastRepairResult);
      events.add(
          new PoolEvent(
              !repaired,
              repaired ? "MetadataRepaired" : "MetadataRepair" + now.lastRepairResult,
              now.lastRepairMessage));
    }
    if (now.requestIgnored != null
        && !now.requestIgnored.equals(was == null ? null : was.requestIgnored)) {
      events.add(new PoolEvent(true, "RepairRequestIgnored", now.requestIgnored));
    }
    return events;
  }

  static void emit(
      KubernetesClient client, ThinPool pool, String node, List<PoolEvent> events, Instant now) {
    for (PoolEvent event : events) {
      try {
        client
            .v1()
            .events()
            .inNamespace(NAMESPACE)
            .resource(
                new EventBuilder()
                    .withNewMetadata()
                    .withGenerateName(pool.getMetadata().getName() + ".")
                    .withNamespace(NAMESPACE)
                    .endMetadata()
                    .withNewInvolvedObject()
                    .withApiVersion(pool.getApiVersion())
                    .withKind(pool.getKind())
                    .withName(pool.getMetadata().getName())
                    .withUid(pool.getMetadata().getUid())
                    .endInvolvedObject()
                    .withType(event.warning() ? "Warning" : "Normal")
                    .withReason(event.reason())
                    .withMessage(event.message())
                    .withFirstTimestamp(now.toString())
                    .withLastTimestamp(now.toString())
                    .withCount(1)
                    .withReportingComponent(ThinPoolReconciler.NAME)
                    .withReportingInstance(node)
                    .withNewSource()
                    .withComponent(ThinPoolReconciler.NAME)
                    .withHost(node)
                    .endSource()
                    .build())
            .create();
      } catch (KubernetesClientException e) {
        LOG.warn(
            "ThinPool {}: event {} not recorded: {}",
            pool.getMetadata().getName(),
            event.reason(),
            e.getMessage());
      }
    }
  }

  private static String describe(ThinPoolStatus status) {
    if (status.pool == null || status.volumeGroup == null) {
      return "no pool";
    }
    return status.volumeGroup.name
        + " on "
        + String.join(", ", status.volumeGroup.devices)
        + ", "
        + status.pool.size;
  }
}
