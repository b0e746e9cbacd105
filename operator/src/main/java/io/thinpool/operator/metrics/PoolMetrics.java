package io.thinpool.operator.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.thinpool.operator.api.ThinPool;
import io.thinpool.operator.api.ThinPoolPhases;
import io.thinpool.operator.api.ThinPoolStatus;
import io.thinpool.operator.lvm.host.CommandResult;
import io.thinpool.operator.lvm.host.HostCommand;
import io.thinpool.operator.lvm.host.HostCommandRunner;
import io.thinpool.operator.lvm.host.NodeLock;
import io.thinpool.operator.status.PoolReconcile;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToDoubleFunction;

/**
 * The agent's Prometheus series, per node and pool (labels node, config, volume_group, pool): usage
 * ratios, sizes in bytes, monitored and autoextend-possible as 0/1, extensions observed; plus LVM
 * command durations and failures by command, and reconcile errors. Gauges read the last reconcile
 * the agent computed ({@link PoolReconcile}: its status and what it observed), so a scrape never
 * touches the node.
 */
public final class PoolMetrics {

  private final MeterRegistry registry;
  private final String node;
  private final Map<String, ThinPoolStatus> latest = new ConcurrentHashMap<>();

  /** Whether the kernel can write to each pool, as last observed (absent: never observed). */
  private final Map<String, Boolean> healthy = new ConcurrentHashMap<>();

  private final Map<String, List<Meter>> meters = new ConcurrentHashMap<>();

  public PoolMetrics(MeterRegistry registry, String node) {
    this.registry = registry;
    this.node = node;
  }

  /** Records the reconcile just computed for a ThinPool; its series appear on first use. */
  public void update(ThinPool pool, PoolReconcile reconcile) {
    String name = pool.getMetadata().getName();
    latest.put(name, reconcile.after());
    reconcile.healthy().ifPresent(h -> healthy.put(name, h));
    meters.computeIfAbsent(name, n -> register(n, pool));
  }

  /** The ThinPool is gone: its series go too. */
  public void forget(ThinPool pool) {
    String name = pool.getMetadata().getName();
    latest.remove(name);
    healthy.remove(name);
    List<Meter> registered = meters.remove(name);
    if (registered != null) {
      registered.forEach(registry::remove);
    }
  }

  public void reconcileFailed() {
    Counter.builder("thinpool.reconcile.errors")
        .description("Reconciles that ended with a host command failure")
        .tag("node", node)
        .register(registry)
        .increment();
  }

  /** Times every host command and counts failures, by program (lvm, lvcreate, dmsetup, ...). */
  public HostCommandRunner metered(HostCommandRunner runner) {
    return new HostCommandRunner() {
      @Override
      public CommandResult run(HostCommand command) {
        Timer.Sample sample = Timer.start(registry);
        CommandResult result = runner.run(command);
        sample.stop(
            Timer.builder("thinpool.lvm.command.duration")
                .description("Host commands the engine ran")
                .tags("node", node, "command", command.program())
                .register(registry));
        if (!result.succeeded()) {
          Counter.builder("thinpool.lvm.command.failures")
              .description("Host commands that failed or timed out")
              .tags("node", node, "command", command.program())
              .register(registry)
              .increment();
        }
        return result;
      }

      @Override
      public NodeLock nodeLock() {
        return runner.nodeLock();
      }
    };
  }

