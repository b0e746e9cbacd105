package io.thinpool.operator.lvm;

import static io.thinpool.operator.testnode.TestVm.disk;
import static org.assertj.core.api.Assertions.assertThat;

import io.thinpool.operator.Tiers;
import io.thinpool.operator.lvm.PoolEngine.Outcome;
import io.thinpool.operator.lvm.PoolEngine.Status;
import io.thinpool.operator.lvm.plan.Plan;
import io.thinpool.operator.lvm.plan.TeardownConsent;
import io.thinpool.operator.lvm.spec.PoolSpec;
import io.thinpool.operator.testnode.TestVm;
import io.thinpool.operator.testnode.TestVmExtension;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Names that move or are taken, on the real kernel of a Debian bookworm node: the spec names a disk
 * by a kernel name, the pool is built there, and then the name means another, blank disk; a
 * device-mapper table someone else made holds the pool's name.
 */
@ExtendWith(TestVmExtension.class)
@Tag(Tiers.KERNEL)
class KernelNamesIT {

  @Test
  void whenTheListedNameNowMeansABlankDiskThenItIsNotPulledIntoTheVolumeGroup(TestVm vm) {
    PoolEngine engine = new PoolEngine(vm);
    assertThat(engine.reconcile(PoolSpec.runbook(disk(0))).status()).isEqualTo(Status.CONVERGED);

    // What the node sees after a reboot that swapped the names: the spec's name is a blank disk.
    Outcome moved = engine.reconcile(PoolSpec.runbook(disk(1)));

    assertThat(moved.status()).isEqualTo(Status.REFUSED);
    assertThat(moved.plan().refusal().reason()).isEqualTo(Plan.Reason.DEVICES_MOVED);
    assertThat(moved.executed()).isEmpty();
    assertThat(vm.must("pvs", "--noheadings", "-o", "pv_name")).doesNotContain(disk(1));
  }

  @Test
  void whenATableLvmDidNotMakeHasThePoolsNameThenItIsKeptAndTheBuildIsRefused(TestVm vm) {
    vm.must(
        "dmsetup", "create", "docker-thinpool", "--uuid", "TEST-not-lvm", "--table", "0 2048 zero");
    PoolSpec destroying = PoolSpec.runbook(disk(0)).toBuilder().destroyExistingData(true).build();
    PoolEngine engine = new PoolEngine(vm);

    Outcome build = engine.reconcile(destroying);
    Outcome teardown = engine.teardown(destroying, TeardownConsent.FORCE);

    assertThat(build.plan().refusal().reason()).isEqualTo(Plan.Reason.NAME_TAKEN);
    assertThat(build.executed()).isEmpty();
    assertThat(teardown.executed()).noneMatch(step -> step.argv().get(0).equals("dmsetup"));
    assertThat(vm.must("dmsetup", "info", "-c", "--noheadings", "-o", "uuid", "docker-thinpool"))
        .contains("TEST-not-lvm");
  }
}
