package io.thinpool.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.thinpool.operator.api.ConditionTypes;
import io.thinpool.operator.api.ThinPool;
import io.thinpool.operator.api.ThinPoolPhases;
import io.thinpool.operator.api.ThinPoolStatus;
import io.thinpool.operator.lvm.FakeLvmNode;
import io.thinpool.operator.lvm.PoolEngine;
import io.thinpool.operator.lvm.host.CommandResult;
import io.thinpool.operator.lvm.spec.PoolSpec;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ThinPoolStatusesTest {

  private static final long DISK = 2L * 1024 * 1024 * 1024;
  private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");
  private static final Instant T1 = Instant.parse("2026-11-23T10:00:30Z");

  /** Half the VG for data: room for autoextend, so a healthy pool is Ready. */
  private static final PoolSpec HALF =
      PoolSpec.runbook("/dev/sdb").toBuilder().sizes(50, 2).build();

  private static ThinPool resource(ThinPoolStatus status) {
    ThinPool pool = new ThinPool();
    pool.setMetadata(new ObjectMetaBuilder().withName("node-a.runbook").withGeneration(3L).build());
    pool.setStatus(status);
    return pool;
  }

  private static Condition condition(ThinPoolStatus status, String type) {
    return status.conditions.stream()
        .filter(c -> c.getType().equals(type))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void aPlanOnlyOutcomeIsPlannedNotReadyAndListsItsStepsWithReasons() {
    FakeLvmNode node = new FakeLvmNode(DISK, "/dev/sdb");
    PoolEngine.Outcome outcome = new PoolEngine(node).plan(HALF);

    ThinPoolStatus status = ThinPoolStatuses.from(resource(null), outcome, null, T0).after();

    assertThat(status.phase).isEqualTo(ThinPoolPhases.PLANNED);
    assertThat(condition(status, "Ready").getStatus()).isEqualTo("False");
    assertThat(condition(status, "Ready").getReason()).isEqualTo(ConditionTypes.PLAN_WAITING);
    assertThat(status.plannedSteps)
        .extracting(step -> step.command)
        .startsWith(
            "pvcreate /dev/sdb",
            "vgcreate --addtag thinpool.io/managed --addtag thinpool.io/config=engine --addtag thinpool.io/node=node docker /dev/sdb");
    assertThat(status.plannedSteps.get(0).reason).contains("/dev/sdb");
    assertThat(status.pool).isNull();
    assertThat(node.commands()).noneMatch(c -> c.startsWith("pvcreate"));
  }

  @Test
  void theRunbookPoolIsReadyMonitoredButDegradedBecauseAutoextendHasNoRoom() {
    FakeLvmNode node = new FakeLvmNode(DISK, "/dev/sdb");
    PoolEngine.Outcome outcome = new PoolEngine(node).reconcile(PoolSpec.runbook("/dev/sdb"));

    ThinPoolStatus status = ThinPoolStatuses.from(resource(null), outcome, null, T0).after();

    assertThat(status.observedGeneration).isEqualTo(3L);
    assertThat(status.phase).isEqualTo("Degraded");
    assertThat(status.conditions)
        .extracting(Condition::getType)
        .containsExactly("AutoextendReady", "DevicesAccepted", "Healthy", "Monitored", "Ready");
    assertThat(condition(status, "Ready").getStatus()).isEqualTo("True");
    assertThat(condition(status, "Healthy").getReason()).isEqualTo("Healthy");
    assertThat(condition(status, "AutoextendReady").getReason()).isEqualTo("NoRoom");
    assertThat(condition(status, "AutoextendReady").getMessage()).contains("can never fire");
    assertThat(status.pool.size).isEqualTo("1.79Gi");
    assertThat(status.autoextend.state).isEqualTo("NoRoom");
    assertThat(status.autoextend.extensionsObserved).isZero();
  }

  @Test
  void transitionTimesAreKeptUntilAConditionFlipsAndExtensionsAreCounted() {
    FakeLvmNode node = new FakeLvmNode(DISK, "/dev/sdb");
    ThinPoolStatus first =
        ThinPoolStatuses.from(resource(null), new PoolEngine(node).reconcile(HALF), null, T0)
            .after();
    assertThat(first.phase).isEqualTo("Ready");

    node.fill("docker", "thinpool", 85);
    node.autoextend("docker", "thinpool", 20);
    ThinPoolStatus second =
        ThinPoolStatuses.from(
                resource(first), new PoolEngine(node).reconcile(HALF), first.pool.sizeBytes, T1)
            .after();

    assertThat(condition(second, "Ready").getLastTransitionTime()).isEqualTo(T0.toString());
    assertThat(second.autoextend.extensionsObserved).isEqualTo(1);
    assertThat(second.autoextend.lastExtensionTime).isEqualTo(T1.toString());
    assertThat(second.pool.sizeBytes).isGreaterThan(first.pool.sizeBytes);
  }

  @Test
  void whenTheAgentGrowsThePoolToALargerShareThenNoExtensionIsCounted() {
    FakeLvmNode node = new FakeLvmNode(DISK, "/dev/sdb");
    ThinPoolStatus first =
        ThinPoolStatuses.from(resource(null), new PoolEngine(node).reconcile(HALF), null, T0)
            .after();

    PoolSpec larger = HALF.toBuilder().sizes(70, 2).build();
    ThinPoolStatus grown =
        ThinPoolStatuses.from(
                resource(first), new PoolEngine(node).reconcile(larger), first.pool.sizeBytes, T1)
            .after();

    assertThat(grown.pool.sizeBytes).isGreaterThan(first.pool.sizeBytes);
    assertThat(grown.autoextend.extensionsObserved).isZero();
    assertThat(grown.autoextend.lastExtensionTime).isNull();
  }

  @Test
  void aRefusalIsNotReadyWithTheRefusalAsReasonAndMessage() {
    FakeLvmNode node = new FakeLvmNode(DISK, "/dev/sdb").withSignature("/dev/sdb", "ext4");

    ThinPoolStatus status =
        ThinPoolStatuses.from(
                resource(null),
                new PoolEngine(node).reconcile(PoolSpec.runbook("/dev/sdb")),
                null,
                T0)
            .after();

    assertThat(status.phase).isEqualTo("Refused");
    assertThat(condition(status, "Ready").getReason()).isEqualTo("RefusedNoUsableDevice");
    assertThat(condition(status, "Ready").getMessage()).contains("/dev/sdb").contains("ext4");
    assertThat(condition(status, "DevicesAccepted").getStatus()).isEqualTo("False");
    assertThat(status.excludedDevices)
        .singleElement()
        .satisfies(d -> assertThat(d.device).isEqualTo("/dev/sdb"));
  }

  @Test
  void whenObservingFailsTheLastKnownPoolAndExtensionCountAreKept() {
    FakeLvmNode node = new FakeLvmNode(DISK, "/dev/sdb");
    ThinPoolStatus first =
        ThinPoolStatuses.from(resource(null), new PoolEngine(node).reconcile(HALF), null, T0)
            .after();
    first.autoextend.extensionsObserved = 2L;
    PoolEngine broken =
        new PoolEngine(command -> new CommandResult(5, "", "  Can't get lock for docker", false));

    ThinPoolStatus failed =
        ThinPoolStatuses.from(resource(first), broken.reconcile(HALF), first.pool.sizeBytes, T1)
            .after();

    assertThat(failed.phase).isEqualTo("Failed");
    assertThat(condition(failed, "Ready").getReason()).isEqualTo("HostCommandLockContention");
    assertThat(failed.pool.sizeBytes).isEqualTo(first.pool.sizeBytes);
    assertThat(failed.autoextend.extensionsObserved).isEqualTo(2L);
  }

  @Test
  void whenTheFirstObservationFailsThenNothingIsClaimedAboutTheDevices() {
    PoolEngine missingLvm =
        new PoolEngine(command -> new CommandResult(127, "", "lvm: command not found", false));

    ThinPoolStatus failed =
        ThinPoolStatuses.from(resource(null), missingLvm.reconcile(HALF), null, T0).after();

    assertThat(failed.phase).isEqualTo(ThinPoolPhases.FAILED);
    assertThat(failed.conditions)
        .extracting(Condition::getType)
        .containsExactly(ConditionTypes.READY);
    assertThat(failed.excludedDevices).isEmpty();
  }
}
