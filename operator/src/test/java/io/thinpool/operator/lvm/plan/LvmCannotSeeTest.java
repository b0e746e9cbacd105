package io.thinpool.operator.lvm.plan;

import static io.thinpool.operator.lvm.plan.States.node;
import static org.assertj.core.api.Assertions.assertThat;

import io.thinpool.operator.lvm.observe.HostState;
import io.thinpool.operator.lvm.spec.PoolSpec;
import org.junit.jupiter.api.Test;

/** A disk whose LVM label LVM does not show may hold this very pool: it is never wiped. */
class LvmCannotSeeTest {

  /** The pool's disk after its devices file was reset: a label, its tables live, no VG listed. */
  private static final HostState HIDDEN =
      node()
          .disk("/dev/sdb")
          .signature("/dev/sdb", "LVM2_member")
          .dm("docker-thinpool", 0)
          .dm("docker-thinpool_tdata", 1)
          .dm("docker-thinpool_tmeta", 1)
          .build();

  @Test
  void whenLvmDoesNotShowAListedDisksLabelThenNothingIsWipedEvenWithTheDestroyFlag() {
    Plan plan =
        PoolPlanner.plan(
            PoolSpec.runbook("/dev/sdb").toBuilder().destroyExistingData(true).build(), HIDDEN);

    assertThat(plan.steps()).isEmpty();
    assertThat(plan.refusal().reason()).isEqualTo(Plan.Reason.LVM_CANNOT_SEE);
    assertThat(plan.refusal().message())
        .contains("/dev/sdb carries an LVM physical-volume label that LVM does not show")
        .contains("devices file")
        .contains("lvm lvmdevices --adddev");
  }

  @Test
  void whenLvmShowsTheLabelAsAnOrphanThenTheDiskIsUsedAsBefore() {
    HostState orphan =
        node().disk("/dev/sdb").signature("/dev/sdb", "LVM2_member").pv("/dev/sdb", "").build();

    Plan plan = PoolPlanner.plan(PoolSpec.runbook("/dev/sdb"), orphan);

    assertThat(plan.isRefused()).isFalse();
  }
}
