package io.thinpool.operator.lvm;

import static io.thinpool.operator.testnode.TestVm.disk;
import static org.assertj.core.api.Assertions.assertThat;

import io.thinpool.operator.Tiers;
import io.thinpool.operator.lvm.PoolEngine.Outcome;
import io.thinpool.operator.lvm.PoolEngine.Status;
import io.thinpool.operator.lvm.host.HostCommand;
import io.thinpool.operator.lvm.plan.Plan;
import io.thinpool.operator.lvm.plan.Step;
import io.thinpool.operator.lvm.plan.TeardownConsent;
import io.thinpool.operator.lvm.spec.PoolSpec;
import io.thinpool.operator.testnode.TestVm;
import io.thinpool.operator.testnode.TestVmExtension;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A pool in use by a container runtime, on the real kernel of a Debian bookworm node: thin devices
 * made as containerd's devmapper snapshotter and Docker's devicemapper driver make them, with
 * device-mapper messages that LVM never sees, written to, then closed.
 */
@ExtendWith(TestVmExtension.class)
@Tag(Tiers.KERNEL)
class PoolInUseIT {

  private static final PoolSpec SPEC = PoolSpec.runbook(disk(0));
  private static final String POOL = "docker-thinpool";

  /** 64 MiB in 512-byte sectors: a runtime's thin device (containerd's base_image_size). */
  private static final String SECTORS = Long.toString((64L << 20) / 512);

  /** A thin device as a runtime makes one: a message to the pool, then a table that maps it. */
  private static void createThin(TestVm vm, int id) {
    vm.must("dmsetup", "message", POOL, "0", "create_thin " + id);
  }

  private static String activate(TestVm vm, int id) {
    String name = "runtime-" + id;
    vm.must(
        "dmsetup",
        "create",
        name,
        "--table",
        "0 " + SECTORS + " thin /dev/mapper/" + thinPoolTarget(vm) + " " + id);
    return "/dev/mapper/" + name;
  }

  /** The pool's thin-pool target: LVM stacks its name on a -tpool layer once it has thin LVs. */
  private static String thinPoolTarget(TestVm vm) {
    return vm.run(HostCommand.of("dmsetup", "info", POOL + "-tpool")).succeeded()
        ? POOL + "-tpool"
        : POOL;
  }

  /** What containerd does for a container's layer: a snapshot of a suspended origin. */
  private static void snapshot(TestVm vm, String origin, int id, int originId) {
    vm.must("dmsetup", "suspend", origin);
    vm.must("dmsetup", "message", POOL, "0", "create_snap " + id + " " + originId);
    vm.must("dmsetup", "resume", origin);
  }

  private static String checksum(TestVm vm, String device) {
    return vm.must("sha256sum", device).split("\\s+")[0];
  }

  @Test
  void whenARuntimesThinDevicesHoldDataThenTheEngineCountsThemAndOnlyTheConsentTokenRemovesThem(
      TestVm vm) {
    PoolEngine engine = new PoolEngine(vm);
    assertThat(engine.reconcile(SPEC).status()).isEqualTo(Status.CONVERGED);
    // Ids far from LVM's own (it numbers its thin volumes from 1), as a runtime's would be.
    createThin(vm, 100);
    String image = activate(vm, 100);
    vm.must(
        "dd", "if=/dev/urandom", "of=" + image, "bs=1M", "count=16", "oflag=direct", "status=none");
    snapshot(vm, "runtime-100", 101, 100);
    String written = checksum(vm, image);
    vm.must("dmsetup", "remove", "runtime-100");

    PoolUse use = engine.observe(SPEC).use();

    assertThat(use.readable()).as(use.unreadableReason()).isTrue();
    assertThat(use.thinDevices()).isEqualTo(2);
    assertThat(use.foreignThinDevices()).isEqualTo(2);
    assertThat(use.activeThinDevices()).isZero();
    assertThat(use.mappedBytes()).isGreaterThanOrEqualTo(16L << 20);
    assertThat(use.openers()).isZero();
    assertThat(use.holdsData()).isTrue();

    Outcome refused = engine.teardown(SPEC, TeardownConsent.NONE);

    assertThat(refused.status()).isEqualTo(Status.REFUSED);
    Plan.Refusal refusal = refused.plan().refusal();
    assertThat(refusal.reason()).isEqualTo(Plan.Reason.POOL_HOLDS_DATA);
    assertThat(refusal.message()).contains("2 thin device(s) (2 not LVM's").contains("not open");
    assertThat(refused.executed()).isEmpty();
    assertThat(checksum(vm, activate(vm, 100))).isEqualTo(written);
    vm.must("dmsetup", "remove", "runtime-100");

    // A thin volume LVM makes beside them is one more device, and LVM's: the old token is stale.
    vm.must("lvcreate", "--yes", "-V", "64M", "-T", "docker/thinpool", "-n", "lvmthin");
    vm.must("lvchange", "--activate", "n", "docker/lvmthin");
    PoolUse mixed = engine.observe(SPEC).use();
    assertThat(mixed.thinDevices()).isEqualTo(3);
    assertThat(mixed.foreignThinDevices()).isEqualTo(2);
    Outcome stale = engine.teardown(SPEC, TeardownConsent.token(refusal.consentToken()));
    assertThat(stale.status()).isEqualTo(Status.REFUSED);
    assertThat(vm.must("vgs", "--noheadings", "-o", "vg_name")).contains("docker");

    // The runtime left one of its devices mapped (open by nothing): the consent covers it too.
    activate(vm, 101);
    Outcome consented =
        engine.teardown(SPEC, TeardownConsent.token(stale.plan().refusal().consentToken()));

    assertThat(consented.status())
        .as(String.valueOf(consented.failure()))
        .isEqualTo(Status.CONVERGED);
    assertThat(consented.executed())
        .extracting(Step::intent)
        .startsWith(Step.Intent.UNMAP_RUNTIME_DEVICE, Step.Intent.REMOVE_VOLUME_GROUP);
    assertThat(vm.must("vgs", "--noheadings")).isBlank();
  }

