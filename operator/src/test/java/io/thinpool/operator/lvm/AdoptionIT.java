package io.thinpool.operator.lvm;

import static io.thinpool.operator.testnode.TestVm.disk;
import static org.assertj.core.api.Assertions.assertThat;

import io.thinpool.operator.Tiers;
import io.thinpool.operator.lvm.PoolEngine.Outcome;
import io.thinpool.operator.lvm.PoolEngine.Status;
import io.thinpool.operator.lvm.host.CommandResult;
import io.thinpool.operator.lvm.host.HostCommand;
import io.thinpool.operator.lvm.plan.Plan;
import io.thinpool.operator.lvm.plan.States;
import io.thinpool.operator.lvm.plan.Step;
import io.thinpool.operator.lvm.plan.Step.Intent;
import io.thinpool.operator.lvm.plan.TeardownConsent;
import io.thinpool.operator.lvm.spec.PoolOwner;
import io.thinpool.operator.lvm.spec.PoolSpec;
import io.thinpool.operator.testnode.TestVm;
import io.thinpool.operator.testnode.TestVmExtension;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Adopting a pool an admin made by hand with the runbook, on a real Debian node (bookworm): the
 * runbook's own commands, a thin volume with data on it, then the engine. Names with a dash inside
 * prove device-mapper's escaping on the real kernel too.
 */
@ExtendWith(TestVmExtension.class)
@Tag(Tiers.KERNEL)
class AdoptionIT {

  private static final String VG = "docker-lvm";
  private static final String POOL = "thin-pool";
  private static final String THIN_DEVICE = "/dev/mapper/docker--lvm-images";

  /** The runbook's sizes (95% and 1% of the VG) and names, on one disk. */
  private static final PoolSpec RUNBOOK_AS_TYPED =
      PoolSpec.runbook(disk(1)).toBuilder()
          .volumeGroup(VG)
          .poolName(POOL)
          .metadataName(POOL + "meta")
          .sizes(95, 1)
          .build();

  /** What an admin did on the node: the runbook up to the pool, then a thin volume with data. */
  private static void runbookByHand(TestVm vm) {
    for (HostCommand command : RunbookByHand.toThePool(disk(1), VG, POOL, 95, 1)) {
      vm.must(command.argv().toArray(String[]::new));
    }
    thinVolumeWithData(vm, "thinpool-operator adoption test data\n");
    // No profile written, and dmeventd told to look away (after the thin volume: activating it
    // registers the pool again): what adoption has to put right.
    vm.must("lvchange", "--monitor", "n", VG + "/" + POOL);
  }

  /** A thin volume "images" in the pool, written with zeros and then {@code line} repeated. */
  private static void thinVolumeWithData(TestVm vm, String line) {
    vm.must("lvcreate", "--yes", "-V", "64M", "-T", VG + "/" + POOL, "-n", "images");
    vm.must(
        "dd",
        "if=/dev/zero",
        "of=" + THIN_DEVICE,
        "bs=1M",
        "count=16",
        "oflag=direct",
        "status=none");
    // Not only zeros: a thin volume reads unprovisioned blocks as zeros, so zeros alone would
    // not tell a kept volume from a recreated one.
    CommandResult written =
        vm.run(
            HostCommand.of("dd", "of=" + THIN_DEVICE, "bs=4096", "conv=fsync", "status=none")
                .withStdin(line.repeat(1000)));
    assertThat(written.succeeded()).as(written.stderr()).isTrue();
  }

  private static String checksum(TestVm vm) {
    return vm.must("sha256sum", THIN_DEVICE).split(" ")[0];
  }

  @Test
  void aRunbookPoolIsRefusedWithoutTheOptInAndAdoptedWithItWithItsDataIntact(TestVm vm) {
    runbookByHand(vm);
    String before = checksum(vm);
    PoolEngine engine = new PoolEngine(vm);

    Outcome refused = engine.reconcile(RUNBOOK_AS_TYPED);
    Outcome mismatched =
        engine.reconcile(
            RUNBOOK_AS_TYPED.toBuilder().devices(disk(1), disk(2)).adoptExisting(true).build());
    Outcome adopted = engine.reconcile(RUNBOOK_AS_TYPED.toBuilder().adoptExisting(true).build());

    assertThat(refused.status()).isEqualTo(Status.REFUSED);
    assertThat(refused.plan().refusal().reason()).isEqualTo(Plan.Reason.FOREIGN_VOLUME_GROUP);
    assertThat(mismatched.status()).isEqualTo(Status.REFUSED);
    assertThat(mismatched.plan().refusal().message())
        .contains("devices lists " + disk(2) + ", which it is not on");
    assertThat(refused.executed()).isEmpty();
    assertThat(mismatched.executed()).isEmpty();

    assertThat(adopted.status()).as(String.valueOf(adopted.failure())).isEqualTo(Status.CONVERGED);
    assertThat(adopted.executed())
        .extracting(Step::intent)
        .containsExactly(
            Intent.ADOPT_VOLUME_GROUP,
            Intent.MAKE_PROFILE_DIRECTORY,
            Intent.WRITE_PROFILE_COPY,
            Intent.PUT_PROFILE_IN_PLACE,
            Intent.ATTACH_PROFILE,
            Intent.ENABLE_MONITORING);
    assertThat(adopted.executed().get(0).why()).contains("images (kept as they are)");
    assertThat(checksum(vm)).isEqualTo(before);
    assertThat(vm.must("head", "-c", "36", THIN_DEVICE))
        .isEqualTo("thinpool-operator adoption test data");
    assertThat(vm.volumeGroupTags(VG)).containsExactlyInAnyOrderElementsOf(States.OURS);
    assertThat(
            vm.must("lvs", "--noheadings", "-o", "lv_profile,seg_monitor", VG + "/" + POOL).strip())
        .isEqualTo("docker-thinpool monitored");
    PoolReport report = adopted.report();
    assertThat(report.autoextend()).isNotEqualTo(PoolReport.AutoextendState.NOT_MONITORED);
    assertThat(report.deviceMapperName()).isEqualTo("docker--lvm-thin--pool");
    assertThat(report.devicePath()).isEqualTo("/dev/mapper/docker--lvm-thin--pool");
    assertThat(vm.run(HostCommand.of("test", "-b", report.devicePath())).succeeded())
        .as("%s is a block device on the node", report.devicePath())
        .isTrue();
    assertThat(
            vm.must("lvs", "--noheadings", "-o", "lv_name", VG).lines().map(String::strip).toList())
        .containsExactlyInAnyOrder(POOL, "images");

    assertThat(engine.reconcile(RUNBOOK_AS_TYPED).executed())
        .as("once adopted, the VG is ours: the opt-in is no longer needed")
        .isEmpty();
    assertThat(checksum(vm)).isEqualTo(before);
  }

