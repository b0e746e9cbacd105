package io.thinpool.operator.lvm;

import static io.thinpool.operator.testnode.TestVm.disk;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.thinpool.operator.Tiers;
import io.thinpool.operator.api.ConditionTypes;
import io.thinpool.operator.api.ThinPool;
import io.thinpool.operator.api.ThinPoolPhases;
import io.thinpool.operator.api.ThinPoolStatus;
import io.thinpool.operator.lvm.PoolEngine.Outcome;
import io.thinpool.operator.lvm.PoolEngine.Status;
import io.thinpool.operator.lvm.host.FailureKind;
import io.thinpool.operator.lvm.host.HostCommand;
import io.thinpool.operator.lvm.observe.PoolHealth;
import io.thinpool.operator.lvm.plan.Step;
import io.thinpool.operator.lvm.plan.Step.Intent;
import io.thinpool.operator.lvm.spec.PoolSpec;
import io.thinpool.operator.rules.PoolRules;
import io.thinpool.operator.status.Conditions;
import io.thinpool.operator.status.RepairRequest;
import io.thinpool.operator.status.ThinPoolStatuses;
import io.thinpool.operator.testnode.TestVm;
import io.thinpool.operator.testnode.TestVmExtension;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A pool in trouble, on the real kernel of a Debian bookworm node: what LVM and device-mapper say
 * when a pool is oversized, full, stuck or damaged, and what the engine makes of it.
 */
@ExtendWith(TestVmExtension.class)
@Tag(Tiers.KERNEL)
class PoolTroubleIT {

  private long started;

  @BeforeEach
  void startClock() {
    started = System.nanoTime();
  }

  @AfterEach
  void printDuration(org.junit.jupiter.api.TestInfo test) {
    System.out.printf(
        "PoolTroubleIT.%s: %d ms%n",
        test.getTestMethod().orElseThrow().getName(), (System.nanoTime() - started) / 1_000_000);
  }

  @Test
  void whenTheRunbooksMetadataShareExceedsLvmsMaximumThenTheMetadataLvIsClampedAndNoted(TestVm vm) {
    Outcome outcome = new PoolEngine(vm).reconcile(PoolSpec.runbook(TestVm.LARGE_DISK));

    assertThat(outcome.status()).as(String.valueOf(outcome.failure())).isEqualTo(Status.CONVERGED);
    assertThat(outcome.report().metadataSizeBytes()).isEqualTo(PoolRules.METADATA_SIZE_MAX_BYTES);
    assertThat(outcome.plan().notes()).singleElement().asString().contains("limited to 16192 MiB");
    // lvconvert sizes the spare like the metadata LV: clamping one clamps both.
    assertThat(
            vm.must(
                    "lvs",
                    "-a",
                    "--noheadings",
                    "--units",
                    "b",
                    "--nosuffix",
                    "-o",
                    "lv_size",
                    "docker/lvol0_pmspare")
                .strip())
        .isEqualTo(Long.toString(PoolRules.METADATA_SIZE_MAX_BYTES));
  }

  @Test
  void whenAnAbsoluteMetadataSizeIsGivenThenThePoolHasExactlyThat(TestVm vm) {
    PoolSpec spec = PoolSpec.runbook(disk(0)).toBuilder().metadataSizeBytes(8L << 20).build();

    Outcome outcome = new PoolEngine(vm).reconcile(spec);

    assertThat(outcome.status()).as(String.valueOf(outcome.failure())).isEqualTo(Status.CONVERGED);
    assertThat(outcome.report().metadataSizeBytes()).isEqualTo(8L << 20);
    assertThat(outcome.plan().notes()).isEmpty();
  }

  /** A small pool (10% of a 2 GiB disk, 204 MiB) with a 1 GiB thin volume to overfill it. */
  private static final PoolSpec SMALL = PoolSpec.runbook(disk(0)).toBuilder().sizes(10, 1).build();

  private static final String THIN_VOLUME = "/dev/docker/fill";

