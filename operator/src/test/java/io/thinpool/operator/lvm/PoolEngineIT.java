package io.thinpool.operator.lvm;

import static io.thinpool.operator.testnode.TestVm.disk;
import static org.assertj.core.api.Assertions.assertThat;

import io.thinpool.operator.Tiers;
import io.thinpool.operator.lvm.PoolEngine.Outcome;
import io.thinpool.operator.lvm.PoolEngine.Status;
import io.thinpool.operator.lvm.host.HostCommand;
import io.thinpool.operator.lvm.plan.Plan;
import io.thinpool.operator.lvm.plan.States;
import io.thinpool.operator.lvm.plan.Step;
import io.thinpool.operator.lvm.plan.Step.Intent;
import io.thinpool.operator.lvm.plan.TeardownConsent;
import io.thinpool.operator.lvm.spec.PoolSpec;
import io.thinpool.operator.testnode.TestVm;
import io.thinpool.operator.testnode.TestVmExtension;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The engine against a real kernel: a real Debian node's device-mapper, lvm2 (with udev) and
 * dmeventd. Runs once per node release users run (the subclasses name it), so that every test's
 * name says which lvm2 it proved.
 */
@ExtendWith(TestVmExtension.class)
@Tag(Tiers.KERNEL)
abstract class PoolEngineIT {

  /**
   * Whether this release's run kills the sequence after step {@code k} (each kill costs a reset and
   * two runs, ~10 s under TCG). Every step by default; a release may take a share of them when
   * another release covers every step.
   */
  protected boolean crashTestedAfter(int k) {
    return true;
  }

  @Test
  void whenDiskIsBlankThenTheRunbookPoolIsBuiltMonitoredAndASecondRunChangesNothing(TestVm vm) {
    PoolSpec spec = PoolSpec.runbook(disk(1));

    Outcome first = new PoolEngine(vm).reconcile(spec);

    assertThat(first.status()).as(String.valueOf(first.failure())).isEqualTo(Status.CONVERGED);
    assertThat(first.executed())
        .extracting(Step::intent)
        .containsExactlyElementsOf(States.RUNBOOK_INTENTS);
    PoolReport report = first.report();
    assertThat(report.poolExists()).isTrue();
    assertThat(report.chunkSizeBytes()).isEqualTo(512 * 1024);
    assertThat(report.zeroing()).isFalse();
    assertThat(report.profileAttached()).isTrue();
    assertThat(report.monitored()).isTrue();
    assertThat(report.devices()).containsExactly(disk(1));
    assertThat(vm.volumeGroupTags("docker")).containsExactlyInAnyOrderElementsOf(States.OURS);
    assertThat(
            vm.must("lvs", "--noheadings", "-o", "lv_profile,seg_monitor", "docker/thinpool")
                .strip())
        .isEqualTo("docker-thinpool monitored");
    assertThat(vm.must("cat", "/etc/lvm/profile/docker-thinpool.profile"))
        .contains("thin_pool_autoextend_threshold=80")
        .contains("thin_pool_autoextend_percent=20");

    RecordingRunner counting = new RecordingRunner(vm);
    Outcome second = new PoolEngine(counting).reconcile(spec);
    assertThat(second.status()).isEqualTo(Status.CONVERGED);
    assertThat(second.executed()).isEmpty();
    assertThat(counting.lvmInvocations()).isEqualTo(1);
    assertThat(counting.mutations()).isZero();
  }

  @Test
  void whenTheRunbookSizesFillTheVgThenAutoextendIsReportedAsImpossible(TestVm vm) {
    PoolReport report = new PoolEngine(vm).reconcile(PoolSpec.runbook(disk(1))).report();

    assertThat(report.monitored()).isTrue();
    assertThat(report.autoextendPossible()).isFalse();
    assertThat(report.vgFreeBytes()).isLessThan(report.extensionStepBytes());
    assertThat(report.autoextendReason()).contains("can never fire").contains("docker");
  }