  @Test
  void whenAProcessHoldsThePoolOpenThenEvenAForcedTeardownIsRefusedUntilItLetsGo(TestVm vm) {
    PoolEngine engine = new PoolEngine(vm);
    engine.reconcile(SPEC);
    // A runtime keeps the pool's device open to send it messages.
    vm.must(
        "systemd-run",
        "--quiet",
        "--unit=pool-holder",
        "--",
        "sh",
        "-c",
        "exec sleep 600 < /dev/mapper/" + POOL);
    Outcome refused;
    try {
      vm.must("sleep", "1");
      refused = engine.teardown(SPEC, TeardownConsent.FORCE);
    } finally {
      vm.must("systemctl", "stop", "pool-holder");
    }

    assertThat(refused.status()).isEqualTo(Status.REFUSED);
    assertThat(refused.plan().refusal().reason()).isEqualTo(Plan.Reason.DEVICE_IN_USE);
    assertThat(refused.plan().refusal().message()).contains("open by 1 process(es)");
    assertThat(refused.report().use().openers()).isEqualTo(1);
    assertThat(refused.executed()).isEmpty();
    Outcome removed = engine.teardown(SPEC, TeardownConsent.NONE);

    assertThat(removed.status()).as(String.valueOf(removed.failure())).isEqualTo(Status.CONVERGED);
  }

  @Test
  void whenThePoolsMetadataCannotBeReadThenItCountsAsHoldingDataUntilItCanBe(TestVm vm) {
    PoolEngine engine = new PoolEngine(vm);
    engine.reconcile(SPEC);
    // A backup tool (thin_delta) holding the pool's one metadata snapshot.
    vm.must("dmsetup", "message", POOL, "0", "reserve_metadata_snap");

    Outcome refused = engine.teardown(SPEC, TeardownConsent.NONE);

    assertThat(refused.status()).isEqualTo(Status.REFUSED);
    assertThat(refused.plan().refusal().reason()).isEqualTo(Plan.Reason.POOL_HOLDS_DATA);
    assertThat(refused.report().use().readable()).isFalse();
    assertThat(refused.report().use().unreadableReason()).contains("already held");

    vm.must("dmsetup", "message", POOL, "0", "release_metadata_snap");
    Outcome removed = engine.teardown(SPEC, TeardownConsent.NONE);

    assertThat(removed.status()).as(String.valueOf(removed.failure())).isEqualTo(Status.CONVERGED);
  }

  @Test
  void whenAThinVolumeIsMountedThenRecoveryOfThePoolDropsNothingFromTheMetadata(TestVm vm) {
    PoolEngine engine = new PoolEngine(vm);
    engine.reconcile(SPEC);
    vm.must("lvcreate", "--yes", "-V", "64M", "-T", "docker/thinpool", "-n", "images");
    vm.must("mkfs.ext4", "-q", "/dev/docker/images");
    vm.must("mkdir", "-p", "/mnt/images");
    vm.must("mount", "/dev/docker/images", "/mnt/images");
    Outcome refused;
    try {
      refused = engine.recoverPool(SPEC);

      assertThat(vm.must("lvs", "--noheadings", "-o", "lv_name", "docker"))
          .contains("images")
          .contains("thinpool");
      assertThat(vm.must("findmnt", "-n", "-o", "SOURCE", "/mnt/images")).contains("images");
    } finally {
      vm.must("umount", "/mnt/images");
    }

    assertThat(refused.status()).isEqualTo(Status.REFUSED);
    assertThat(refused.plan().refusal().reason()).isEqualTo(Plan.Reason.DEVICE_IN_USE);
    assertThat(refused.executed()).isEmpty();
  }
}