  @Test
  void aVgThatHoldsMoreThanThePoolIsNotAdopted(TestVm vm) {
    runbookByHand(vm);
    vm.must("lvcreate", "--yes", "-n", "precious", "-L", "8M", VG);

    Outcome outcome =
        new PoolEngine(vm).reconcile(RUNBOOK_AS_TYPED.toBuilder().adoptExisting(true).build());

    assertThat(outcome.status()).isEqualTo(Status.REFUSED);
    assertThat(outcome.plan().refusal().reason()).isEqualTo(Plan.Reason.ADOPTION_MISMATCH);
    assertThat(outcome.plan().refusal().message()).contains("precious");
    assertThat(vm.must("vgs", "--noheadings", "-o", "vg_tags", VG)).isBlank();
    assertThat(List.of(vm.must("lvs", "--noheadings", "-o", "lv_name", VG).split("\\s+")))
        .contains("precious", "images");
  }

  @Test
  void anotherConfigsPoolIsTakenOnlyByAdoptionAndAnotherNodesIsNeverTouchedEvenWithForce(
      TestVm vm) {
    PoolSpec first = RUNBOOK_AS_TYPED.toBuilder().owner(new PoolOwner("first", "n1")).build();
    PoolEngine engine = new PoolEngine(vm);
    assertThat(engine.reconcile(first).status()).isEqualTo(Status.CONVERGED);
    thinVolumeWithData(vm, "first config's data\n");
    String before = checksum(vm);

    // The same disk seen from another node (shared or moved): nothing, whatever the spec allows.
    PoolSpec otherNode =
        first.toBuilder()
            .owner(new PoolOwner("first", "n2"))
            .adoptExisting(true)
            .destroyExistingData(true)
            .build();
    Outcome fromOtherNode = engine.reconcile(otherNode);
    Outcome teardownFromOtherNode = engine.teardown(otherNode, TeardownConsent.FORCE);
    assertThat(fromOtherNode.plan().refusal().reason()).isEqualTo(Plan.Reason.OWNED_BY_OTHER_NODE);
    assertThat(teardownFromOtherNode.plan().refusal().reason())
        .isEqualTo(Plan.Reason.OWNED_BY_OTHER_NODE);
    assertThat(fromOtherNode.executed()).isEmpty();
    assertThat(teardownFromOtherNode.executed()).isEmpty();

    // A second config on the same node: refused, then adopted by opt-in, data kept.
    PoolSpec second = first.toBuilder().owner(new PoolOwner("second", "n1")).build();
    Outcome refused = engine.reconcile(second);
    Outcome adopted = engine.reconcile(second.toBuilder().adoptExisting(true).build());
    assertThat(refused.plan().refusal().reason()).isEqualTo(Plan.Reason.OWNED_BY_OTHER_CONFIG);
    assertThat(refused.executed()).isEmpty();
    assertThat(adopted.status()).as(String.valueOf(adopted.failure())).isEqualTo(Status.CONVERGED);
    assertThat(adopted.executed())
        .extracting(Step::intent)
        .containsExactly(Intent.ADOPT_VOLUME_GROUP);
    assertThat(vm.volumeGroupTags(VG))
        .containsExactlyInAnyOrder(
            "thinpool.io/managed", "thinpool.io/config=second", "thinpool.io/node=n1");

    // The first config, its pool now the second's, removes nothing at its own teardown.
    Outcome teardownByFirst = engine.teardown(first, TeardownConsent.FORCE);
    assertThat(teardownByFirst.plan().refusal().reason())
        .isEqualTo(Plan.Reason.OWNED_BY_OTHER_CONFIG);
    assertThat(teardownByFirst.executed()).isEmpty();
    assertThat(checksum(vm)).isEqualTo(before);
  }
}
