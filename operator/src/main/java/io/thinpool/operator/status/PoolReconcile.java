package io.thinpool.operator.status;

import io.fabric8.kubernetes.api.model.Condition;
import io.thinpool.operator.api.ThinPoolStatus;
import io.thinpool.operator.lvm.plan.Step;
import java.util.List;
import java.util.Optional;

/**
 * One reconcile of a ThinPool, computed once: the status it started from and the one it writes,
 * what the agent did to the node, and what it saw happen there. The status, the Events and the
 * metrics each render this record; none of them infers from another's output.
 *
 * @param before the status the reconcile started from (an empty one for a new ThinPool)
 * @param after the status it writes
 * @param executed the steps it ran on the node
 * @param extensionObserved the pool grew beyond the size the agent knew, by no step of its own
 *     (dmeventd's autoextend)
 * @param healthy whether the kernel can write to the pool, as the Healthy condition says it; empty
 *     when this reconcile did not observe the pool (the last word stands)
 * @param conditionChanges the conditions that appeared, flipped or changed their reason
 */
public record PoolReconcile(
    ThinPoolStatus before,
    ThinPoolStatus after,
    List<Step> executed,
    boolean extensionObserved,
    Optional<Boolean> healthy,
    List<ConditionChange> conditionChanges) {

  /** A condition as it now is, and whether the status had one of its type before. */
  public record ConditionChange(Condition condition, boolean hadOne) {}

  /** A reconcile that held back: nothing ran, nothing was observed. */
  static PoolReconcile heldBack(
      ThinPoolStatus before, ThinPoolStatus after, List<ConditionChange> changes) {
    return new PoolReconcile(before, after, List.of(), false, Optional.empty(), changes);
  }
}
