package io.thinpool.operator.lvm.plan;

import static io.thinpool.operator.lvm.plan.States.runbookPool;
import static org.assertj.core.api.Assertions.assertThat;

import io.thinpool.operator.lvm.observe.HostState;
import io.thinpool.operator.lvm.spec.PoolSpec;
import org.junit.jupiter.api.Test;

/** A profile file belongs to the pools whose settings it holds, and to no other. */
class ProfilePlanningTest {

  /** The runbook's pool on /dev/sdb, with profile docker-thinpool attached and written. */
  private static final HostState RUNBOOK_POOL = runbookPool("/dev/sdb").disk("/dev/sdc").build();

  private static PoolSpec secondPool(int thresholdPercent) {
    return PoolSpec.runbook("/dev/sdc").toBuilder()
        .volumeGroup("other")
        .autoextend(new PoolSpec.AutoextendPolicy("docker-thinpool", thresholdPercent, 20))
        .build();
  }

  @Test
  void whenAnotherPoolsProfileOfTheSameNameHasOtherSettingsThenNothingIsWrittenAndThePlanSaysWhy() {
    Plan plan = PoolPlanner.plan(secondPool(70), RUNBOOK_POOL);

    assertThat(plan.steps()).isEmpty();
    assertThat(plan.refusal().reason()).isEqualTo(Plan.Reason.PROFILE_SHARED);
    assertThat(plan.refusal().message())
        .contains("profile docker-thinpool is attached to docker/thinpool")
        .contains("name another profile");
  }

  @Test
  void whenAnotherPoolsProfileHoldsTheSameSettingsThenBothUseIt() {
    Plan plan = PoolPlanner.plan(secondPool(80), RUNBOOK_POOL);

    assertThat(plan.isRefused()).isFalse();
    assertThat(plan.steps())
        .extracting(Step::intent)
        .doesNotContain(Step.Intent.WRITE_PROFILE_COPY);
  }
}
