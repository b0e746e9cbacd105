package io.thinpool.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.thinpool.operator.api.ConditionTypes;
import io.thinpool.operator.api.ThinPool;
import io.thinpool.operator.api.ThinPoolSpec;
import io.thinpool.operator.lvm.FakeLvmNode;
import io.thinpool.operator.lvm.PoolEngine;
import io.thinpool.operator.lvm.host.CommandResult;
import io.thinpool.operator.lvm.spec.PoolSpec;
import io.thinpool.operator.metrics.PoolMetrics;
import io.thinpool.operator.status.Conditions;
import io.thinpool.operator.status.PoolReconcile;
import io.thinpool.operator.status.ThinPoolStatuses;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The status, the Events and the metrics of a reconcile all render its one record. */
class OneRecordTest {

  private static final Instant NOW = Instant.parse("2026-12-07T05:00:00Z");
  private static final PoolSpec RUNBOOK = PoolSpec.runbook("/dev/sdb");

  private final FakeLvmNode node = new FakeLvmNode(2L * 1024 * 1024 * 1024, "/dev/sdb");
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final PoolMetrics metrics = new PoolMetrics(registry, "node-a");
  private final ThinPool pool = new ThinPool();

  OneRecordTest() {
    pool.setMetadata(new ObjectMetaBuilder().withName("runbook.node-a").withGeneration(1L).build());
    pool.setSpec(new ThinPoolSpec());
  }

  private PoolReconcile reconcile(PoolEngine.Outcome outcome) {
    Long sizeBefore =
        pool.getStatus() == null || pool.getStatus().pool == null
            ? null
            : pool.getStatus().pool.sizeBytes;
    PoolReconcile reconcile = ThinPoolStatuses.from(pool, outcome, sizeBefore, NOW);
    metrics.update(pool, reconcile);
    pool.setStatus(reconcile.after());
    return reconcile;
  }

  private double healthyGauge() {
    return registry.get("thinpool.healthy").gauge().value();
  }

  @Test
  void aFullPoolIsUnhealthyInTheStatusAnEventAndTheGaugeAndStaysSoWhileUnobserved() {
    reconcile(new PoolEngine(node).reconcile(RUNBOOK));
    assertThat(healthyGauge()).isEqualTo(1);
    node.fill("docker", "thinpool", 100);
    reconcile(new PoolEngine(node).reconcile(RUNBOOK)); // the rescue takes the runbook's few MiB
    node.fill("docker", "thinpool", 100);

    PoolReconcile full = reconcile(new PoolEngine(node).reconcile(RUNBOOK));

    assertThat(full.healthy()).contains(false);
    assertThat(Conditions.isFalse(full.after().conditions, ConditionTypes.HEALTHY)).isTrue();
    assertThat(PoolEvents.of(full))
        .extracting(PoolEvents.PoolEvent::reason)
        .contains(ConditionTypes.OUT_OF_DATA_SPACE);
    assertThat(healthyGauge()).isZero();

    // The node cannot be read: no word on health, so the last one stands, in the gauge too.
    PoolReconcile unobserved =
        reconcile(
            new PoolEngine(command -> new CommandResult(5, "", "lvm: timed out", false))
                .reconcile(RUNBOOK));
    assertThat(unobserved.healthy()).isEmpty();
    assertThat(healthyGauge()).isZero();
    assertThat(PoolEvents.of(unobserved))
        .extracting(PoolEvents.PoolEvent::reason)
        .doesNotContain(ConditionTypes.OUT_OF_DATA_SPACE, "Extended");
  }

  @Test
  void anExtensionIsSeenOnceByTheRecordAndSoEventedAndCountedOnce() {
    reconcile(new PoolEngine(node).reconcile(RUNBOOK.toBuilder().sizes(50, 2).build()));
    node.fill("docker", "thinpool", 85);
    node.autoextend("docker", "thinpool", 20);

    PoolReconcile extended =
        reconcile(new PoolEngine(node).reconcile(RUNBOOK.toBuilder().sizes(50, 2).build()));
    PoolReconcile next =
        reconcile(new PoolEngine(node).reconcile(RUNBOOK.toBuilder().sizes(50, 2).build()));

    assertThat(extended.extensionObserved()).isTrue();
    assertThat(PoolEvents.of(extended))
        .extracting(PoolEvents.PoolEvent::reason)
        .contains("Extended");
    assertThat(next.extensionObserved()).isFalse();
    assertThat(PoolEvents.of(next)).isEmpty();
    assertThat(registry.get("thinpool.extensions.observed").functionCounter().count()).isEqualTo(1);
  }
}
