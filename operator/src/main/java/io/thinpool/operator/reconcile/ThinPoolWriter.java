package io.thinpool.operator.reconcile;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.thinpool.operator.api.ThinPool;
import io.thinpool.operator.api.ThinPoolConfig;
import io.thinpool.operator.api.ThinPoolSpec;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.Executor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The controller's writes of one config's ThinPools: one per selected node, written only where it
 * is missing or differs, several at once; never over a ThinPool of that name that another owner
 * holds; and deleted when the node leaves the selection, with the finalizer removed when the node
 * (and so its agent) is gone.
 */
final class ThinPoolWriter {

  private static final Logger LOG = LoggerFactory.getLogger(ThinPoolWriter.class);
  private static final ObjectMapper JSON =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  /**
   * ThinPool writes in flight at once. One after another, a spec change took 33 s to reach 1000
   * nodes (scripts/bench-scale.sh); beyond this many, the reconcile thread writes too (caller
   * runs), so the API server is never flooded. Idle threads end after a while: none when quiet.
   */
  private static final int PARALLEL_WRITES = 8;

  private final ThinPoolApi api;
  private final Executor writes =
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

  ThinPoolWriter(ThinPoolApi api) {
    this.api = api;
  }

  /**
   * Applies each selected node's ThinPool that is missing from {@code existing} or differs from it.
   *
   * @param existing the config's ThinPools as the cache has them
   * @return the nodes whose ThinPool name another owner holds, each with a message that says so
   */
  SortedMap<String, String> applyDesired(
      ThinPoolConfig config, Set<String> selectedNodes, List<ThinPool> existing) {
    Map<String, ThinPool> existingByName =
        existing.stream().collect(Collectors.toMap(p -> p.getMetadata().getName(), p -> p));
    SortedMap<String, String> nameTaken = new ConcurrentSkipListMap<>();
    List<ThinPool> toWrite =
        selectedNodes.stream()
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
                  : otherOwner(config, desired);
          if (owner.isPresent()) {
            nameTaken.put(desired.getSpec().nodeName, owner.get());
          } else {
            api.apply(desired);
          }
        });
    return nameTaken;
  }

  /** Releases the ThinPools in {@code existing} whose node is no longer selected. */
  void releaseDeselected(
      ThinPoolConfig config,
      Set<String> selectedNodes,
      List<ThinPool> existing,
      Set<String> nodeNames) {
    for (ThinPool pool : existing) {
      if (!selectedNodes.contains(pool.getSpec().nodeName)) {
        LOG.info(
            "ThinPoolConfig {}: node {} left the selection, deleting {}",
            config.getMetadata().getName(),
            pool.getSpec().nodeName,
            pool.getMetadata().getName());
        release(pool, nodeNames);
      }
    }
  }

  /**
   * Deletes a ThinPool; its agent tears down (or not, per policy) and removes its finalizer. A
   * ThinPool whose node is gone has no agent left, so its finalizer is removed here.
   *
   * @param nodeNames every node of the cluster
   */
  void release(ThinPool pool, Set<String> nodeNames) {
    String name = pool.getMetadata().getName();
    if (pool.getMetadata().getDeletionTimestamp() == null) {
      api.delete(name);
    }
    if (!nodeNames.contains(pool.getSpec().nodeName)
        && !pool.getMetadata().getFinalizers().isEmpty()) {
      api.removeAgentFinalizer(name);
    }
  }

  /**
   * The ThinPool for one node: the config's parameters, the node, labels and an owner reference.
   */
  static ThinPool desired(ThinPoolConfig config, String node) {
    String configName = config.getMetadata().getName();
    ThinPool pool = new ThinPool();
    pool.setMetadata(
        new ObjectMetaBuilder()
            .withName(ThinPool.nameFor(configName, node))
            .withLabels(
                Map.of(
                    ThinPool.CONFIG_LABEL,
                    ThinPool.labelValue(configName),
                    ThinPool.NODE_LABEL,
                    ThinPool.labelValue(node)))
            .withOwnerReferences(
                new OwnerReferenceBuilder()
                    .withApiVersion(config.getApiVersion())
                    .withKind(config.getKind())
                    .withName(configName)
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
   * is reported. A direct read, made only when a ThinPool is about to be created.
   */
  private Optional<String> otherOwner(ThinPoolConfig config, ThinPool desired) {
    Optional<ThinPool> taken = api.read(desired.getMetadata().getName());
    if (taken.isEmpty()
        || taken.get().getMetadata().getOwnerReferences().stream()
            .anyMatch(o -> o.getUid().equals(config.getMetadata().getUid()))) {
      return Optional.empty();
    }
    String owners =
        taken.get().getMetadata().getOwnerReferences().stream()
            .map(o -> o.getKind() + " " + o.getName())
            .collect(Collectors.joining(", "));
    return Optional.of(
        "ThinPool "
            + desired.getMetadata().getName()
            + " already exists and belongs to "
            + (owners.isEmpty() ? "no ThinPoolConfig (made by hand)" : owners)
            + ": it is left alone; rename this config or remove that ThinPool");
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
}
