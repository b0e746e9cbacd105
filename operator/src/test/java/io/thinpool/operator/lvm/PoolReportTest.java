package io.thinpool.operator.lvm;

import static io.thinpool.operator.lvm.plan.States.node;
import static io.thinpool.operator.lvm.plan.States.pool;
import static io.thinpool.operator.lvm.plan.States.runbookPool;
import static io.thinpool.operator.lvm.plan.States.thin;
import static org.assertj.core.api.Assertions.assertThat;

import io.thinpool.operator.lvm.observe.HostState;
import io.thinpool.operator.lvm.observe.HostState.LogicalVolume;
import io.thinpool.operator.lvm.plan.States;
import io.thinpool.operator.lvm.spec.PoolSpec;
import org.junit.jupiter.api.Test;

class PoolReportTest {

  private static final PoolSpec RUNBOOK = PoolSpec.runbook("/dev/sdb");

  @Test
  void whenTheVgHasLessFreeThanOneExtensionThenAutoextendCannotFireAndTheReasonSaysWhy() {
    PoolReport report = PoolReport.of(RUNBOOK, runbookPool("/dev/sdb").build());

    assertThat(report.monitored()).isTrue();
    assertThat(report.vgFreeBytes()).isEqualTo(8 * States.MIB);
    assertThat(report.extensionStepBytes())
        .isEqualTo(92 * States.EXTENT); // 20% of 459 extents, rounded up
    assertThat(report.autoextendPossible()).isFalse();
    assertThat(report.autoextendReason())
        .contains("8 MiB free")
        .contains("can never fire")
        .contains("dataPercentOfVg");
  }

  @Test
  void whenTheVgHasRoomThenAutoextendCanFireAndTheReportCountsTheSteps() {
    HostState state =
        States.ourVg(250, pool("thinpool", 250, "docker-thinpool", true)).runbookProfile().build();

    PoolReport report = PoolReport.of(RUNBOOK, state);

    assertThat(report.autoextendPossible()).isTrue();
    assertThat(report.autoextendReason()).contains("room for 3 extension(s)");
  }

  @Test
  void whenNotMonitoredOrDisabledOrDetachedThenAutoextendCannotFire() {
    HostState unmonitored =
        States.ourVg(250, pool("thinpool", 250, "docker-thinpool", false)).build();
    HostState detached = States.ourVg(250, pool("thinpool", 250, "", true)).build();
    HostState roomy = States.ourVg(250, pool("thinpool", 250, "docker-thinpool", true)).build();

    assertThat(PoolReport.of(RUNBOOK, unmonitored).autoextendReason()).contains("not monitoring");
    HostState unmonitoredFull =
        States.ourVg(2, pool("thinpool", 250, "docker-thinpool", false)).build();
    assertThat(PoolReport.of(RUNBOOK, unmonitoredFull).autoextend())
        .isEqualTo(PoolReport.AutoextendState.NOT_MONITORED);
    assertThat(PoolReport.of(RUNBOOK, unmonitoredFull).autoextendPossible()).isFalse();
    assertThat(PoolReport.of(RUNBOOK, detached).autoextendReason()).contains("not attached");
    PoolSpec disabled =
        RUNBOOK.toBuilder()
            .autoextend(new PoolSpec.AutoextendPolicy("docker-thinpool", 100, 20))
            .build();
    assertThat(PoolReport.of(disabled, roomy).autoextendReason()).contains("disabled");
    assertThat(PoolReport.of(RUNBOOK, node().build()).autoextendReason())
        .contains("does not exist");
  }

  @Test
  void whenDmeventdIsNotMonitoringButThereIsRoomThenTheAgentExtendsAndSaysSo() {
    PoolReport report =
        PoolReport.of(
            RUNBOOK, States.ourVg(250, pool("thinpool", 250, "docker-thinpool", false)).build());

    assertThat(report.autoextend()).isEqualTo(PoolReport.AutoextendState.AGENT_EXTENDS);
    assertThat(report.autoextendPossible()).isTrue();
    assertThat(report.autoextendReason()).contains("lvextend --use-policies").contains("dm-event");
  }

  @Test
  void aLargerPoolThanBeforeMeansAnExtensionHappened() {
    PoolReport before =
        PoolReport.of(
            RUNBOOK, States.ourVg(250, pool("thinpool", 250, "docker-thinpool", true)).build());
    PoolReport after =
        PoolReport.of(
            RUNBOOK, States.ourVg(200, pool("thinpool", 300, "docker-thinpool", true)).build());

    assertThat(after.grewSince(before.poolSizeBytes())).isTrue();
    assertThat(before.grewSince(after.poolSizeBytes())).isFalse();
    assertThat(PoolReport.of(RUNBOOK, node().build()).grewSince(0)).isFalse();
  }

  @Test
  void whenThePoolHasThinVolumesThenItsTargetIsOnTheTpoolLayer() {
    LogicalVolume pool = pool("thinpool", 250, "docker-thinpool", true);

    PoolReport alone = PoolReport.of(RUNBOOK, States.ourVg(250, pool).build());
    PoolReport used =
        PoolReport.of(RUNBOOK, States.ourVg(250, pool, thin("fill", "thinpool")).build());

    assertThat(alone.targetDeviceName()).isEqualTo("docker-thinpool");
    assertThat(used.targetDeviceName()).isEqualTo("docker-thinpool-tpool");
  }

  @Test
  void whenAMonitoredPoolIsPastItsThresholdThenDmeventdsExtensionIsDue() {
    LogicalVolume pool = pool("thinpool", 250, "docker-thinpool", true);
    LogicalVolume past = States.changed(pool, pool.attr(), 85.0, pool.metadataSizeBytes());
    LogicalVolume unmonitored = pool("thinpool", 250, "docker-thinpool", false);

    assertThat(report(pool).extensionByDmeventdDue()).isFalse();
    assertThat(report(past).extensionByDmeventdDue()).isTrue();
    assertThat(report(States.withMetadataPercent(pool, 80.0)).extensionByDmeventdDue()).isTrue();
    assertThat(
            report(States.changed(unmonitored, unmonitored.attr(), 85.0, 0))
                .extensionByDmeventdDue())
        .as("unmonitored: the agent's own policy step, not dmeventd")
        .isFalse();
  }

  private static PoolReport report(LogicalVolume pool) {
    return PoolReport.of(RUNBOOK, States.ourVg(250, pool).runbookProfile().build());
  }
}
