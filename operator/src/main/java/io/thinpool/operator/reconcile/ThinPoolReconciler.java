package io.thinpool.operator.reconcile;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.PrimaryUpdateAndCacheUtils;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.thinpool.operator.api.PoolParameters.DeletionPolicy;
import io.thinpool.operator.api.ThinPool;
import io.thinpool.operator.api.ThinPoolStatus;
import io.thinpool.operator.lvm.PoolEngine;
import io.thinpool.operator.lvm.host.DeviceMapperEvents;
import io.thinpool.operator.lvm.host.HostCommandRunner;
import io.thinpool.operator.lvm.plan.Plan;
import io.thinpool.operator.lvm.plan.Step;
import io.thinpool.operator.lvm.plan.TeardownConsent;
import io.thinpool.operator.metrics.PoolMetrics;
import io.thinpool.operator.rules.Defaults;
import io.thinpool.operator.status.HeldBack;
import io.thinpool.operator.status.PoolReconcile;
import io.thinpool.operator.status.RepairRequest;
import io.thinpool.operator.status.ThinPoolStatuses;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node agent: reconciles this node's ThinPools through the LVM engine and reports what it
 * observed. It watches only ThinPools labelled with its node (selected server-side at
 * registration), re-observes usage on a timer and when the kernel raises an event on a pool, and
 * writes status only when it changed.
 */
@ControllerConfiguration(
    name = ThinPoolReconciler.NAME,
    finalizerName = ThinPoolReconciler.FINALIZER,
    // AgentUpdateFilter keeps JOSDK's generation-aware filtering and adds the repair annotation,
    // which JOSDK's own filter (combined with ours by "and") would drop.
    generationAwareEventProcessing = false,
    informer = @Informer(onUpdateFilter = AgentUpdateFilter.class))
public final class ThinPoolReconciler implements Reconciler<ThinPool>, Cleaner<ThinPool> {

  public static final String NAME = "thinpool-agent";
  public static final String FINALIZER = "thinpool.io/agent";

  private static final Logger LOG = LoggerFactory.getLogger(ThinPoolReconciler.class);

  private final String nodeName;
  private final HostCommandRunner node;
  private final Duration refresh;
  private final Clock clock;
  private final PoolMetrics metrics;
  private final OwnGrowth ownGrowth = new OwnGrowth();
  private final ExtensionFollowUp followUp = new ExtensionFollowUp();
  private final TransientRetries retries = new TransientRetries();
  private final DeviceMapperEventSource deviceMapperEvents;

  /**
   * @param node runs the engine's commands
   * @param events waits for the pools' device-mapper events (unmetered: a wait lasts minutes)
   */
  public ThinPoolReconciler(
      String nodeName,
      HostCommandRunner node,
      DeviceMapperEvents events,
      Duration refresh,
      Clock clock,
      PoolMetrics metrics) {
    this.nodeName = nodeName;
    this.node = node;
    this.deviceMapperEvents = new DeviceMapperEventSource(events);
    this.refresh = refresh;
    this.clock = clock;
    this.metrics = metrics;
  }

  @Override
  public List<EventSource<?, ThinPool>> prepareEventSources(EventSourceContext<ThinPool> context) {
    return List.of(deviceMapperEvents);
  }

  /** The label selector this agent registers with: only its own node's ThinPools reach it. */
  public static String selectorFor(String nodeName) {
    return ThinPool.NODE_LABEL + "=" + ThinPool.labelValue(nodeName);
  }

