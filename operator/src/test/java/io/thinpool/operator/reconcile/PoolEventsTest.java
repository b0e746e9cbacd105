package io.thinpool.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.thinpool.operator.api.ConditionTypes;
import io.thinpool.operator.api.ThinPool;
import io.thinpool.operator.api.ThinPoolStatus;
import io.thinpool.operator.api.ThinPoolStatus.MetadataRepairStatus;
import io.thinpool.operator.lvm.FakeLvmNode;
import io.thinpool.operator.lvm.PoolEngine;
import io.thinpool.operator.lvm.spec.PoolSpec;
import io.thinpool.operator.reconcile.PoolEvents.PoolEvent;
import io.thinpool.operator.status.PoolReconcile;
import io.thinpool.operator.status.ThinPoolStatuses;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Events follow what the executed steps achieved and what the node did on its own. */
class PoolEventsTest {

  private static final long DISK = 2L * 1024 * 1024 * 1024;
  private static final Instant NOW = Instant.parse("2026-11-23T10:00:00Z");

  private final FakeLvmNode node = new FakeLvmNode(DISK, "/dev/sdb");
  private final PoolSpec half = PoolSpec.runbook("/dev/sdb").toBuilder().sizes(50, 2).build();
  private ThinPoolStatus last;

  /** Reconciles {@code spec} on the node and returns the Events of that reconcile. */
  private List<String> reasons(ThinPoolStatus before, PoolSpec spec) {
    ThinPool pool = new ThinPool();
    pool.setMetadata(new ObjectMetaBuilder().withName("runbook.node-a").withGeneration(1L).build());
    pool.setStatus(before);
    PoolEngine.Outcome outcome = new PoolEngine(node).reconcile(spec);
    PoolReconcile reconcile =
        ThinPoolStatuses.from(pool, outcome, before == null ? null : before.pool.sizeBytes, NOW);
    last = reconcile.after();
    return PoolEvents.of(reconcile).stream().map(PoolEvent::reason).toList();
  }

  @Test
  void whenThePoolIsBuiltThenItIsCreatedNotGrown() {
    assertThat(reasons(null, half)).contains("PoolCreated").doesNotContain("PoolGrown", "Extended");
  }

  @Test
  void whenTheAgentGrowsThePoolThenItIsGrownNotExtendedByDmeventd() {
    reasons(null, half);

    assertThat(reasons(last, half.toBuilder().sizes(70, 2).build())).containsExactly("PoolGrown");
  }

  @Test
  void whenDmeventdExtendsThePoolThenItIsExtendedNotGrownByTheAgent() {
    reasons(null, half);
    node.fill("docker", "thinpool", 85);
    node.autoextend("docker", "thinpool", 20);

    assertThat(reasons(last, half)).containsExactly("Extended");
  }

  @Test
  void whenThePoolRunsFullWithRoomLeftThenTheAgentRescuesItAndSaysSo() {
    reasons(null, half);
    node.fill("docker", "thinpool", 100);

    assertThat(reasons(last, half)).containsExactly("RescuedFromFull");
    assertThat(last.phase).isEqualTo("Ready");
  }

  @Test
  void whenThePoolRunsFullWithoutRoomThenItIsNotReadyWithAWarning() {
    PoolSpec runbook = PoolSpec.runbook("/dev/sdb");
    reasons(null, runbook);
    node.fill("docker", "thinpool", 100);
    // The runbook leaves a few MiB: the first rescue takes them, the next full pool has none.
    assertThat(reasons(last, runbook)).contains("RescuedFromFull");
    node.fill("docker", "thinpool", 100);

    assertThat(reasons(last, runbook)).contains(ConditionTypes.OUT_OF_DATA_SPACE);
    assertThat(last.phase).isEqualTo("Degraded");
    assertThat(last.conditions)
        .filteredOn(c -> c.getType().equals(ConditionTypes.READY))
        .singleElement()
        .extracting(c -> c.getReason())
        .isEqualTo(ConditionTypes.OUT_OF_DATA_SPACE);
  }

  @Test
  void whenARepairRanOrARequestWasNotActedOnThenAnEventSaysSoOnce() {
    ThinPoolStatus damaged = new ThinPoolStatus();
    damaged.metadataRepair = new MetadataRepairStatus();
    damaged.metadataRepair.token = "uid@2026-12-01T22:00:00Z";
    ThinPoolStatus ignored = new ThinPoolStatus();
    ignored.metadataRepair = new MetadataRepairStatus();
    ignored.metadataRepair.requestIgnored = "thinpool.io/repair-metadata=x is not acted on: …";
    ThinPoolStatus repaired = new ThinPoolStatus();
    repaired.metadataRepair = new MetadataRepairStatus();
    repaired.metadataRepair.lastRepairTime = "2026-12-01T22:01:00Z";
    repaired.metadataRepair.lastRepairResult = MetadataRepairStatus.REPAIRED;
    repaired.metadataRepair.lastRepairMessage = "kept in docker/thinpool_meta0";

    assertThat(PoolEvents.of(repairOnly(damaged, ignored)))
        .extracting(PoolEvent::reason, PoolEvent::warning)
        .containsExactly(tuple("RepairRequestIgnored", true));
    assertThat(PoolEvents.of(repairOnly(ignored, ignored))).isEmpty();
    assertThat(PoolEvents.of(repairOnly(damaged, repaired)))
        .extracting(PoolEvent::reason, PoolEvent::message)
        .containsExactly(tuple("MetadataRepaired", "kept in docker/thinpool_meta0"));
    assertThat(PoolEvents.of(repairOnly(repaired, repaired))).isEmpty();
  }

  /** A reconcile in which only the repair part of the status changed. */
  private static PoolReconcile repairOnly(ThinPoolStatus before, ThinPoolStatus after) {
    return new PoolReconcile(before, after, List.of(), false, Optional.empty(), List.of());
  }
}