  @Test
  void whenThePoolFillsAndTheVgHasNoRoomThenThePoolIsNotReadyAndSaysWhatToDo(TestVm vm) {
    PoolEngine engine = new PoolEngine(vm);
    assertThat(engine.reconcile(SMALL).status()).isEqualTo(Status.CONVERGED);
    vm.must("lvcreate", "--yes", "-l", "100%FREE", "-n", "other", "docker");
    // Error rather than queue when full, so that the writes fail at once instead of after 60 s.
    vm.must("lvchange", "--errorwhenfull", "y", "docker/thinpool");
    vm.must("lvcreate", "--yes", "-V", "1G", "-T", "docker/thinpool", "-n", "fill");
    vm.run(fill(256));

    Outcome outcome = engine.reconcile(SMALL);

    assertThat(outcome.status()).isEqualTo(Status.CONVERGED);
    assertThat(outcome.executed()).isEmpty();
    assertThat(outcome.report().health()).isEqualTo(PoolHealth.OUT_OF_DATA_SPACE);
    ThinPoolStatus status =
        ThinPoolStatuses.from(resource(), outcome, outcome.report().poolSizeBytes(), Instant.now())
            .after();
    assertThat(status.phase).isEqualTo(ThinPoolPhases.DEGRADED);
    Condition ready = condition(status, ConditionTypes.READY);
    assertThat(ready.getStatus()).isEqualTo("False");
    assertThat(ready.getReason()).isEqualTo(ConditionTypes.OUT_OF_DATA_SPACE);
    assertThat(ready.getMessage()).contains("no free space").contains("add a device");
    assertThat(condition(status, ConditionTypes.HEALTHY).getStatus()).isEqualTo("False");
  }

  @Test
  void whenThePoolFillsUnwatchedAndTheVgHasRoomThenItIsExtendedAndTheQueuedWritesComplete(TestVm vm)
      throws InterruptedException {
    PoolEngine engine = new PoolEngine(vm);
    long sizeBefore = engine.reconcile(SMALL).report().poolSizeBytes();
    vm.must("lvcreate", "--yes", "-V", "1G", "-T", "docker/thinpool", "-n", "fill");
    // dmeventd would extend at 80%: without it the pool runs full, as when it is not monitoring.
    // After the lvcreate, which monitors the pool again.
    vm.must("lvchange", "--monitor", "n", "docker/thinpool");
    long fillMiB = sizeBefore / (1 << 20) + 24;
    List<String> background =
        new ArrayList<>(
            List.of("systemd-run", "--quiet", "--unit=thinpool-fill", "--remain-after-exit", "--"));
    background.addAll(fill(fillMiB).argv());
    vm.must(background.toArray(String[]::new));
    PoolReport full = awaitHealth(engine, PoolHealth.OUT_OF_DATA_SPACE, Duration.ofSeconds(40));
    long queuedSince = System.nanoTime();

    Outcome rescue = engine.reconcile(SMALL);

    assertThat(rescue.executed()).extracting(Step::intent).contains(Intent.RESCUE_FULL_POOL);
    assertThat(rescue.report().poolSizeBytes()).isGreaterThan(full.poolSizeBytes());
    assertThat(rescue.report().health()).isEqualTo(PoolHealth.HEALTHY);
    assertThat(rescue.report().monitored()).isTrue();
    assertThat(awaitFillResult(vm, Duration.ofSeconds(40))).isEqualTo("success");
    System.out.printf(
        "rescued a full pool %d ms after the kernel began queueing (window: 60000 ms)%n",
        (System.nanoTime() - queuedSince) / 1_000_000);
    ThinPoolStatus status =
        ThinPoolStatuses.from(resource(), rescue, full.poolSizeBytes(), Instant.now()).after();
    assertThat(condition(status, ConditionTypes.READY).getStatus()).isEqualTo("True");
    assertThat(status.autoextend.extensionsObserved).as("the rescue is the agent's").isZero();
    vm.must("systemctl", "stop", "thinpool-fill");
  }

  @Test
  void whenDmeventdCannotRunThenTheAgentAppliesThePolicyAndThePoolGrows(TestVm vm) {
    PoolEngine engine = new PoolEngine(vm);
    long sizeBefore = engine.reconcile(SMALL).report().poolSizeBytes();
    vm.must("lvcreate", "--yes", "-V", "1G", "-T", "docker/thinpool", "-n", "fill");
    vm.must("lvchange", "--monitor", "n", "docker/thinpool");
    withoutDmeventd(vm);
    vm.must(fill(sizeBefore * 85 / 100 / (1 << 20)).argv().toArray(String[]::new));

    Outcome outcome = engine.reconcile(SMALL);

    PoolReport after = engine.observe(SMALL);
    assertThat(after.poolSizeBytes())
        .as("status %s, failure %s", outcome.status(), outcome.failure())
        .isGreaterThan(sizeBefore);
    assertThat(outcome.executed()).extracting(Step::intent).contains(Intent.AUTOEXTEND_BY_AGENT);
    assertThat(after.monitored()).isFalse();
    assertThat(after.autoextend()).isEqualTo(PoolReport.AutoextendState.AGENT_EXTENDS);
    ThinPoolStatus status =
        ThinPoolStatuses.from(resource(), outcome, sizeBefore, Instant.now()).after();
    assertThat(status.autoextend.state).isEqualTo(ConditionTypes.AGENT_EXTENDS);
    assertThat(status.autoextend.extensionsObserved).as("--use-policies is the agent's").isZero();
    assertThat(status.autoextend.reason).contains("lvextend --use-policies");
  }

