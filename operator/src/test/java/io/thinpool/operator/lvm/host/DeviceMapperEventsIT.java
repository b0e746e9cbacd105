package io.thinpool.operator.lvm.host;

import static io.thinpool.operator.testnode.TestVm.disk;
import static org.assertj.core.api.Assertions.assertThat;

import io.thinpool.operator.Tiers;
import io.thinpool.operator.lvm.PoolEngine;
import io.thinpool.operator.lvm.PoolReport;
import io.thinpool.operator.lvm.host.DeviceMapperEvents.Wake;
import io.thinpool.operator.lvm.observe.PoolHealth;
import io.thinpool.operator.lvm.spec.PoolSpec;
import io.thinpool.operator.testnode.TestVm;
import io.thinpool.operator.testnode.TestVmExtension;
import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The kernel's device-mapper events of a pool, on a real Debian bookworm node: what the agent's
 * watcher waits for instead of polling.
 */
@ExtendWith(TestVmExtension.class)
@Tag(Tiers.KERNEL)
class DeviceMapperEventsIT {

  /** A small pool (10% of a 2 GiB disk, 204 MiB) with room left in the VG. */
  private static final PoolSpec SMALL = PoolSpec.runbook(disk(0)).toBuilder().sizes(10, 1).build();

  private static final Duration WITHIN = Duration.ofSeconds(60);

  @Test
  void whenThePoolCrossesItsThresholdAndThenRunsFullThenEachEndsTheWaitOnItsTarget(TestVm vm) {
    PoolEngine engine = new PoolEngine(vm);
    assertThat(engine.reconcile(SMALL).report().targetDeviceName()).isEqualTo("docker-thinpool");
    vm.must("lvcreate", "--yes", "-V", "1G", "-T", "docker/thinpool", "-n", "fill");
    PoolReport used = engine.observe(SMALL);
    String target = used.targetDeviceName();
    assertThat(target).isEqualTo("docker-thinpool-tpool");
    DeviceMapperEvents events = new DeviceMapperEvents(vm);
    assertThat(events.awaitNext(target, Duration.ofSeconds(3))).isEqualTo(Wake.LIMIT);
    // Nothing extends it (dmeventd off), and a full pool errors at once instead of queueing.
    vm.must("lvchange", "--monitor", "n", "--errorwhenfull", "y", "docker/thinpool");
    long poolMiB = used.poolSizeBytes() >> 20;

    long beforeThreshold = events.eventNumber(target).orElseThrow();
    fillInBackground(vm, "thinpool-past-threshold", poolMiB * 85 / 100, 0);
    long started = System.nanoTime();
    Wake threshold = events.awaitAfter(target, beforeThreshold, WITHIN);
    long thresholdMillis = (System.nanoTime() - started) / 1_000_000;

    long beforeFull = events.eventNumber(target).orElseThrow();
    fillInBackground(vm, "thinpool-to-full", poolMiB, poolMiB * 85 / 100);
    Wake full = events.awaitAfter(target, beforeFull, WITHIN);

    assertThat(threshold).as("usage past the 80% low-water mark").isEqualTo(Wake.EVENT);
    assertThat(full).as("the switch to out-of-data-space mode").isEqualTo(Wake.EVENT);
    assertThat(engine.observe(SMALL).health()).isEqualTo(PoolHealth.OUT_OF_DATA_SPACE);
    System.out.printf("threshold event %d ms after the fill began%n", thresholdMillis);
  }

  /** dd of {@code mebibytes} from offset {@code seek} MiB, in a unit of its own: it may fail. */
  private static void fillInBackground(TestVm vm, String unit, long mebibytes, long seek) {
    vm.must(
        "systemd-run",
        "--quiet",
        "--unit=" + unit,
        "--",
        "dd",
        "if=/dev/zero",
        "of=/dev/docker/fill",
        "bs=1M",
        "count=" + mebibytes,
        "seek=" + seek,
        "oflag=direct",
        "status=none");
  }
}
