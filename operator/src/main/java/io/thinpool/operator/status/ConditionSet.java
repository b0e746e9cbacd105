package io.thinpool.operator.status;

import io.fabric8.kubernetes.api.model.Condition;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The conditions of one status as it is being written: one per type, each stamped with the same
 * generation and the same reading of the clock, a lastTransitionTime kept unless the status flips.
 */
public final class ConditionSet {

  private final List<Condition> previous;
  private List<Condition> conditions;
  private final Long generation;
  private final Instant now;

  /**
   * @param previous the conditions the status had (null for none)
   * @param generation the resource's generation this status is computed for
   * @param now the time any condition that flips takes as its lastTransitionTime
   */
  public ConditionSet(List<Condition> previous, Long generation, Instant now) {
    this.previous = previous == null ? List.of() : List.copyOf(previous);
    this.conditions = this.previous;
    this.generation = generation;
    this.now = now;
  }

  public ConditionSet set(String type, boolean status, String reason, String message) {
    conditions = Conditions.set(conditions, type, status, reason, message, generation, now);
    return this;
  }

  public List<Condition> toList() {
    return conditions;
  }

  /** The conditions that are new, or whose status or reason differs from the previous ones. */
  List<PoolReconcile.ConditionChange> changes() {
    return conditions.stream()
        .<PoolReconcile.ConditionChange>mapMulti(
            (now, changes) -> {
              Optional<Condition> was = Conditions.find(previous, now.getType());
              boolean changed =
                  was.map(
                          w ->
                              !w.getStatus().equals(now.getStatus())
                                  || !w.getReason().equals(now.getReason()))
                      .orElse(true);
              if (changed) {
                changes.accept(new PoolReconcile.ConditionChange(now, was.isPresent()));
              }
            })
        .toList();
  }
}