  @Test
  void whenThePoolFillsPastTheThresholdThenDmeventdExtendsItAndTheReportSaysSo(TestVm vm)
      throws InterruptedException {
    PoolSpec spec = PoolSpec.runbook(disk(1)).toBuilder().sizes(40, 2).build();
    PoolEngine engine = new PoolEngine(vm);
    PoolReport before = engine.reconcile(spec).report();
    assertThat(before.autoextendPossible()).as(before.autoextendReason()).isTrue();

    vm.must("lvcreate", "--yes", "-V", "1G", "-T", "docker/thinpool", "-n", "fill");
    long fillMiB = before.poolSizeBytes() * 85 / 100 / (1024 * 1024);
    vm.must(
        "dd",
        "if=/dev/zero",
        "of=/dev/mapper/docker-fill",
        "bs=1M",
        "count=" + fillMiB,
        "oflag=direct",
        "status=none");

    PoolReport after = before;
    for (int i = 0; i < 90 && !after.grewSince(before.poolSizeBytes()); i++) {
      Thread.sleep(1000);
      after = engine.observe(spec);
    }
    assertThat(after.grewSince(before.poolSizeBytes()))
        .as("pool grew within 90 s of passing 80%")
        .isTrue();
    assertThat(after.poolSizeBytes())
        .isGreaterThanOrEqualTo(before.poolSizeBytes() + before.extensionStepBytes());
    assertThat(after.dataPercent()).isLessThan(85.0);
  }

  @Test
  void whenADeviceHoldsAFilesystemThenItIsRefusedByNameUnlessDestroyingDataIsAllowed(TestVm vm) {
    vm.must("mkfs.ext4", "-q", disk(2));
    PoolSpec spec = PoolSpec.runbook(disk(2));

    Outcome refused = new PoolEngine(vm).reconcile(spec);

    assertThat(refused.status()).isEqualTo(Status.REFUSED);
    assertThat(refused.plan().refusal().reason()).isEqualTo(Plan.Reason.NO_USABLE_DEVICE);
    assertThat(refused.plan().refusal().message()).contains(disk(2)).contains("ext4");
    assertThat(refused.executed()).isEmpty();
    assertThat(vm.must("wipefs", "--no-act", "--noheadings", "--output", "TYPE", disk(2)).strip())
        .isEqualTo("ext4");

    Outcome forced =
        new PoolEngine(vm).reconcile(spec.toBuilder().destroyExistingData(true).build());
    assertThat(forced.status()).isEqualTo(Status.CONVERGED);
    assertThat(forced.executed().get(0).argv()).containsExactly("wipefs", "--all", "--", disk(2));
  }

  @Test
  void whenADeviceHasAPartitionTableOrBelongsToAForeignVgThenItIsExcludedAndTheOthersAreUsed(
      TestVm vm) {
    assertThat(
            vm.run(HostCommand.of("sfdisk", "--quiet", disk(2)).withStdin("label: gpt\n,100M\n"))
                .succeeded())
        .isTrue();
    vm.must("vgcreate", "theirs", disk(3));
    PoolSpec spec = PoolSpec.runbook(disk(1), disk(2), disk(3));

    Outcome outcome = new PoolEngine(vm).reconcile(spec);

    assertThat(outcome.status()).isEqualTo(Status.CONVERGED);
    assertThat(outcome.report().devices()).containsExactly(disk(1));
    assertThat(outcome.plan().excludedDevices())
        .extracting(Plan.ExcludedDevice::device)
        .containsExactly(disk(2), disk(3));
    assertThat(outcome.plan().excludedDevices().get(0).reason()).contains("gpt");
    assertThat(outcome.plan().excludedDevices().get(1).reason()).contains("volume group theirs");
    assertThat(vm.must("pvs", "--noheadings", "-o", "vg_name", disk(3)).strip())
        .isEqualTo("theirs");
  }

