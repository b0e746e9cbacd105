package io.thinpool.operator.lvm;

import static io.thinpool.operator.testnode.TestVm.disk;
import static org.assertj.core.api.Assertions.assertThat;

import io.thinpool.operator.Tiers;
import io.thinpool.operator.lvm.PoolEngine.Outcome;
import io.thinpool.operator.lvm.PoolEngine.Status;
import io.thinpool.operator.lvm.plan.Plan;
import io.thinpool.operator.lvm.spec.PoolSpec;
import io.thinpool.operator.testnode.TestVm;
import io.thinpool.operator.testnode.TestVmExtension;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * LVM's devices file on (RHEL 9's default, switched on in a Debian bookworm node's lvm.conf): when
 * the file forgets the pool's disk (a re-imaged root), LVM shows no volume group, and the engine
 * must not take the live pool's disk for a stranger's, even with the destroy flag in the spec.
 */
@ExtendWith(TestVmExtension.class)
@Tag(Tiers.KERNEL)
class DevicesFileIT {

  private static final String LVM_CONF = "/etc/lvm/lvm.conf";

  @Test
  void whenTheDevicesFileForgetsThePoolsDiskThenTheDestroyFlagWipesNothing(TestVm vm) {
    vm.must("cp", LVM_CONF, LVM_CONF + ".thinpool-test");
    try {
      vm.must(
          "lvmconfig", "--mergedconfig", "--config", "devices/use_devicesfile=1", "-f", LVM_CONF);
      vm.must("mkdir", "-p", "/etc/lvm/devices");
      vm.must("touch", "/etc/lvm/devices/system.devices");
      PoolSpec spec =
          PoolSpec.runbook(disk(0)).toBuilder().sizes(60, 2).destroyExistingData(true).build();
      PoolEngine engine = new PoolEngine(vm);
      assertThat(engine.reconcile(spec).status()).isEqualTo(Status.CONVERGED);
      vm.must("lvcreate", "--yes", "-V", "64M", "-T", "docker/thinpool", "-n", "data");
      vm.must(
          "dd",
          "if=/dev/urandom",
          "of=/dev/docker/data",
          "bs=1M",
          "count=8",
          "oflag=direct",
          "status=none");
      vm.must("lvchange", "--activate", "n", "docker/data");
      // A re-imaged root: the devices file is there, empty; LVM shows nothing.
      vm.must("truncate", "-s", "0", "/etc/lvm/devices/system.devices");
      assertThat(vm.must("vgs", "--noheadings")).isBlank();

      Outcome outcome = engine.reconcile(spec);

      assertThat(outcome.status()).isEqualTo(Status.REFUSED);
      assertThat(outcome.plan().refusal().reason()).isEqualTo(Plan.Reason.LVM_CANNOT_SEE);
      assertThat(outcome.executed()).isEmpty();
      vm.must("lvm", "lvmdevices", "--adddev", disk(0));
      assertThat(vm.must("lvs", "--noheadings", "-o", "lv_name", "docker"))
          .contains("thinpool")
          .contains("data");
    } finally {
      vm.must("cp", LVM_CONF + ".thinpool-test", LVM_CONF);
    }
  }
}
