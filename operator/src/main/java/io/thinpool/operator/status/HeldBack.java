package io.thinpool.operator.status;

import io.thinpool.operator.api.ConditionTypes;
import io.thinpool.operator.api.ThinPool;
import io.thinpool.operator.api.ThinPoolPhases;
import io.thinpool.operator.api.ThinPoolStatus;
import java.time.Instant;

/**
 * The statuses of a ThinPool whose agent holds back without asking the engine: another ThinPool
 * claims the same volume group or disk, or a teardown waits (for consent, for a consumer to stop).
 */
public final class HeldBack {

  private HeldBack() {}

  /** Conflict: nothing is touched for {@code pool} while {@code older} claims what it names. */
  public static PoolReconcile conflicted(ThinPool pool, ThinPool older, Instant now) {
    ThinPoolStatus before = pool.getStatus() == null ? new ThinPoolStatus() : pool.getStatus();
    ThinPoolStatus status = new ThinPoolStatus();
    status.observedGeneration = pool.getMetadata().getGeneration();
    status.phase = ThinPoolPhases.CONFLICT;
    String message =
        "ThinPool "
            + older.getMetadata().getName()
            + " already claims volume group "
            + older.getSpec().volumeGroup
            + " or one of these devices on node "
            + pool.getSpec().nodeName
            + ": nothing is touched for this one";
    ConditionSet conditions =
        new ConditionSet(before.conditions, status.observedGeneration, now)
            .set(ConditionTypes.CONFLICT, true, "ClaimedByOlderThinPool", message)
            .set(ConditionTypes.READY, false, "Conflict", message);
    status.conditions = conditions.toList();
    return PoolReconcile.heldBack(before, status, conditions.changes());
  }

  /**
   * {@code before} (a copy the caller may change) with the TeardownRefused condition saying why the
   * pool stays.
   */
  public static ThinPoolStatus teardownRefused(
      ThinPool pool, ThinPoolStatus before, String reason, String message, Instant now) {
    before.conditions =
        new ConditionSet(before.conditions, pool.getMetadata().getGeneration(), now)
            .set(ConditionTypes.TEARDOWN_REFUSED, true, reason, message)
            .toList();
    return before;
  }
}