  @Test
  void whenThePoolsMetadataIsDamagedThenItIsReportedAndRepairedOnlyOnRequestWithItsDataIntact(
      TestVm vm) {
    PoolEngine engine = new PoolEngine(vm);
    assertThat(engine.reconcile(SMALL).status()).isEqualTo(Status.CONVERGED);
    vm.must("lvcreate", "--yes", "-V", "16M", "-T", "docker/thinpool", "-n", "data");
    vm.must(
        "dd",
        "if=/dev/urandom",
        "of=/dev/docker/data",
        "bs=1M",
        "count=16",
        "oflag=direct",
        "status=none");
    String written = sha256(vm, "/dev/docker/data");
    damageMetadata(vm);

    Outcome damaged = engine.reconcile(SMALL);

    assertThat(damaged.status()).isEqualTo(Status.FAILED);
    assertThat(damaged.failure().kind()).isEqualTo(FailureKind.METADATA_DAMAGED);
    assertThat(damaged.failure().getMessage()).contains("Manual repair required");
    ThinPool resource = resource();
    resource.setStatus(ThinPoolStatuses.from(resource, damaged, null, Instant.now()).after());
    String token = resource.getStatus().metadataRepair.token;
    assertThat(token).startsWith(resource.getMetadata().getUid() + "@");
    Condition ready = condition(resource.getStatus(), ConditionTypes.READY);
    assertThat(ready.getStatus()).isEqualTo("False");
    assertThat(ready.getReason()).isEqualTo(ConditionTypes.METADATA_DAMAGED);
    assertThat(ready.getMessage())
        .contains("kubectl annotate thinpool trouble.node --overwrite")
        .contains(ThinPool.REPAIR_ANNOTATION + "=" + token);
    assertThat(condition(resource.getStatus(), ConditionTypes.HEALTHY).getReason())
        .isEqualTo(ConditionTypes.METADATA_DAMAGED);

    // Unasked, the engine never repairs: the next reconcile fails the same way, with the same
    // token.
    Outcome again = engine.reconcile(SMALL);
    assertThat(again.failure().kind()).isEqualTo(FailureKind.METADATA_DAMAGED);
    assertThat(again.executed()).isEmpty();
    resource.setStatus(ThinPoolStatuses.from(resource, again, null, Instant.now()).after());
    assertThat(resource.getStatus().metadataRepair.token).isEqualTo(token);
    assertThat(logicalVolumes(vm)).doesNotContain("thinpool_meta0");

    resource.getMetadata().setAnnotations(Map.of(ThinPool.REPAIR_ANNOTATION, token));
    assertThat(RepairRequest.of(resource).approved()).isTrue();
    Outcome repaired = engine.repairMetadata(SMALL);

    assertThat(repaired.status())
        .as(String.valueOf(repaired.failure()))
        .isEqualTo(Status.CONVERGED);
    assertThat(repaired.executed()).extracting(Step::intent).startsWith(Intent.REPAIR_METADATA);
    resource.setStatus(ThinPoolStatuses.from(resource, repaired, null, Instant.now()).after());
    ThinPoolStatus.MetadataRepairStatus record = resource.getStatus().metadataRepair;
    assertThat(record.lastRepairResult).isEqualTo(ThinPoolStatus.MetadataRepairStatus.REPAIRED);
    assertThat(record.lastRepairToken).isEqualTo(token);
    assertThat(record.token).isNull();
    assertThat(record.keptMetadataVolumes).containsExactly("docker/thinpool_meta0");
    assertThat(record.lastRepairMessage).contains("docker/thinpool_meta0");
    assertThat(condition(resource.getStatus(), ConditionTypes.READY).getStatus()).isEqualTo("True");
    assertThat(RepairRequest.of(resource).verdict())
        .as("the annotation left behind asks for nothing more")
        .isEqualTo(RepairRequest.Verdict.NONE);
    assertThat(logicalVolumes(vm)).contains("thinpool_meta0");
    vm.must("lvchange", "--activate", "y", "docker/data");
    assertThat(sha256(vm, "/dev/docker/data")).isEqualTo(written);
  }