  @Test
  void whenAPhysicalVolumesVgMetadataIsOnAMissingDiskThenItIsKeptUnlessDestroyingIsAllowed(
      TestVm vm) {
    // A VG whose metadata lives only on disk 2 and whose data is on disk 3; then disk 2 is lost.
    vm.must("pvcreate", "--metadatacopies", "0", disk(3));
    vm.must("vgcreate", "theirs", disk(2), disk(3));
    vm.must("lvcreate", "--yes", "-n", "data", "-l", "100%PVS", "theirs", disk(3));
    vm.must("vgchange", "--activate", "n", "theirs");
    vm.must("wipefs", "--all", "--force", disk(2));
    // LVM marks a PV in use by a VG on the PV itself: lost metadata reads as an unknown VG.
    assertThat(vm.must("pvs", "--noheadings", "-o", "vg_name", disk(3)).strip())
        .isEqualTo("[unknown]");
    PoolSpec spec = PoolSpec.runbook(disk(1), disk(3));

    Outcome kept = new PoolEngine(vm).reconcile(spec);

    assertThat(kept.status()).isEqualTo(Status.CONVERGED);
    assertThat(kept.report().devices()).containsExactly(disk(1));
    assertThat(kept.plan().excludedDevices())
        .singleElement()
        .satisfies(
            excluded -> {
              assertThat(excluded.device()).isEqualTo(disk(3));
              assertThat(excluded.reason())
                  .contains("metadata may be on a missing disk")
                  .contains("destroyExistingData");
            });
    assertThat(vm.must("wipefs", "--no-act", "--noheadings", "--output", "TYPE", disk(3)).strip())
        .isEqualTo("LVM2_member");

    Outcome wiped =
        new PoolEngine(vm).reconcile(spec.toBuilder().destroyExistingData(true).build());

    assertThat(wiped.status()).as(String.valueOf(wiped.failure())).isEqualTo(Status.CONVERGED);
    assertThat(wiped.report().devices()).containsExactlyInAnyOrder(disk(1), disk(3));
  }

  @Test
  void whenAVgOfTheSameNameWasNotMadeByUsThenNothingInItIsModifiedOrRemoved(TestVm vm) {
    vm.must("vgcreate", "docker", disk(1));
    vm.must("lvcreate", "--yes", "-n", "precious", "-L", "64M", "docker");
    PoolSpec spec = PoolSpec.runbook(disk(1));

    Outcome reconcile = new PoolEngine(vm).reconcile(spec);
    Outcome teardown = new PoolEngine(vm).teardown(spec, TeardownConsent.FORCE);

    assertThat(reconcile.status()).isEqualTo(Status.REFUSED);
    assertThat(reconcile.plan().refusal().reason()).isEqualTo(Plan.Reason.FOREIGN_VOLUME_GROUP);
    assertThat(teardown.status()).isEqualTo(Status.REFUSED);
    assertThat(vm.must("lvs", "--noheadings", "-o", "lv_name", "docker").strip())
        .isEqualTo("precious");
  }

  @Test
  void whenTheSequenceIsKilledAfterAnyStepThenTheNextRunConvergesToTheSameState(TestVm vm) {
    PoolSpec spec = PoolSpec.runbook(disk(1)).toBuilder().sizes(60, 5).build();
    Outcome reference = new PoolEngine(vm).reconcile(spec);
    assertThat(reference.status()).isEqualTo(Status.CONVERGED);
    int steps = reference.executed().size();
    assertThat(steps).isGreaterThanOrEqualTo(9);

    for (int k = 1; k < steps; k++) {
      if (!crashTestedAfter(k)) {
        continue;
      }
      vm.reset();
      Outcome crashed = new PoolEngine(new RecordingRunner(vm, k)).reconcile(spec);
      assertThat(crashed.status()).as("run killed after step %d", k).isEqualTo(Status.FAILED);

      Outcome resumed = new PoolEngine(vm).reconcile(spec);

      assertThat(resumed.status())
          .as("resumed after step %d: %s", k, resumed.failure())
          .isEqualTo(Status.CONVERGED);
      assertThat(comparable(resumed.report()))
          .as("state after a crash at step %d", k)
          .isEqualTo(comparable(reference.report()));
      assertThat(new PoolEngine(vm).reconcile(spec).executed())
          .as("third run after a crash at step %d", k)
          .isEmpty();
    }
  }

