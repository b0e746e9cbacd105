package io.thinpool.operator.status;

import io.fabric8.kubernetes.api.model.Condition;
import io.thinpool.operator.api.ConditionTypes;
import io.thinpool.operator.api.ThinPool;
import io.thinpool.operator.api.ThinPoolConfig;
import io.thinpool.operator.api.ThinPoolConfigStatus;
import io.thinpool.operator.api.ThinPoolPhases;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;

/** Folds a config's ThinPools into the summary users watch with {@code kubectl get tpc}. */
public final class ThinPoolConfigStatuses {

  /** Enough to see the worst nodes; the full picture is {@code kubectl get tp}. */
  static final int NODES_LISTED = 20;

  private static final Set<String> DEGRADED =
      Set.of(
          ThinPoolPhases.DEGRADED,
          ThinPoolPhases.FAILED,
          ThinPoolPhases.REFUSED,
          ThinPoolPhases.CONFLICT);

  private ThinPoolConfigStatuses() {}

  /**
   * The config's status from its ThinPools, plus the selected nodes that have none because the name
   * their ThinPool would take already belongs to something else ({@code nameTaken}: node to
   * message), which count as degraded.
   */
  public static ThinPoolConfigStatus from(
      ThinPoolConfig config,
      List<ThinPool> pools,
      Map<String, String> nameTaken,
      int nodesMatched,
      Instant now) {
    ThinPoolConfigStatus previous =
        config.getStatus() == null ? new ThinPoolConfigStatus() : config.getStatus();
    Long generation = config.getMetadata().getGeneration();
    ThinPoolConfigStatus status = new ThinPoolConfigStatus();
    status.observedGeneration = generation;
    status.nodesMatched = nodesMatched;
    status.nodesReady = (int) pools.stream().filter(ThinPoolConfigStatuses::ready).count();
    status.nodesDegraded =
        (int)
                pools.stream()
                    .filter(p -> p.getStatus() != null && DEGRADED.contains(p.getStatus().phase))
                    .count()
            + nameTaken.size();
    status.ready = status.nodesReady + "/" + nodesMatched;
    worst(pools, p -> p.getStatus().pool.dataPercent)
        .ifPresent(
            p -> {
              status.maxDataPercent = p.getStatus().pool.dataPercent;
              status.maxDataPercentNode = p.getSpec().nodeName;
            });
    worst(pools, p -> p.getStatus().pool.metadataPercent)
        .ifPresent(
            p -> {
              status.maxMetadataPercent = p.getStatus().pool.metadataPercent;
              status.maxMetadataPercentNode = p.getSpec().nodeName;
            });
    boolean allReady = nodesMatched > 0 && status.nodesReady == nodesMatched;
    boolean degraded = status.nodesDegraded > 0;
    status.conditions =
        new ConditionSet(previous.conditions, generation, now)
            .set(
                ConditionTypes.READY,
                allReady,
                allReady ? "AllNodesReady" : "NodesNotReady",
                status.ready + " nodes have a ready pool")
            .set(
                ConditionTypes.DEGRADED,
                degraded,
                degraded ? "NodesDegraded" : "NoNodeDegraded",
                status.nodesDegraded + " node(s) degraded, refused, failed or in conflict")
            .toList();
    status.nodes =
        Stream.concat(
                nameTaken.entrySet().stream().map(e -> conflict(e.getKey(), e.getValue())),
                pools.stream()
                    .sorted(
                        Comparator.comparing((ThinPool p) -> ready(p))
                            .thenComparing(
                                ThinPoolConfigStatuses::dataPercent, Comparator.reverseOrder())
                            .thenComparing(p -> p.getSpec().nodeName))
                    .map(ThinPoolConfigStatuses::summary))
            .limit(NODES_LISTED)
            .toList();
    return status;
  }

  /**
   * The status of a config whose spec breaks the rules the schema checks (one stored before a rule
   * existed): not Ready, saying why; its ThinPools are left as they are until it is fixed.
   */
  public static ThinPoolConfigStatus invalidSpec(
      ThinPoolConfig config, List<String> errors, Instant now) {
    ThinPoolConfigStatus previous =
        config.getStatus() == null ? new ThinPoolConfigStatus() : config.getStatus();
    ThinPoolConfigStatus status = new ThinPoolConfigStatus();
    status.observedGeneration = config.getMetadata().getGeneration();
    status.conditions =
        new ConditionSet(previous.conditions, status.observedGeneration, now)
            .set(
                ConditionTypes.READY,
                false,
                "InvalidSpec",
                "the spec breaks the schema's rules, nothing is changed until it is fixed: "
                    + String.join("; ", errors))
            .toList();
    return status;
  }

  private static boolean ready(ThinPool pool) {
    return pool.getStatus() != null
        && Conditions.isTrue(pool.getStatus().conditions, ConditionTypes.READY);
  }

  private static double dataPercent(ThinPool pool) {
    return pool.getStatus() == null
            || pool.getStatus().pool == null
            || pool.getStatus().pool.dataPercent == null
        ? 0
        : pool.getStatus().pool.dataPercent;
  }

  private static Optional<ThinPool> worst(List<ThinPool> pools, Function<ThinPool, Double> usage) {
    return pools.stream()
        .filter(p -> p.getStatus() != null && p.getStatus().pool != null && usage.apply(p) != null)
        .max(Comparator.comparing(usage));
  }

  private static ThinPoolConfigStatus.NodeSummary conflict(String nodeName, String message) {
    ThinPoolConfigStatus.NodeSummary node = new ThinPoolConfigStatus.NodeSummary();
    node.node = nodeName;
    node.phase = ThinPoolPhases.CONFLICT;
    node.message = message;
    return node;
  }

  private static ThinPoolConfigStatus.NodeSummary summary(ThinPool pool) {
    ThinPoolConfigStatus.NodeSummary node = new ThinPoolConfigStatus.NodeSummary();
    node.node = pool.getSpec().nodeName;
    node.phase = pool.getStatus() == null ? ThinPoolPhases.PENDING : pool.getStatus().phase;
    if (pool.getStatus() != null && pool.getStatus().pool != null) {
      node.dataPercent = pool.getStatus().pool.dataPercent;
      node.metadataPercent = pool.getStatus().pool.metadataPercent;
    }
    node.message =
        pool.getStatus() == null
            ? "waiting for the node's agent"
            : pool.getStatus().conditions.stream()
                .filter(c -> c.getType().equals(ConditionTypes.READY))
                .map(Condition::getMessage)
                .findFirst()
                .orElse("");
    return node;
  }
}