  /**
   * LVM's smallest metadata LV (one 4 MiB extent) beside 16 GiB of data in 64 KiB chunks: enough
   * data blocks for the mappings that fill it.
   */
  private static final PoolSpec SMALL_METADATA =
      PoolSpec.runbook(TestVm.LARGE_DISK).toBuilder()
          .sizes(4, 1)
          .metadataSizeBytes(4L << 20)
          .chunkSizeBytes(64L << 10)
          .build();

  /**
   * Mappings that take the 4 MiB metadata past the 80% threshold: about 90% (110,000: 98%; 150,000
   * do not fit).
   */
  private static final long MAPPINGS = 100_000;

  @Test
  void whenMetadataPassesTheThresholdAndDmeventdCannotRunThenTheAgentGrowsIt(TestVm vm) {
    PoolEngine engine = new PoolEngine(vm);
    Outcome built = engine.reconcile(SMALL_METADATA);
    assertThat(built.status()).as(String.valueOf(built.failure())).isEqualTo(Status.CONVERGED);
    long metadataBefore = built.report().metadataSizeBytes();
    vm.must("lvcreate", "--yes", "-V", "16G", "-T", "docker/thinpool", "-n", "fill");
    fillMetadata(vm, MAPPINGS);
    vm.must("vgchange", "--activate", "y", "docker");
    vm.must("lvchange", "--monitor", "n", "docker/thinpool");
    withoutDmeventd(vm);
    PoolReport full = engine.observe(SMALL_METADATA);
    assertThat(full.metadataPercent()).as("metadata usage").isGreaterThanOrEqualTo(80.0);

    Outcome grown = engine.reconcile(SMALL_METADATA);

    PoolReport after = engine.observe(SMALL_METADATA);
    assertThat(grown.executed()).extracting(Step::intent).contains(Intent.AUTOEXTEND_BY_AGENT);
    assertThat(after.metadataSizeBytes()).isGreaterThan(metadataBefore);
    assertThat(after.metadataPercent()).isLessThan(full.metadataPercent());
    assertThat(after.poolSizeBytes())
        .as("data was under its threshold")
        .isEqualTo(full.poolSizeBytes());
    System.out.printf(
        "metadata %d MiB at %.1f%% -> %d MiB at %.1f%% (%d mappings)%n",
        metadataBefore >> 20,
        full.metadataPercent(),
        after.metadataSizeBytes() >> 20,
        after.metadataPercent(),
        MAPPINGS);
  }

  /**
   * Maps the first {@code blocks} blocks of thin volume 1 one to one, without writing data: the
   * metadata is swapped out, dumped, given one range mapping and restored with thin-provisioning-
   * tools, then swapped back (filling it by writes would take gigabytes under TCG).
   */
  private static void fillMetadata(TestVm vm, long blocks) {
    editSwappedOutMetadata(
        vm,
        "4M",
        metadata -> {
          vm.must("thin_dump", "-o", "/run/thinpool-test/metadata.xml", metadata);
          vm.must(
              "python3",
              "-c",
              MAP_BLOCKS,
              "/run/thinpool-test/metadata.xml",
              "/run/thinpool-test/metadata-full.xml",
              Long.toString(blocks));
          vm.must("thin_restore", "-i", "/run/thinpool-test/metadata-full.xml", "-o", metadata);
        });
  }

  /** Test scaffolding run by the node's python3: device 1 gets one range mapping of N blocks. */
  private static final String MAP_BLOCKS =
      """
      import re, sys
      source, target, blocks = sys.argv[1], sys.argv[2], int(sys.argv[3])
      xml = open(source).read()
      mapping = '<range_mapping origin_begin="0" data_begin="0" length="%d" time="0"/>' % blocks
      def mapped(device):
          head = re.sub(r'mapped_blocks="\\d+"', 'mapped_blocks="%d"' % blocks, device.group(1))
          return head + mapping + device.group(2)
      xml, found = re.subn(r'(<device dev_id="1"[^>]*>).*?(</device>)', mapped, xml, flags=re.S)
      assert found == 1, 'no thin device 1 in the dump'
      open(target, 'w').write(xml)
      """;

