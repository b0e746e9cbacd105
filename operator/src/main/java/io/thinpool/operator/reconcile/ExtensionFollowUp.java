package io.thinpool.operator.reconcile;

import io.thinpool.operator.api.ThinPool;
import io.thinpool.operator.lvm.PoolReport;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The kernel's threshold event reaches dmeventd and the agent at the same moment, and dmeventd's
 * extension takes a second or two: the observation the event woke may come before it. While
 * dmeventd's extension is due, the agent looks again soon, for a bounded window, so the status
 * shows the extension in seconds rather than at the next refresh; a dmeventd that never acts costs
 * a few observations, not a faster refresh for good.
 */
final class ExtensionFollowUp {

  static final Duration INTERVAL = Duration.ofSeconds(2);
  static final Duration WINDOW = Duration.ofSeconds(20);

  private final Map<String, Instant> dueSince = new ConcurrentHashMap<>();

  /** When to look again after {@code report}: soon while an extension is due, else {@code next}. */
  Duration next(ThinPool pool, PoolReport report, Duration next, Instant now) {
    if (report == null || !report.extensionByDmeventdDue()) {
      forget(pool);
      return next;
    }
    Instant since = dueSince.computeIfAbsent(key(pool), k -> now);
    boolean inWindow = now.isBefore(since.plus(WINDOW));
    return inWindow && INTERVAL.compareTo(next) < 0 ? INTERVAL : next;
  }

  void forget(ThinPool pool) {
    dueSince.remove(key(pool));
  }

  private static String key(ThinPool pool) {
    return pool.getMetadata().getName();
  }
}
