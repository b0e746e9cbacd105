package io.thinpool.operator.reconcile;

import io.javaoperatorsdk.operator.processing.event.Event;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.AbstractEventSource;
import io.thinpool.operator.api.ThinPool;
import io.thinpool.operator.lvm.PoolReport;
import io.thinpool.operator.lvm.host.DeviceMapperEvents;
import io.thinpool.operator.lvm.host.HostCommandException;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wakes the agent's reconcile of a ThinPool when the kernel raises a device-mapper event on its
 * pool (usage past the autoextend threshold, out of data space, read-only), so the status shows it
 * in seconds rather than at the next refresh. One watcher thread per ThinPool blocks in the node's
 * {@code dmsetup wait}; after each reconcile the reconciler tells it which device carries the
 * pool's target, so it follows the pool from its own device to the "-tpool" layer LVM adds for the
 * first thin volume.
 */
final class DeviceMapperEventSource extends AbstractEventSource<Void, ThinPool> {

  /** How long one wait blocks before it starts over (a bound, should a wait ever go astray). */
  static final Duration WAIT_LIMIT = Duration.ofMinutes(10);

  /**
   * How long after an event the reconcile starts: dmeventd acts on the same threshold event and its
   * extension takes about this long, so one observation (and one status write) usually shows both;
   * a burst of events is one observation too.
   */
  static final Duration SETTLE = Duration.ofSeconds(1);

  private static final Logger LOG = LoggerFactory.getLogger(DeviceMapperEventSource.class);

  private final DeviceMapperEvents events;
  private final Map<ResourceID, Watcher> watchers = new ConcurrentHashMap<>();

  DeviceMapperEventSource(DeviceMapperEvents events) {
    super(Void.class, "device-mapper-events");
    this.events = events;
  }

  /**
   * Watches the target device of the pool {@code report} observed for this ThinPool (a no-op when
   * it already does), or stops watching when there is no pool.
   */
  void watch(ThinPool pool, PoolReport report) {
    if (!isRunning() || report == null || !report.poolExists()) {
      forget(pool);
      return;
    }
    String device = report.targetDeviceName();
    watchers
        .compute(
            ResourceID.fromResource(pool),
            (id, current) -> {
              if (current != null && current.device.equals(device)) {
                return current;
              }
              if (current != null) {
                current.close();
              }
              return new Watcher(id, device);
            })
        .nudge();
  }

  void forget(ThinPool pool) {
    Watcher watcher = watchers.remove(ResourceID.fromResource(pool));
    if (watcher != null) {
      watcher.close();
    }
  }

  @Override
  public void stop() {
    watchers.values().forEach(Watcher::close);
    watchers.clear();
    super.stop();
  }

  @Override
  public Set<Void> getSecondaryResources(ThinPool primary) {
    return Set.of();
  }

  /** One pool's wait loop on a daemon thread of its own. */
  private final class Watcher implements Runnable {

    private final ResourceID id;
    private final String device;
    private final Thread thread;
    private final Object parked = new Object();
    private volatile boolean closed;
    private boolean nudged;

    Watcher(ResourceID id, String device) {
      this.id = id;
      this.device = device;
      this.thread = new Thread(this, "dm-events-" + id.getName());
      thread.setDaemon(true);
      thread.start();
    }

    @Override
    public void run() {
      while (!closed) {
        DeviceMapperEvents.Wake wake;
        try {
          wake = events.awaitNext(device, WAIT_LIMIT);
        } catch (HostCommandException e) {
          LOG.debug("waiting for device-mapper events of {} failed: {}", device, e.getMessage());
          wake = DeviceMapperEvents.Wake.NO_DEVICE;
        }
        if (closed) {
          return;
        }
        switch (wake) {
          case EVENT -> {
            LOG.debug("device-mapper event on {}: reconciling {}", device, id.getName());
            pause(SETTLE);
            // Events during the pause are seen by this reconcile; the next wait starts after it.
            getEventHandler().handleEvent(new Event(id));
          }
          case NO_DEVICE -> awaitNudge(); // not there (yet): look again after the next reconcile
          case LIMIT -> {}
        }
      }
    }

    /** A reconcile saw the pool: a watcher that found no device looks again. */
    void nudge() {
      synchronized (parked) {
        nudged = true;
        parked.notifyAll();
      }
    }

    private void awaitNudge() {
      synchronized (parked) {
        long deadline = System.nanoTime() + WAIT_LIMIT.toNanos();
        try {
          while (!nudged && !closed && System.nanoTime() < deadline) {
            parked.wait(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          closed = true;
        }
        nudged = false;
      }
    }

    private void pause(Duration duration) {
      try {
        Thread.sleep(duration.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        closed = true;
      }
    }

    void close() {
      closed = true;
      thread.interrupt();
    }
  }
}