  @Test
  void whenADeviceIsAddedOrTheDataShareGrowsThenTheVgAndPoolGrow(TestVm vm) {
    PoolSpec one = PoolSpec.runbook(disk(1)).toBuilder().sizes(50, 2).build();
    PoolEngine engine = new PoolEngine(vm);
    PoolReport small = engine.reconcile(one).report();

    Outcome twoDevices = engine.reconcile(one.toBuilder().devices(disk(1), disk(2)).build());
    assertThat(twoDevices.status()).isEqualTo(Status.CONVERGED);
    assertThat(twoDevices.executed())
        .extracting(Step::intent)
        .containsExactly(
            Intent.CREATE_PHYSICAL_VOLUME, Intent.EXTEND_VOLUME_GROUP, Intent.GROW_POOL);
    assertThat(twoDevices.report().devices()).containsExactlyInAnyOrder(disk(1), disk(2));
    assertThat(twoDevices.report().poolSizeBytes()).isGreaterThan(small.poolSizeBytes() * 19 / 10);

    Outcome larger =
        engine.reconcile(one.toBuilder().devices(disk(1), disk(2)).sizes(70, 2).build());
    assertThat(larger.executed()).extracting(Step::intent).containsExactly(Intent.GROW_POOL);
    assertThat(larger.report().poolSizeBytes()).isGreaterThan(twoDevices.report().poolSizeBytes());
  }

  @Test
  void whenMonitoringIsOffOrTheProfileDriftsThenTheyAreRestored(TestVm vm) {
    PoolSpec spec = PoolSpec.runbook(disk(1));
    PoolEngine engine = new PoolEngine(vm);
    engine.reconcile(spec);
    vm.must("lvchange", "--monitor", "n", "docker/thinpool");
    assertThat(engine.observe(spec).monitored()).isFalse();

    Outcome restored =
        engine.reconcile(
            spec.toBuilder()
                .autoextend(new PoolSpec.AutoextendPolicy("docker-thinpool", 70, 30))
                .build());

    assertThat(restored.status()).isEqualTo(Status.CONVERGED);
    assertThat(restored.executed())
        .extracting(Step::intent)
        .containsExactly(
            Intent.MAKE_PROFILE_DIRECTORY,
            Intent.WRITE_PROFILE_COPY,
            Intent.PUT_PROFILE_IN_PLACE,
            Intent.ENABLE_MONITORING);
    assertThat(restored.report().monitored()).isTrue();
    assertThat(vm.must("cat", "/etc/lvm/profile/docker-thinpool.profile"))
        .contains("threshold=70")
        .contains("percent=30");
  }

  @Test
  void whenTearingDownThenThinVolumesBlockUnlessForcedAndNothingOfOursRemains(TestVm vm) {
    PoolSpec spec = PoolSpec.runbook(disk(1), disk(2));
    PoolEngine engine = new PoolEngine(vm);
    engine.reconcile(spec);
    vm.must("lvcreate", "--yes", "-V", "256M", "-T", "docker/thinpool", "-n", "data");

    Outcome blocked = engine.teardown(spec, TeardownConsent.NONE);
    assertThat(blocked.status()).isEqualTo(Status.REFUSED);
    assertThat(blocked.plan().refusal().message()).contains("data");
    assertThat(vm.must("lvs", "--noheadings", "-o", "lv_name", "docker")).contains("data");

    Outcome forced = engine.teardown(spec, TeardownConsent.FORCE);
    assertThat(forced.status()).as(String.valueOf(forced.failure())).isEqualTo(Status.CONVERGED);
    assertThat(vm.must("vgs", "--noheadings")).isBlank();
    assertThat(vm.must("pvs", "--noheadings")).isBlank();
    assertThat(vm.run(HostCommand.of("cat", "/etc/lvm/profile/docker-thinpool.profile")).exitCode())
        .isNotZero();
    assertThat(engine.teardown(spec, TeardownConsent.NONE).executed()).isEmpty();
  }

