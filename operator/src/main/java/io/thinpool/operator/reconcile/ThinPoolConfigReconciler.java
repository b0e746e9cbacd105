package io.thinpool.operator.reconcile;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.cache.ReducedStateItemStore;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.rate.RateLimited;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.thinpool.operator.api.ThinPool;
import io.thinpool.operator.api.ThinPoolConfig;
import io.thinpool.operator.api.ThinPoolConfigStatus;
import io.thinpool.operator.api.ThinPoolSpec;
import io.thinpool.operator.status.ThinPoolConfigStatuses;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The controller (leader-elected, one per cluster): keeps exactly one ThinPool per node the config
 * selects, like a DaemonSet keeps one Pod per node, and folds their statuses into the config's. It
 * never runs anything on a node.
 */
// Folding many nodes' status changes: at most two reconciles per config a second, whatever the
// number of ThinPool events in between (they are coalesced, none is lost).
@RateLimited(maxReconciliations = 2, within = 1, unit = TimeUnit.SECONDS)
@ControllerConfiguration(
    name = ThinPoolConfigReconciler.NAME,
    finalizerName = ThinPoolConfigReconciler.FINALIZER)
public final class ThinPoolConfigReconciler
    implements Reconciler<ThinPoolConfig>, Cleaner<ThinPoolConfig> {

  public static final String NAME = "thinpool-controller";
  public static final String FINALIZER = "thinpool.io/controller";
  public static final String FIELD_MANAGER = "thinpool-controller";

  private static final Logger LOG = LoggerFactory.getLogger(ThinPoolConfigReconciler.class);
  private static final ObjectMapper JSON =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
  private static final Duration DELETION_POLL = Duration.ofSeconds(2);
  private static final Duration NAME_TAKEN_RECHECK = Duration.ofSeconds(30);

  /**
   * ThinPool writes in flight at once. One after another, a spec change took 33 s to reach 1000
   * nodes (scripts/bench-scale.sh); beyond this many, the reconcile thread writes too (caller
   * runs), so the API server is never flooded. Idle threads end after a while: none when quiet.
   */
  private static final int PARALLEL_WRITES = 8;

  private final Clock clock;
  private final ExecutorService writes =
      new ThreadPoolExecutor(
          0,
          PARALLEL_WRITES,
          30,
          TimeUnit.SECONDS,
          new SynchronousQueue<>(),
          runnable -> {
            Thread thread = new Thread(runnable, "thinpool-controller-write");
            thread.setDaemon(true);
            return thread;
          },
          new ThreadPoolExecutor.CallerRunsPolicy());

  public ThinPoolConfigReconciler(Clock clock) {
    this.clock = clock;
  }

  /** Runs {@code write} for each pool, several at once; rethrows the first failure. */
  private void inParallel(List<ThinPool> pools, Consumer<ThinPool> write) {
    try {
      CompletableFuture.allOf(
              pools.stream()
                  .map(pool -> CompletableFuture.runAsync(() -> write.accept(pool), writes))
                  .toArray(CompletableFuture[]::new))
          .join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException cause) {
        throw cause;
      }
      throw e;
    }
  }

  @Override
  public List<EventSource<?, ThinPoolConfig>> prepareEventSources(
      EventSourceContext<ThinPoolConfig> context) {
    // Only a Node's name and labels matter here. Real Nodes are tens of KiB (images, conditions)
    // and the kubelet updates their status every few minutes: the cache keeps the labels only,
    // and only a label change (or a Node coming or going) wakes the configs up.
    var nodes =
        InformerEventSourceConfiguration.from(Node.class, ThinPoolConfig.class)
            .withName("nodes")
            .withItemStore(
                new ReducedStateItemStore<>(
                    ReducedStateItemStore.NAME_KEY_STATE,
                    Node.class,
                    context.getClient().getKubernetesSerialization(),
                    "metadata.labels"))
            .withOnUpdateFilter(
                (updated, previous) ->
                    !Objects.equals(
                        updated.getMetadata().getLabels(), previous.getMetadata().getLabels()))
            .withSecondaryToPrimaryMapper(
                node ->
                    context
                        .getPrimaryCache()
                        .list()
                        .map(ResourceID::fromResource)
                        .collect(Collectors.toSet()))
            .build();
    var pools =
        InformerEventSourceConfiguration.from(ThinPool.class, ThinPoolConfig.class)
            .withName("thinpools")
            .withLabelSelector(ThinPool.CONFIG_LABEL)
            .withSecondaryToPrimaryMapper(
                // By owner reference, not by label: the label is shortened for long names.
                pool ->
                    pool.getMetadata().getOwnerReferences().stream()
                        .filter(
                            owner ->
                                owner.getKind().equals(HasMetadata.getKind(ThinPoolConfig.class)))
                        .map(owner -> new ResourceID(owner.getName()))
                        .collect(Collectors.toSet()))
            .build();
    return List.of(
        new InformerEventSource<>(nodes, context), new InformerEventSource<>(pools, context));
  }

  @Override
  public UpdateControl<ThinPoolConfig> reconcile(
      ThinPoolConfig config, Context<ThinPoolConfig> context) {
    if (config.getSpec() == null) {
      return UpdateControl.noUpdate(); // only one stored before the schema required a spec
    }
    KubernetesClient client = context.getClient();
    List<Node> allNodes = informer(context, "nodes", Node.class).list().toList();
    Set<String> selected =
        allNodes.stream()
            .filter(
                node ->
                    LabelSelectors.matches(
                        config.getSpec().nodeSelector, node.getMetadata().getLabels()))
            .map(node -> node.getMetadata().getName())
            .collect(Collectors.toSet());
    List<ThinPool> existing = poolsOf(config, context);

    Map<String, ThinPool> existingByName =
        existing.stream().collect(Collectors.toMap(p -> p.getMetadata().getName(), p -> p));
    Map<String, String> nameTaken = new ConcurrentSkipListMap<>();
    List<ThinPool> toWrite =
        selected.stream()
            .map(node -> desired(config, node))
            .filter(
                desired -> {
                  ThinPool current = existingByName.get(desired.getMetadata().getName());
                  return current == null || !SameContent.of(current.getSpec(), desired.getSpec());
                })
            .toList();
    inParallel(
        toWrite,
        desired -> {
          Optional<String> owner =
              existingByName.containsKey(desired.getMetadata().getName())
                  ? Optional.empty()
                  : otherOwner(client, config, desired);
          if (owner.isPresent()) {
            nameTaken.put(desired.getSpec().nodeName, owner.get());
          } else {
            client.resource(desired).fieldManager(FIELD_MANAGER).forceConflicts().serverSideApply();
          }
        });
    Set<String> nodeNames =
        allNodes.stream().map(n -> n.getMetadata().getName()).collect(Collectors.toSet());
    for (ThinPool pool : existing) {
      if (!selected.contains(pool.getSpec().nodeName)) {
        LOG.info(
            "ThinPoolConfig {}: node {} left the selection, deleting {}",
            name(config),
            pool.getSpec().nodeName,
            pool.getMetadata().getName());
        release(client, pool, nodeNames);
      }
    }

    List<ThinPool> current =
        poolsOf(config, context).stream()
            .filter(p -> selected.contains(p.getSpec().nodeName))
            .toList();
    ThinPoolConfigStatus status =
        ThinPoolConfigStatuses.from(config, current, nameTaken, selected.size(), clock.instant());
    UpdateControl<ThinPoolConfig> control;
    if (SameContent.of(config.getStatus(), status)) {
      control = UpdateControl.noUpdate();
    } else {
      config.setStatus(status);
      control = UpdateControl.patchStatus(config);
    }
    // A ThinPool holding a wanted name may be one this controller is not told about (no config
    // label): look again later rather than wait for an unrelated event.
    return nameTaken.isEmpty() ? control : control.rescheduleAfter(NAME_TAKEN_RECHECK);
  }

  @Override
  public DeleteControl cleanup(ThinPoolConfig config, Context<ThinPoolConfig> context) {
    Set<String> nodeNames =
        informer(context, "nodes", Node.class)
            .list()
            .map(n -> n.getMetadata().getName())
            .collect(Collectors.toSet());
    List<ThinPool> pools = poolsOf(config, context);
    pools.forEach(pool -> release(context.getClient(), pool, nodeNames));
    if (pools.isEmpty()) {
      return DeleteControl.defaultDelete();
    }
    return DeleteControl.noFinalizerRemoval().rescheduleAfter(DELETION_POLL);
  }

  /**
   * Deletes a ThinPool; its agent tears down (or not, per policy) and removes its finalizer. A
   * ThinPool whose node is gone has no agent left, so its finalizer is removed here.
   */
  private static void release(KubernetesClient client, ThinPool pool, Set<String> nodeNames) {
    var resource = client.resources(ThinPool.class).withName(pool.getMetadata().getName());
    if (pool.getMetadata().getDeletionTimestamp() == null) {
      resource.delete();
    }
    if (!nodeNames.contains(pool.getSpec().nodeName)
        && !pool.getMetadata().getFinalizers().isEmpty()) {
      resource.edit(
          p -> {
            p.getMetadata().getFinalizers().remove(ThinPoolReconciler.FINALIZER);
            return p;
          });
    }
  }

  /**
   * The ThinPool for one node: the config's parameters, the node, labels and an owner reference.
   */
  static ThinPool desired(ThinPoolConfig config, String node) {
    ThinPool pool = new ThinPool();
    pool.setMetadata(
        new ObjectMetaBuilder()
            .withName(ThinPool.nameFor(name(config), node))
            .withLabels(
                Map.of(
                    ThinPool.CONFIG_LABEL,
                    ThinPool.labelValue(name(config)),
                    ThinPool.NODE_LABEL,
                    ThinPool.labelValue(node)))
            .withOwnerReferences(
                new OwnerReferenceBuilder()
                    .withApiVersion(config.getApiVersion())
                    .withKind(config.getKind())
                    .withName(name(config))
                    .withUid(config.getMetadata().getUid())
                    .withController(true)
                    .withBlockOwnerDeletion(true)
                    .build())
            .build());
    ThinPoolSpec spec = JSON.convertValue(config.getSpec(), ThinPoolSpec.class);
    spec.nodeName = node;
    pool.setSpec(spec);
    return pool;
  }

  /**
   * Whether a ThinPool of the desired name exists that this config does not own: made by hand, or
   * by a config whose name collides once joined with a node's ({@code a.b} + {@code c} and {@code
   * a} + {@code b.c}). Applying would take it over, and with it a pool on a node; instead the node
   * is reported. A direct read, made only when a ThinPool is about to be created or changed.
   */
  private static Optional<String> otherOwner(
      KubernetesClient client, ThinPoolConfig config, ThinPool desired) {
    ThinPool taken =
        client.resources(ThinPool.class).withName(desired.getMetadata().getName()).get();
    if (taken == null
        || taken.getMetadata().getOwnerReferences().stream()
            .anyMatch(o -> o.getUid().equals(config.getMetadata().getUid()))) {
      return Optional.empty();
    }
    String owners =
        taken.getMetadata().getOwnerReferences().stream()
            .map(o -> o.getKind() + " " + o.getName())
            .collect(Collectors.joining(", "));
    return Optional.of(
        "ThinPool "
            + desired.getMetadata().getName()
            + " already exists and belongs to "
            + (owners.isEmpty() ? "no ThinPoolConfig (made by hand)" : owners)
            + ": it is left alone; rename this config or remove that ThinPool");
  }

  private static List<ThinPool> poolsOf(ThinPoolConfig config, Context<ThinPoolConfig> context) {
    String label = ThinPool.labelValue(name(config));
    // Owned by this very config (UID), so a hand-made ThinPool with the same label is left alone.
    return informer(context, "thinpools", ThinPool.class)
        .list()
        .filter(
            p ->
                p.getMetadata().getLabels() != null
                    && label.equals(p.getMetadata().getLabels().get(ThinPool.CONFIG_LABEL))
                    && p.getMetadata().getOwnerReferences().stream()
                        .anyMatch(o -> o.getUid().equals(config.getMetadata().getUid())))
        .toList();
  }

  @SuppressWarnings("unchecked")
  private static <R extends HasMetadata> InformerEventSource<R, ThinPoolConfig> informer(
      Context<ThinPoolConfig> context, String name, Class<R> type) {
    return (InformerEventSource<R, ThinPoolConfig>)
        context.eventSourceRetriever().getEventSourceFor(type, name);
  }

  private static String name(ThinPoolConfig config) {
    return config.getMetadata().getName();
  }
}
