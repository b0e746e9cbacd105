package io.thinpool.operator.lvm.plan;

import static io.thinpool.operator.lvm.plan.States.runbookPool;
import static org.assertj.core.api.Assertions.assertThat;

import io.thinpool.operator.lvm.observe.HostState;
import io.thinpool.operator.lvm.observe.PoolContents;
import io.thinpool.operator.lvm.observe.PoolContents.MappedThinDevice;
import io.thinpool.operator.lvm.spec.PoolSpec;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A teardown keeps what a pool holds, LVM's or a container runtime's, unless consented to. */
class TeardownPlannerTest {

  private static final PoolSpec RUNBOOK = PoolSpec.runbook("/dev/sdb");

  /** What containerd's snapshotter leaves: three thin devices LVM does not list, 48 MiB written. */
  private static final PoolContents RUNTIME_DATA =
      new PoolContents(
          true,
          "",
          3,
          48L << 20,
          1,
          0,
          List.of(new MappedThinDevice("runtime-snap-1", false, 0)),
          List.of(1L, 2L, 3L),
          Set.of(),
          "pool-uuid");

  private static HostState poolWith(PoolContents contents) {
    return runbookPool("/dev/sdb").contents(contents).build();
  }

  @Test
  void whenThePoolHoldsARuntimesThinDevicesThenTeardownIsRefusedAndSaysWhatItHolds() {
    Plan plan = PoolPlanner.planTeardown(RUNBOOK, poolWith(RUNTIME_DATA), TeardownConsent.NONE);

    assertThat(plan.steps()).isEmpty();
    assertThat(plan.refusal().reason()).isEqualTo(Plan.Reason.POOL_HOLDS_DATA);
    assertThat(plan.refusal().message())
        .contains("docker/thinpool")
        .contains("3 thin device(s) (3 not LVM's")
        .contains("48 MiB")
        .contains("not open")
        .contains(RUNTIME_DATA.consentToken());
    assertThat(plan.refusal().consentToken()).isEqualTo(RUNTIME_DATA.consentToken());
  }

  @Test
  void whenTheConsentNamesWhatThePoolHoldsNowThenTeardownProceeds() {
    TeardownConsent consent = TeardownConsent.token(RUNTIME_DATA.consentToken());

    Plan plan = PoolPlanner.planTeardown(RUNBOOK, poolWith(RUNTIME_DATA), consent);

    assertThat(plan.isRefused()).isFalse();
    assertThat(plan.steps())
        .extracting(Step::intent)
        .startsWith(Step.Intent.UNMAP_RUNTIME_DEVICE, Step.Intent.REMOVE_VOLUME_GROUP);
    assertThat(plan.steps().get(0).command(java.time.Duration.ofSeconds(1)).argv())
        .containsExactly("dmsetup", "remove", "--", "runtime-snap-1");
  }

  @Test
  void whenThePoolChangedAfterTheConsentThenTheOldTokenDestroysNothing() {
    TeardownConsent consent = TeardownConsent.token(RUNTIME_DATA.consentToken());
    PoolContents oneMore =
        new PoolContents(
            true,
            "",
            4,
            RUNTIME_DATA.usedDataBytes(),
            1,
            0,
            RUNTIME_DATA.mapped(),
            RUNTIME_DATA.thinDeviceIds(),
            Set.of(),
            "pool-uuid");

    Plan plan = PoolPlanner.planTeardown(RUNBOOK, poolWith(oneMore), consent);

    assertThat(plan.refusal().reason()).isEqualTo(Plan.Reason.POOL_HOLDS_DATA);
    assertThat(oneMore.consentToken()).isNotEqualTo(RUNTIME_DATA.consentToken());
  }

  @Test
  void whenAProcessHasThePoolOpenThenTeardownIsRefusedEvenWhenForced() {
    PoolContents open =
        new PoolContents(true, "", 0, 0, 2, 0, List.of(), List.of(), Set.of(), "pool-uuid");

    Plan plan = PoolPlanner.planTeardown(RUNBOOK, poolWith(open), TeardownConsent.FORCE);

    assertThat(plan.refusal().reason()).isEqualTo(Plan.Reason.DEVICE_IN_USE);
    assertThat(plan.refusal().message()).contains("open by 2 process(es)");
  }

  @Test
  void whenAContainerHasOneOfTheRuntimesThinDevicesOpenThenTeardownIsRefusedEvenWhenForced() {
    PoolContents mounted =
        new PoolContents(
            true,
            "",
            1,
            1L << 20,
            1,
            0,
            List.of(new MappedThinDevice("runtime-snap-7", false, 1)),
            List.of(7L),
            Set.of(),
            "pool-uuid");

    Plan plan = PoolPlanner.planTeardown(RUNBOOK, poolWith(mounted), TeardownConsent.FORCE);

    assertThat(plan.refusal().reason()).isEqualTo(Plan.Reason.DEVICE_IN_USE);
    assertThat(plan.refusal().message()).contains("in use: runtime-snap-7");
  }

  @Test
  void whenWhatThePoolHoldsCannotBeReadThenItCountsAsHoldingData() {
    PoolContents unreadable = PoolContents.unreadable("the pool is not active", "pool-uuid");

    Plan refused = PoolPlanner.planTeardown(RUNBOOK, poolWith(unreadable), TeardownConsent.NONE);
    Plan forced = PoolPlanner.planTeardown(RUNBOOK, poolWith(unreadable), TeardownConsent.FORCE);

    assertThat(refused.refusal().reason()).isEqualTo(Plan.Reason.POOL_HOLDS_DATA);
    assertThat(refused.refusal().message()).contains("cannot be read (the pool is not active)");
    assertThat(forced.isRefused()).isFalse();
  }

  @Test
  void whenThePoolIsEmptyThenTeardownNeedsNoConsent() {
    Plan plan =
        PoolPlanner.planTeardown(RUNBOOK, poolWith(PoolContents.empty()), TeardownConsent.NONE);

    assertThat(plan.isRefused()).isFalse();
  }
}
