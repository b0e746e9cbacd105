package io.thinpool.operator.reconcile;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.thinpool.operator.api.ConditionTypes;
import io.thinpool.operator.api.ThinPool;
import io.thinpool.operator.api.ThinPoolStatus;
import io.thinpool.operator.api.ThinPoolStatus.MetadataRepairStatus;
import io.thinpool.operator.lvm.plan.Step;
import io.thinpool.operator.lvm.plan.Step.Intent;
import io.thinpool.operator.status.PoolReconcile;
import java.net.HttpURLConnection;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
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
  record PoolEvent(boolean warning, String reason, String message) {

    /** An Event of the agent's own: its reason says its type. */
    static PoolEvent of(PoolEventReason reason, String message) {
      return new PoolEvent(reason.warning(), reason.reason(), message);
    }
  }

  /**
   * The Events of one reconcile: what its steps did, what it saw happen, what conditions changed.
   */
  static List<PoolEvent> of(PoolReconcile reconcile) {
    ThinPoolStatus after = reconcile.after();
    List<PoolEvent> events = new ArrayList<>();
    Set<Intent> done = reconcile.executed().stream().map(Step::intent).collect(Collectors.toSet());
    reconcile.executed().stream()
        .filter(step -> step.intent() == Intent.ADOPT_VOLUME_GROUP)
        .forEach(step -> events.add(PoolEvent.of(PoolEventReason.ADOPTED, step.why())));
    if (done.contains(Intent.CONVERT_TO_POOL)) {
      events.add(
          PoolEvent.of(PoolEventReason.POOL_CREATED, "thin pool created: " + describe(after)));
    }
    if (done.contains(Intent.EXTEND_VOLUME_GROUP) || done.contains(Intent.GROW_POOL)) {
      events.add(
          PoolEvent.of(PoolEventReason.POOL_GROWN, "pool grown to the spec: " + describe(after)));
    }
    if (done.contains(Intent.RESCUE_FULL_POOL)) {
      events.add(
          PoolEvent.of(
              PoolEventReason.RESCUED_FROM_FULL,
              "the pool ran out of data space and dmeventd had not extended it: extended it"
                  + " inside the kernel's queue window, "
                  + describe(after)));
    }
    if (done.contains(Intent.AUTOEXTEND_BY_AGENT)) {
      events.add(
          PoolEvent.of(
              PoolEventReason.EXTENDED_BY_AGENT,
              "dmeventd does not monitor the pool: the agent applied its autoextend policy, "
                  + describe(after)));
    }
    if (done.contains(Intent.ENABLE_MONITORING)) {
      events.add(
          PoolEvent.of(PoolEventReason.MONITORING_RESTORED, "dmeventd monitoring turned back on"));
    }
    events.addAll(repairEvents(reconcile.before(), after));
    if (reconcile.extensionObserved()) {
      events.add(
          PoolEvent.of(PoolEventReason.EXTENDED, "dmeventd extended the pool: " + describe(after)));
    }
    for (PoolReconcile.ConditionChange change : reconcile.conditionChanges()) {
      Condition condition = change.condition();
      boolean isTrue = condition.getStatus().equals("True");
      boolean conflict = condition.getType().equals(ConditionTypes.CONFLICT);
      // A condition that starts out true is the expected news of a new pool: not worth an Event.
      if (change.hadOne() || !isTrue || conflict) {
        events.add(
            new PoolEvent(
                isTrue == conflict,
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
      PoolEventReason reason =
          switch (String.valueOf(now.lastRepairResult)) {
            case MetadataRepairStatus.REPAIRED -> PoolEventReason.METADATA_REPAIRED;
            case MetadataRepairStatus.FAILED -> PoolEventReason.METADATA_REPAIR_FAILED;
            default -> PoolEventReason.METADATA_REPAIR_NOT_RUN;
          };
      events.add(PoolEvent.of(reason, now.lastRepairMessage));
    }
    if (now.requestIgnored != null
        && !now.requestIgnored.equals(was == null ? null : was.requestIgnored)) {
      events.add(PoolEvent.of(PoolEventReason.REPAIR_REQUEST_IGNORED, now.requestIgnored));
    }
    return events;
  }

  /**
   * Records each event once, then counts it: the same reason and message about the same ThinPool is
   * one Event object (its name a hash of them, as client-go's recorder keys them) whose count and
   * last time go up on every repeat, never a new object per retry.
   */
  static void emit(
      KubernetesClient client, ThinPool pool, String node, List<PoolEvent> events, Instant now) {
    for (PoolEvent event : events) {
      String name = eventName(pool, event);
      try {
        try {
          client
              .v1()
              .events()
              .inNamespace(NAMESPACE)
              .resource(newEvent(pool, node, event, name, now))
              .create();
        } catch (KubernetesClientException e) {
          if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
            throw e;
          }
          counted(client, name, now);
        }
      } catch (KubernetesClientException e) {
        LOG.warn(
            "ThinPool {}: event {} not recorded: {}",
            pool.getMetadata().getName(),
            event.reason(),
            e.getMessage());
      }
    }
  }

  /** The same event about the same object always has the same name. */
  static String eventName(ThinPool pool, PoolEvent event) {
    String key =
        pool.getMetadata().getUid()
            + "/"
            + event.warning()
            + "/"
            + event.reason()
            + "/"
            + event.message();
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
      // Within the 253 characters of a name, whatever the ThinPool's own name takes.
      String object = pool.getMetadata().getName();
      return object.substring(0, Math.min(object.length(), 236))
          + "."
          + HexFormat.of().formatHex(digest, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  /** One more occurrence of an event already recorded. */
  private static void counted(KubernetesClient client, String name, Instant now) {
    Event recorded = client.v1().events().inNamespace(NAMESPACE).withName(name).get();
    int count = recorded == null || recorded.getCount() == null ? 1 : recorded.getCount();
    String patch =
        client
            .getKubernetesSerialization()
            .asJson(Map.of("count", count + 1, "lastTimestamp", now.toString()));
    client
        .v1()
        .events()
        .inNamespace(NAMESPACE)
        .withName(name)
        .patch(PatchContext.of(PatchType.JSON_MERGE), patch);
  }

  private static Event newEvent(
      ThinPool pool, String node, PoolEvent event, String name, Instant now) {
    return new EventBuilder()
        .withNewMetadata()
        .withName(name)
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
        .build();
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
