package io.thinpool.operator.lvm;

import static io.thinpool.operator.testnode.TestVm.disk;
import static org.assertj.core.api.Assertions.assertThat;

import io.thinpool.operator.Tiers;
import io.thinpool.operator.lvm.PoolEngine.Outcome;
import io.thinpool.operator.lvm.PoolEngine.Status;
import io.thinpool.operator.lvm.host.HostCommand;
import io.thinpool.operator.lvm.plan.Plan;
import io.thinpool.operator.lvm.plan.TeardownConsent;
import io.thinpool.operator.lvm.spec.PoolSpec;
import io.thinpool.operator.testnode.TestVm;
import io.thinpool.operator.testnode.TestVmExtension;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Profile files on the real kernel of a Debian bookworm node: the operator writes and removes only
 * profiles of its own, and two pools with different autoextend settings never share one file.
 */
@ExtendWith(TestVmExtension.class)
@Tag(Tiers.KERNEL)
class ProfileOwnershipIT {

  @Test
  void whenASecondPoolNamesTheFirstsProfileWithOtherSettingsThenItIsRefusedAndTheFileKept(
      TestVm vm) {
    PoolEngine engine = new PoolEngine(vm);
    PoolSpec first = PoolSpec.runbook(disk(0)).toBuilder().sizes(60, 2).build();
    assertThat(engine.reconcile(first).status()).isEqualTo(Status.CONVERGED);
    String written = vm.must("cat", "/etc/lvm/profile/docker-thinpool.profile");
    PoolSpec second =
        PoolSpec.runbook(disk(1)).toBuilder()
            .volumeGroup("other")
            .sizes(60, 2)
            .autoextend(new PoolSpec.AutoextendPolicy("docker-thinpool", 70, 30))
            .build();

    Outcome refused = engine.reconcile(second);

    assertThat(refused.status()).isEqualTo(Status.REFUSED);
    assertThat(refused.plan().refusal().reason()).isEqualTo(Plan.Reason.PROFILE_SHARED);
    assertThat(refused.executed()).isEmpty();
    assertThat(vm.must("cat", "/etc/lvm/profile/docker-thinpool.profile")).isEqualTo(written);
    assertThat(vm.must("vgs", "--noheadings", "-o", "vg_name")).doesNotContain("other");
  }

  @Test
  void whenTwoPoolsShareAProfileWithTheSameSettingsThenTheFileStaysUntilTheLastGoes(TestVm vm) {
    PoolEngine engine = new PoolEngine(vm);
    PoolSpec first = PoolSpec.runbook(disk(0)).toBuilder().sizes(60, 2).build();
    PoolSpec second =
        PoolSpec.runbook(disk(1)).toBuilder().volumeGroup("other").sizes(60, 2).build();
    assertThat(engine.reconcile(first).status()).isEqualTo(Status.CONVERGED);
    assertThat(engine.reconcile(second).status()).isEqualTo(Status.CONVERGED);

    assertThat(engine.teardown(first, TeardownConsent.NONE).status()).isEqualTo(Status.CONVERGED);
    assertThat(vm.must("cat", "/etc/lvm/profile/docker-thinpool.profile"))
        .contains("thin_pool_autoextend_threshold=80");
    assertThat(engine.teardown(second, TeardownConsent.NONE).status()).isEqualTo(Status.CONVERGED);
    assertThat(vm.run(HostCommand.of("cat", "/etc/lvm/profile/docker-thinpool.profile")))
        .extracting(result -> result.succeeded())
        .isEqualTo(false);
  }
}
