package io.thinpool.operator.reconcile;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
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
import io.thinpool.operator.status.ThinPoolConfigStatuses;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

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

  private static final Duration DELETION_POLL = Duration.ofSeconds(2);
  private static final Duration NAME_TAKEN_RECHECK = Duration.ofSeconds(30);

  private final ThinPoolWriter writer;
  private final Clock clock;

  /** {@code client} is where ThinPools are written; the caches come from JOSDK's context. */
  public ThinPoolConfigReconciler(KubernetesClient client, Clock clock) {
    this.writer = new ThinPoolWriter(ThinPoolApi.of(client));
    this.clock = clock;
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
    List<String> invalid = LabelSelectors.errors(config.getSpec().nodeSelector);
    if (!invalid.isEmpty()) {
      // Admission refuses such a selector; one stored before the rule existed is reported, and
      // its ThinPools are left as they are rather than released by a selector that means nothing.
      return withStatus(
          config, ThinPoolConfigStatuses.invalidSpec(config, invalid, clock.instant()));
    }
    List<Node> nodes = informer(context, "nodes", Node.class).list().toList();
    Set<String> selected = selected(config, nodes);
    List<ThinPool> existing = poolsOf(config, context);

    Map<String, String> nameTaken = writer.applyDesired(config, selected, existing);
    writer.releaseDeselected(config, selected, existing, names(nodes));

    // The status folds the selected nodes' ThinPools as the cache has them now.
    List<ThinPool> current =
        poolsOf(config, context).stream()
            .filter(p -> selected.contains(p.getSpec().nodeName))
            .toList();
    UpdateControl<ThinPoolConfig> control =
        withStatus(
            config,
            ThinPoolConfigStatuses.from(
                config, current, nameTaken, selected.size(), clock.instant()));
    // A ThinPool holding a wanted name may be one this controller is not told about (no config
    // label): look again later rather than wait for an unrelated event.
    return nameTaken.isEmpty() ? control : control.rescheduleAfter(NAME_TAKEN_RECHECK);
  }

  /** Patches the status only when it changed. */
  private static UpdateControl<ThinPoolConfig> withStatus(
      ThinPoolConfig config, ThinPoolConfigStatus status) {
    if (SameContent.of(config.getStatus(), status)) {
      return UpdateControl.noUpdate();
    }
    config.setStatus(status);
    return UpdateControl.patchStatus(config);
  }

  @Override
  public DeleteControl cleanup(ThinPoolConfig config, Context<ThinPoolConfig> context) {
    Set<String> nodeNames = names(informer(context, "nodes", Node.class).list().toList());
    List<ThinPool> pools = poolsOf(config, context);
    pools.forEach(pool -> writer.release(pool, nodeNames));
    if (pools.isEmpty()) {
      return DeleteControl.defaultDelete();
    }
    return DeleteControl.noFinalizerRemoval().rescheduleAfter(DELETION_POLL);
  }

  /** The names of the nodes the config's selector matches. */
  private static Set<String> selected(ThinPoolConfig config, List<Node> nodes) {
    return nodes.stream()
        .filter(
            node ->
                LabelSelectors.matches(
                    config.getSpec().nodeSelector, node.getMetadata().getLabels()))
        .map(node -> node.getMetadata().getName())
        .collect(Collectors.toSet());
  }

  private static Set<String> names(List<Node> nodes) {
    return nodes.stream().map(n -> n.getMetadata().getName()).collect(Collectors.toSet());
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