  @Override
  public UpdateControl<ThinPool> reconcile(ThinPool pool, Context<ThinPool> context) {
    if (pool.getSpec() == null || !nodeName.equals(pool.getSpec().nodeName)) {
      LOG.warn(
          "ThinPool {} names node {}, not this node {}: ignored",
          name(pool),
          pool.getSpec() == null ? null : pool.getSpec().nodeName,
          nodeName);
      return UpdateControl.noUpdate();
    }
    Optional<ThinPool> older = olderClaimant(pool, context);
    PoolReconcile reconcile;
    Duration next = refresh;
    if (older.isPresent()) {
      reconcile = HeldBack.conflicted(pool, older.get(), clock.instant());
    } else {
      PoolEngine.Outcome outcome = run(pool);
      next =
          followUp.next(
              pool, outcome.report(), retries.next(pool, outcome, refresh), clock.instant());
      deviceMapperEvents.watch(pool, outcome.report());
      reconcile = recordAfter(pool, outcome);
      if (outcome.status() == PoolEngine.Status.FAILED) {
        metrics.reconcileFailed();
      }
    }
    // One record of this reconcile, rendered three ways: the metrics, the Events, the status.
    metrics.update(pool, reconcile);
    if (SameContent.of(pool.getStatus(), reconcile.after())) {
      return UpdateControl.<ThinPool>noUpdate().rescheduleAfter(next);
    }
    // Written and cached as JOSDK's PrimaryUpdateAndCacheUtils does, so that the next reconcile
    // (a follow-up or a device-mapper event right after this one) starts from this status, not from
    // the informer's older copy; and the Events only once it is written. Before, Events went first
    // and a status write that conflicted with the stale copy was retried by a whole new reconcile,
    // which saw the same extension again and recorded it again (the likely cause of the demo's two
    // Extended Events).
    PrimaryUpdateAndCacheUtils.ssaPatchStatusAndCacheResource(
        pool, statusOnly(pool, reconcile.after()), context);
    PoolEvents.emit(context.getClient(), pool, nodeName, PoolEvents.of(reconcile), clock.instant());
    return UpdateControl.<ThinPool>noUpdate().rescheduleAfter(next);
  }

  /** The ThinPool's status alone, as a server-side apply of it is sent (JOSDK adds the version). */
  private static ThinPool statusOnly(ThinPool pool, ThinPoolStatus status) {
    ThinPool patch = new ThinPool();
    patch.setMetadata(
        new ObjectMetaBuilder()
            .withName(pool.getMetadata().getName())
            .withUid(pool.getMetadata().getUid())
            .build());
    patch.setStatus(status);
    return patch;
  }

  /**
   * What the engine does for this ThinPool: refuse an unreadable spec, plan, repair or reconcile.
   */
  private PoolEngine.Outcome run(ThinPool pool) {
    PoolEngine engine = new PoolEngine(node);
    PoolSpecs.Reading reading = PoolSpecs.of(pool);
    if (!reading.unreadable().isEmpty()) {
      return PoolEngine.Outcome.refused(Plan.refusedAsInvalid(reading.violations()));
    }
    if (planOnly(pool)) {
      return engine.plan(reading.spec());
    }
    if (RepairRequest.of(pool).approved()) {
      LOG.warn("ThinPool {}: metadata repair asked for with the current token", name(pool));
      return engine.repairMetadata(reading.spec());
    }
    return engine.reconcile(reading.spec());
  }

  /**
   * The record of a reconcile after an engine outcome. A growth of the pool counts as an extension
   * only beyond the size the agent knew, from the status or from its own steps if the status has
   * not caught up.
   */
  PoolReconcile recordAfter(ThinPool pool, PoolEngine.Outcome outcome) {
    Long sizeBefore = ownGrowth.sizeBefore(pool);
    ownGrowth.record(pool, outcome);
    return ThinPoolStatuses.from(pool, outcome, sizeBefore, clock.instant());
  }

  @Override
  public DeleteControl cleanup(ThinPool pool, Context<ThinPool> context) {
    DeleteControl control = release(pool, context);
    if (control.isRemoveFinalizer()) {
      metrics.forget(pool);
      ownGrowth.forget(pool);
      followUp.forget(pool);
      retries.forget(pool);
      deviceMapperEvents.forget(pool);
    }
    return control;
  }

