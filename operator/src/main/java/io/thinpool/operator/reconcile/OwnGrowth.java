package io.thinpool.operator.reconcile;

import io.thinpool.operator.api.ThinPool;
import io.thinpool.operator.lvm.PoolEngine;
import io.thinpool.operator.lvm.plan.Step;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The pool size each ThinPool had after the agent's own steps last set it, kept until its status
 * shows that size. A status write can fail after the agent grew the pool (JOSDK patches the status
 * with the resourceVersion it read, so any change in between conflicts); the retry then starts from
 * the old status, and without this the agent's own lvextend would be counted as dmeventd's.
 */
final class OwnGrowth {

  private final Map<String, Long> sizeAfterOwnSteps = new ConcurrentHashMap<>();

  /** Remembers the size the pool has after {@code outcome}, if one of its steps set the size. */
  void record(ThinPool pool, PoolEngine.Outcome outcome) {
    boolean setSize =
        outcome.executed().stream().map(Step::intent).anyMatch(Step.Intent::setsPoolSize);
    if (setSize && outcome.report() != null && outcome.report().poolExists()) {
      sizeAfterOwnSteps.put(key(pool), outcome.report().poolSizeBytes());
    }
  }

  /**
   * The pool size the agent knows of before this reconcile: the status's, or the larger one its own
   * steps left if the status has not caught up. Null when neither is known.
   */
  Long sizeBefore(ThinPool pool) {
    Long reported =
        pool.getStatus() == null || pool.getStatus().pool == null
            ? null
            : pool.getStatus().pool.sizeBytes;
    Long own = sizeAfterOwnSteps.get(key(pool));
    if (own == null) {
      return reported;
    }
    if (reported != null && reported >= own) {
      sizeAfterOwnSteps.remove(key(pool));
      return reported;
    }
    return own;
  }

  void forget(ThinPool pool) {
    sizeAfterOwnSteps.remove(key(pool));
  }

  /** By name: a ThinPool's name is its node's and config's, whatever object holds it. */
  private static String key(ThinPool pool) {
    return pool.getMetadata().getName();
  }
}