  private List<Meter> register(String name, ThinPool pool) {
    Map<String, String> labels =
        pool.getMetadata().getLabels() == null ? Map.of() : pool.getMetadata().getLabels();
    Tags tags =
        Tags.of(
            "node",
            node,
            "config",
            labels.getOrDefault(ThinPool.CONFIG_LABEL, ""),
            "volume_group",
            String.valueOf(pool.getSpec().volumeGroup),
            "pool",
            String.valueOf(pool.getSpec().poolName));
    List<Meter> registered = new ArrayList<>();
    registered.add(
        gauge(
            "thinpool.data.usage",
            "ratio",
            "Thin pool data usage, 0 to 1",
            tags,
            name,
            s ->
                s.pool == null || s.pool.dataPercent == null
                    ? Double.NaN
                    : s.pool.dataPercent / 100));
    registered.add(
        gauge(
            "thinpool.metadata.usage",
            "ratio",
            "Thin pool metadata usage, 0 to 1",
            tags,
            name,
            s ->
                s.pool == null || s.pool.metadataPercent == null
                    ? Double.NaN
                    : s.pool.metadataPercent / 100));
    registered.add(
        gauge(
            "thinpool.pool.size",
            "bytes",
            "Thin pool data size",
            tags,
            name,
            s -> s.pool == null ? Double.NaN : s.pool.sizeBytes));
    registered.add(
        gauge(
            "thinpool.volume.group.size",
            "bytes",
            "Volume group size",
            tags,
            name,
            s -> s.volumeGroup == null ? Double.NaN : s.volumeGroup.sizeBytes));
    registered.add(
        gauge(
            "thinpool.volume.group.free",
            "bytes",
            "Volume group free space: the room autoextend has",
            tags,
            name,
            s -> s.volumeGroup == null ? Double.NaN : s.volumeGroup.freeBytes));
    registered.add(
        gauge(
            "thinpool.monitored",
            null,
            "1 when dmeventd monitors the pool",
            tags,
            name,
            s -> s.autoextend != null && Boolean.TRUE.equals(s.autoextend.monitored) ? 1 : 0));
    registered.add(
        gauge(
            "thinpool.autoextend.possible",
            null,
            "1 when an autoextend can fire (monitored, enabled, room in the VG)",
            tags,
            name,
            s -> s.autoextend != null && Boolean.TRUE.equals(s.autoextend.possible) ? 1 : 0));
    registered.add(
        gauge(
            "thinpool.healthy",
            null,
            "1 when the kernel can write to the pool; 0 when it is out of data space, its metadata"
                + " is read-only or it failed (see the ThinPool's Healthy condition)",
            tags,
            name,
            s -> Boolean.FALSE.equals(healthy.get(name)) ? 0 : 1));
    registered.add(
        gauge(
            "thinpool.thin.devices",
            null,
            "Thin devices in the pool's metadata, LVM's volumes and a container runtime's alike",
            tags,
            name,
            s -> s.pool == null || s.pool.thinDevices == null ? Double.NaN : s.pool.thinDevices));
    registered.add(
        gauge(
            "thinpool.thin.devices.foreign",
            null,
            "Thin devices LVM does not list: containerd's devmapper snapshotter's, Docker's"
                + " devicemapper driver's, or made by hand",
            tags,
            name,
            s ->
                s.pool == null || s.pool.foreignThinDevices == null
                    ? Double.NaN
                    : s.pool.foreignThinDevices));
    registered.add(
        gauge(
            "thinpool.openers",
            null,
            "Processes that hold the pool open beyond its thin devices and LVM (a runtime)",
            tags,
            name,
            s -> s.pool == null || s.pool.openers == null ? Double.NaN : s.pool.openers));
    registered.add(
        gauge(
            "thinpool.holds.data",
            null,
            "1 when the pool holds data (a thin device, a mapped block, or unreadable contents):"
                + " deletionPolicy Delete then waits for consent",
            tags,
            name,
            s -> s.pool != null && Boolean.TRUE.equals(s.pool.holdsData) ? 1 : 0));
    for (String phase : ThinPoolPhases.ALL) {
      registered.add(
          gauge(
              "thinpool.phase",
              null,
              "1 for the ThinPool's phase (status.phase), 0 for the others",
              tags.and("phase", phase),
              name,
              s -> phase.equals(s.phase) ? 1 : 0));
    }
    registered.add(
        FunctionCounter.builder(
                "thinpool.extensions.observed",
                latest,
                m -> {
                  ThinPoolStatus s = m.get(name);
                  return s == null
                          || s.autoextend == null
                          || s.autoextend.extensionsObserved == null
                      ? 0
                      : s.autoextend.extensionsObserved;
                })
            .description("Pool extensions the agent saw (dmeventd's autoextend)")
            .tags(tags)
            .register(registry));
    return registered;
  }

  private Meter gauge(
      String meter,
      String unit,
      String help,
      Tags tags,
      String name,
      ToDoubleFunction<ThinPoolStatus> value) {
    return Gauge.builder(
            meter, latest, m -> m.containsKey(name) ? value.applyAsDouble(m.get(name)) : Double.NaN)
        .description(help)
        .baseUnit(unit)
        .tags(tags)
        .strongReference(true)
        .register(registry);
  }
}
