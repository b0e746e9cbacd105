package io.thinpool.operator.reconcile;

import io.thinpool.operator.api.ThinPool;
import io.thinpool.operator.lvm.PoolEngine;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * When to try a ThinPool again after a failure that may go away by itself (LVM's lock held, a
 * device busy for a moment, a command timed out): soon at first, then twice as long each time up to
 * the refresh, so a disk another process holds for good costs one attempt per refresh, not one
 * every few seconds for ever. Any other outcome starts the count again.
 */
final class TransientRetries {

  static final Duration FIRST = Duration.ofSeconds(5);

  private final Map<String, Integer> failures = new ConcurrentHashMap<>();

  Duration next(ThinPool pool, PoolEngine.Outcome outcome, Duration refresh) {
    if (!outcome.failedTransiently()) {
      forget(pool);
      return refresh;
    }
    int count = failures.merge(key(pool), 1, Integer::sum);
    Duration backedOff = FIRST.multipliedBy(1L << Math.min(count - 1, 20));
    return backedOff.compareTo(refresh) < 0 ? backedOff : refresh;
  }

  void forget(ThinPool pool) {
    failures.remove(key(pool));
  }

  private static String key(ThinPool pool) {
    return pool.getMetadata().getName();
  }
}