  /**
   * Damages the pool's metadata: the checksum of the metadata space map's index block (the
   * superblock's metadata space map root, at byte 208, points to it). thin_check fails on it, and
   * thin_repair rebuilds the space maps from the mapping trees, so no mapping is lost.
   */
  private static void damageMetadata(TestVm vm) {
    editSwappedOutMetadata(
        vm,
        "32M",
        metadata -> {
          long indexBlock =
              Long.parseLong(
                  vm.must("od", "-An", "-t", "u8", "-j", "208", "-N", "8", metadata).strip());
          vm.must(
              "dd",
              "if=/dev/zero",
              "of=" + metadata,
              "bs=4",
              "count=1",
              "seek=" + indexBlock * 4096 / 4,
              "conv=notrunc,fsync",
              "status=none");
        });
  }

  /**
   * Runs {@code edit} on the pool's metadata device the way lvm2's own tests reach it
   * (lvconvert-repair-thin.sh): swapped out into a plain LV of {@code size} (an exchange LVM does
   * without a check), then swapped back. The volume group is left inactive.
   */
  private static void editSwappedOutMetadata(TestVm vm, String size, Consumer<String> edit) {
    vm.must("vgchange", "--activate", "n", "docker");
    vm.must(
        "lvcreate", "--yes", "--activate", "n", "--zero", "n", "-L", size, "-n", "swap", "docker");
    String[] swap = {
      "lvconvert",
      "--yes",
      "--force",
      "--thinpool",
      "docker/thinpool",
      "--poolmetadata",
      "docker/swap"
    };
    vm.must(swap);
    vm.must("lvchange", "--activate", "y", "docker/swap");
    edit.accept("/dev/docker/swap");
    vm.must("lvchange", "--activate", "n", "docker/swap");
    vm.must(swap);
    vm.must("lvremove", "--yes", "docker/swap");
  }

  /** A host without dmeventd: stopped, and LVM cannot start it either (TestVm.reset undoes it). */
  private static void withoutDmeventd(TestVm vm) {
    vm.must("systemctl", "stop", "dm-event.socket", "dm-event.service");
    vm.must("mount", "--bind", "/bin/false", "/usr/sbin/dmeventd");
  }

  private static String sha256(TestVm vm, String path) {
    return vm.must("sha256sum", path).split(" ")[0];
  }

  private static List<String> logicalVolumes(TestVm vm) {
    return vm.must("lvs", "--noheadings", "-o", "lv_name", "docker")
        .lines()
        .map(String::strip)
        .toList();
  }

  /** dd from /dev/zero into the thin volume, direct so that every write reaches the pool. */
  private static HostCommand fill(long mebibytes) {
    return HostCommand.of(
        "dd",
        "if=/dev/zero",
        "of=" + THIN_VOLUME,
        "bs=1M",
        "count=" + mebibytes,
        "oflag=direct",
        "status=none");
  }

  private static PoolReport awaitHealth(PoolEngine engine, PoolHealth wanted, Duration within)
      throws InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    PoolReport report = engine.observe(SMALL);
    while (report.health() != wanted && System.nanoTime() < deadline) {
      Thread.sleep(200);
      report = engine.observe(SMALL);
    }
    assertThat(report.health())
        .as(
            "pool health within %s (data %s%%, %d bytes, %s)",
            within, report.dataPercent(), report.poolSizeBytes(), report.autoextendReason())
        .isEqualTo(wanted);
    return report;
  }

  /** The fill's result as systemd saw it ("success" when dd exited 0), once it has ended. */
  private static String awaitFillResult(TestVm vm, Duration within) throws InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    while (System.nanoTime() < deadline) {
      String state =
          vm.must("systemctl", "show", "--property=SubState", "--value", "thinpool-fill").strip();
      if (!state.equals("running") && !state.equals("start")) {
        return vm.must("systemctl", "show", "--property=Result", "--value", "thinpool-fill")
            .strip();
      }
      Thread.sleep(200);
    }
    throw new AssertionError("dd into the full pool did not end within " + within);
  }

  private static ThinPool resource() {
    ThinPool pool = new ThinPool();
    pool.setMetadata(
        new ObjectMetaBuilder()
            .withName("trouble.node")
            .withUid("5b0c1a52-8f0e-4d5e-9a57-2d1f0c3b7e61")
            .withGeneration(1L)
            .build());
    return pool;
  }

  private static Condition condition(ThinPoolStatus status, String type) {
    return Conditions.find(status.conditions, type).orElseThrow();
  }
}
