package io.thinpool.operator.lvm.plan;

import static io.thinpool.operator.lvm.plan.States.runbookPool;
import static org.assertj.core.api.Assertions.assertThat;

import io.thinpool.operator.lvm.observe.HostState;
import io.thinpool.operator.lvm.spec.PoolSpec;
import org.junit.jupiter.api.Test;

/** /dev/sdb may name another disk after a reboot: a disk that took the name is never pulled in. */
class KernelNamesMoveTest {

  @Test
  void whenTheVgsDiskIsNoLongerUnderTheListedNameThenTheBlankDiskThatTookItIsNotAdded() {
    // Built on /dev/sdb; after a reboot that disk is /dev/sdc and a blank one is /dev/sdb.
    HostState renamed = runbookPool("/dev/sdc").disk("/dev/sdb").build();

    Plan plan = PoolPlanner.plan(PoolSpec.runbook("/dev/sdb"), renamed);

    assertThat(plan.steps()).isEmpty();
    assertThat(plan.refusal().reason()).isEqualTo(Plan.Reason.DEVICES_MOVED);
    assertThat(plan.refusal().message())
        .contains("is on /dev/sdc")
        .contains("would add /dev/sdb")
        .contains("/dev/disk/by-id");
  }

  @Test
  void whenTheSpecListsTheVgsDisksAndANewOneThenTheNewOneIsAdded() {
    HostState state = runbookPool("/dev/sdb").disk("/dev/sdc").build();

    Plan plan = PoolPlanner.plan(PoolSpec.runbook("/dev/sdb", "/dev/sdc"), state);

    assertThat(plan.isRefused()).isFalse();
    assertThat(plan.steps())
        .extracting(Step::intent)
        .contains(Step.Intent.CREATE_PHYSICAL_VOLUME, Step.Intent.EXTEND_VOLUME_GROUP);
  }
}