  @Test
  void whenDeviceMapperLeftoversOfAStuckPoolHoldTheDiskThenTheyAreRemovedAndThePoolRebuilt(
      TestVm vm) {
    // What a failed removal leaves: the pool's tables still loaded, LVM knowing nothing of them,
    // each with the UUID LVM gives its tables (the VG's UUID, then the LV's).
    vm.must(
        "dmsetup",
        "create",
        "docker-thinpool_tmeta",
        "--uuid",
        lvmUuid("1"),
        "--table",
        "0 16384 linear " + disk(1) + " 2048");
    vm.must(
        "dmsetup",
        "create",
        "docker-thinpool_tdata",
        "--uuid",
        lvmUuid("2"),
        "--table",
        "0 409600 linear " + disk(1) + " 18432");
    // By major:minor: without udev in the guest there are no /dev/mapper nodes to name them by.
    String tmeta = majorMinor(vm, "docker-thinpool_tmeta");
    String tdata = majorMinor(vm, "docker-thinpool_tdata");
    vm.must(
        "dmsetup",
        "create",
        "docker-thinpool",
        "--uuid",
        lvmUuid("3") + "-tpool",
        "--table",
        "0 409600 thin-pool " + tmeta + " " + tdata + " 1024 0");
    PoolSpec spec = PoolSpec.runbook(disk(1));

    Outcome outcome = new PoolEngine(vm).reconcile(spec);

    assertThat(outcome.status()).as(String.valueOf(outcome.failure())).isEqualTo(Status.CONVERGED);
    assertThat(outcome.executed().subList(0, 3))
        .extracting(s -> s.argv().get(2))
        .containsExactly("docker-thinpool", "docker-thinpool_tmeta", "docker-thinpool_tdata");
    assertThat(outcome.report().monitored()).isTrue();
  }

  /**
   * A device-mapper UUID as LVM makes them: LVM-, the VG's UUID, the LV's (ending in {@code lv}).
   */
  private static String lvmUuid(String lv) {
    return "LVM-" + "V".repeat(32) + "L".repeat(31) + lv;
  }

  @Test
  void whenAStuckPoolIsRecoveredThenItsVolumesAreDroppedFromTheMetadataAndThePoolRebuilt(
      TestVm vm) {
    PoolSpec spec = PoolSpec.runbook(disk(1)).toBuilder().sizes(60, 2).build();
    PoolEngine engine = new PoolEngine(vm);
    engine.reconcile(spec);
    vm.must("lvcreate", "--yes", "-V", "128M", "-T", "docker/thinpool", "-n", "images");

    Outcome recovered = engine.recoverPool(spec);

    assertThat(recovered.status())
        .as(String.valueOf(recovered.failure()))
        .isEqualTo(Status.CONVERGED);
    assertThat(recovered.executed())
        .extracting(Step::intent)
        .startsWith(
            Intent.MAKE_BACKUP_DIRECTORY,
            Intent.BACK_UP_METADATA,
            Intent.WRITE_METADATA_WITHOUT_POOL,
            Intent.RESTORE_METADATA_WITHOUT_POOL)
        .contains(Intent.CREATE_DATA_VOLUME, Intent.CONVERT_TO_POOL);
    assertThat(vm.must("lvs", "--noheadings", "-o", "lv_name", "docker").strip())
        .isEqualTo("thinpool");
    assertThat(vm.must("dmsetup", "info", "-c", "--noheadings", "-o", "name"))
        .doesNotContain("docker-images");
    String backup = recovered.executed().get(1).argv().get(2);
    assertThat(vm.must("cat", backup)).contains("images {");
    assertThat(recovered.report().monitored()).isTrue();
    assertThat(engine.reconcile(spec).executed()).isEmpty();
  }

  @Test
  void whenRecoveryIsAskedForAVgThatIsNotOursThenNothingIsTouched(TestVm vm) {
    vm.must("vgcreate", "docker", disk(1));

    Outcome outcome = new PoolEngine(vm).recoverPool(PoolSpec.runbook(disk(1)));

    assertThat(outcome.status()).isEqualTo(Status.REFUSED);
    assertThat(outcome.executed()).isEmpty();
  }

  private static String majorMinor(TestVm vm, String dmName) {
    return vm.must(
            "dmsetup",
            "info",
            "-c",
            "--noheadings",
            "-o",
            "major,minor",
            "--separator",
            ":",
            dmName)
        .strip();
  }

  /** The parts of a report that must not depend on how the pool got built. */
  private static List<Object> comparable(PoolReport report) {
    return List.of(
        report.vgSizeBytes(),
        report.vgFreeBytes(),
        report.devices(),
        report.poolSizeBytes(),
        report.metadataSizeBytes(),
        report.chunkSizeBytes(),
        report.zeroing(),
        report.profileAttached(),
        report.monitored(),
        report.autoextendPossible());
  }
}