  private DeleteControl release(ThinPool pool, Context<ThinPool> context) {
    // Not ours to tear down: Retain, another node's object, or LVM state of an older claimant.
    if (pool.getSpec() == null
        || !nodeName.equals(pool.getSpec().nodeName)
        || pool.getSpec().deletionPolicy != DeletionPolicy.Delete
        || olderClaimant(pool, context).isPresent()) {
      return DeleteControl.defaultDelete();
    }
    if (planOnly(pool)) {
      // Plan-only changes nothing on the node, a teardown included; holding the finalizer instead
      // would block the deletion for good once the config that could lift planOnly is gone.
      emit(
          context,
          pool,
          PoolEvents.PoolEvent.of(
              PoolEventReason.TEARDOWN_SKIPPED,
              "planOnly: deletionPolicy Delete was not carried out; the volume group and pool"
                  + " are left on the node as they are"));
      return DeleteControl.defaultDelete();
    }
    PoolEngine.Outcome outcome =
        new PoolEngine(node).teardown(PoolSpecs.of(pool).spec(), consent(pool));
    if (outcome.status() == PoolEngine.Status.CONVERGED) {
      LOG.info("ThinPool {}: torn down ({} steps)", name(pool), outcome.executed().size());
      emit(
          context,
          pool,
          PoolEvents.PoolEvent.of(
              PoolEventReason.TORN_DOWN,
              "deletionPolicy Delete: removed "
                  + String.join("; ", outcome.executed().stream().map(Step::toString).toList())));
      return DeleteControl.defaultDelete();
    }
    Plan.Refusal refusal = outcome.plan() == null ? null : outcome.plan().refusal();
    if (outcome.plan() != null && outcome.plan().notOurs()) {
      // Nothing of ours is there to remove; holding the finalizer would block deletion forever.
      emit(context, pool, PoolEvents.PoolEvent.of(PoolEventReason.NOT_OURS, refusal.message()));
      return DeleteControl.defaultDelete();
    }
    if (refusal != null) {
      // The node must change first (consent, a stopped runtime): not a failure to retry soon.
      teardownRefused(pool, context, TeardownRefusal.of(pool, refusal));
      return DeleteControl.noFinalizerRemoval().rescheduleAfter(refresh);
    }
    String why =
        outcome.failure() != null
            ? outcome.failure().getMessage()
            : "steps ran but the node still differs; next: "
                + String.join("; ", outcome.plan().steps().stream().map(Step::toString).toList());
    LOG.warn("ThinPool {}: teardown not done, keeping the finalizer: {}", name(pool), why);
    teardownRefused(pool, context, new TeardownRefusal("TeardownBlocked", why));
    return DeleteControl.noFinalizerRemoval().rescheduleAfter(retries.next(pool, outcome, refresh));
  }

  /** The consent the ThinPool's annotation gives, if any: the token a refusal named. */
  private static TeardownConsent consent(ThinPool pool) {
    Map<String, String> annotations = pool.getMetadata().getAnnotations();
    String token = annotations == null ? null : annotations.get(ThinPool.DESTROY_DATA_ANNOTATION);
    return token == null ? TeardownConsent.NONE : TeardownConsent.token(token);
  }

  /**
   * Says once why the pool stays: a TeardownRefused condition, and one Event when it changes. A
   * refusal repeated at every retry writes and records nothing new.
   */
  private void teardownRefused(ThinPool pool, Context<ThinPool> context, TeardownRefusal refusal) {
    LOG.warn("ThinPool {}: not torn down: {}", name(pool), refusal.message());
    ThinPoolStatus before = pool.getStatus() == null ? new ThinPoolStatus() : pool.getStatus();
    ThinPoolStatus status =
        HeldBack.teardownRefused(
            pool,
            context.getClient().getKubernetesSerialization().clone(before),
            refusal.reason(),
            refusal.message(),
            clock.instant());
    if (SameContent.of(before, status)) {
      return;
    }
    PrimaryUpdateAndCacheUtils.ssaPatchStatusAndCacheResource(
        pool, statusOnly(pool, status), context);
    emit(
        context,
        pool,
        PoolEvents.PoolEvent.of(PoolEventReason.TEARDOWN_REFUSED, refusal.message()));
  }

  /** Records one Event on the ThinPool as this node's agent. */
  private void emit(Context<ThinPool> context, ThinPool pool, PoolEvents.PoolEvent event) {
    PoolEvents.emit(context.getClient(), pool, nodeName, List.of(event), clock.instant());
  }

  private static boolean planOnly(ThinPool pool) {
    return Objects.requireNonNullElse(pool.getSpec().planOnly, Defaults.PLAN_ONLY);
  }

  /**
   * Another ThinPool on this node created earlier that claims the same volume group or a disk of
   * this one, whatever path names it: then this one must not touch anything.
   */
  private Optional<ThinPool> olderClaimant(ThinPool pool, Context<ThinPool> context) {
    Comparator<ThinPool> age =
        Comparator.comparing((ThinPool p) -> p.getMetadata().getCreationTimestamp())
            .thenComparing(p -> p.getMetadata().getName());
    PoolEngine engine = new PoolEngine(node);
    return context
        .getPrimaryCache()
        .list()
        .filter(other -> !other.getMetadata().getName().equals(pool.getMetadata().getName()))
        .filter(other -> other.getSpec() != null && nodeName.equals(other.getSpec().nodeName))
        .filter(other -> age.compare(other, pool) < 0)
        .filter(
            other ->
                Objects.equals(other.getSpec().volumeGroup, pool.getSpec().volumeGroup)
                    || engine.shareADisk(other.getSpec().devices, pool.getSpec().devices))
        .min(age);
  }

  private static String name(ThinPool pool) {
    return pool.getMetadata().getName();
  }
}
