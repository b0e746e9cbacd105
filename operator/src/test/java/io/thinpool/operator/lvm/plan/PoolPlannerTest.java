package io.thinpool.operator.lvm.plan;

import static io.thinpool.operator.lvm.plan.States.linear;
import static io.thinpool.operator.lvm.plan.States.node;
import static io.thinpool.operator.lvm.plan.States.ourVg;
import static io.thinpool.operator.lvm.plan.States.pool;
import static io.thinpool.operator.lvm.plan.States.runbookPool;
import static io.thinpool.operator.lvm.plan.States.thin;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.thinpool.operator.lvm.PoolReport;
import io.thinpool.operator.lvm.observe.HostState;
import io.thinpool.operator.lvm.observe.HostState.BlockDevice;
import io.thinpool.operator.lvm.observe.HostState.LogicalVolume;
import io.thinpool.operator.lvm.observe.PoolHealth;
import io.thinpool.operator.lvm.plan.Step.Intent;
import io.thinpool.operator.lvm.spec.LvmNames;
import io.thinpool.operator.lvm.spec.PoolSpec;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class PoolPlannerTest {

  private static final PoolSpec RUNBOOK = PoolSpec.runbook("/dev/sdb");
  private static final String PROFILE = LvmNames.profileContent(PoolSpec.AutoextendPolicy.RUNBOOK);

  private static List<String> lines(Plan plan) {
    return plan.steps().stream().map(step -> String.join(" ", step.argv())).toList();
  }

  @Test
  void whenTheDiskIsBlankThenThePlanIsTheRunbookWithTheOwnerTag() {
    Plan plan = PoolPlanner.plan(RUNBOOK, node().disk("/dev/sdb").build());

    assertThat(plan.isRefused()).isFalse();
    assertThat(lines(plan))
        .containsExactly(
            "pvcreate /dev/sdb",
            "vgcreate --addtag thinpool.io/managed --addtag thinpool.io/config=engine --addtag thinpool.io/node=node docker /dev/sdb",
            "lvcreate --wipesignatures y --yes -n thinpool docker -l 90%VG",
            "lvcreate --wipesignatures y --yes -n thinpoolmeta docker -l 5%VG",
            "lvconvert -y --zero n -c 512K --thinpool docker/thinpool --poolmetadata docker/thinpoolmeta",
            "mkdir -p -- /etc/lvm/profile",
            "dd of=/etc/lvm/profile/docker-thinpool.profile.docker-thinpool.tmp conv=fsync status=none",
            "mv -f -- /etc/lvm/profile/docker-thinpool.profile.docker-thinpool.tmp /etc/lvm/profile/docker-thinpool.profile",
            "lvchange --metadataprofile docker-thinpool docker/thinpool");
    assertThat(plan.steps().get(6).stdin())
        .isEqualTo(
            "activation {\n\tthin_pool_autoextend_threshold=80\n\tthin_pool_autoextend_percent=20\n}\n");
    assertThat(plan.steps()).allSatisfy(step -> assertThat(step.why()).isNotBlank());
    assertThat(plan.steps())
        .extracting(Step::intent)
        .containsExactlyElementsOf(States.RUNBOOK_INTENTS);
  }

  @Test
  void whenEveryFieldDiffersFromTheRunbookThenTheCommandsCarryThem() {
    PoolSpec custom =
        new PoolSpec(
            List.of("/dev/sdc"),
            "vg-data",
            "pool0",
            "pool0meta",
            60,
            2,
            OptionalLong.empty(),
            64 * 1024,
            true,
            false,
            new PoolSpec.AutoextendPolicy("tp-70", 70, 10),
            false,
            false,
            PoolSpec.runbook().owner());

    Plan plan = PoolPlanner.plan(custom, node().disk("/dev/sdc").build());

    assertThat(lines(plan))
        .contains(
            "vgcreate --addtag thinpool.io/managed --addtag thinpool.io/config=engine --addtag thinpool.io/node=node vg-data /dev/sdc",
            "lvcreate --wipesignatures n --yes -n pool0 vg-data -l 60%VG",
            "lvcreate --wipesignatures n --yes -n pool0meta vg-data -l 2%VG",
            "lvconvert -y --zero y -c 64K --thinpool vg-data/pool0 --poolmetadata vg-data/pool0meta",
            "lvchange --metadataprofile tp-70 vg-data/pool0");
    assertThat(plan.steps().get(6).stdin()).contains("threshold=70").contains("percent=10");
  }

  @Test
  void whenThePoolIsCompleteThenNothingIsPlanned() {
    assertThat(PoolPlanner.plan(RUNBOOK, runbookPool("/dev/sdb").build()).isEmpty()).isTrue();
  }

  @Test
  void whenASequenceStoppedPartWayThenThePlanIsExactlyTheRest() {
    Plan fresh = PoolPlanner.plan(RUNBOOK, node().disk("/dev/sdb").build());
    List<String> all = lines(fresh);

    assertThat(lines(PoolPlanner.plan(RUNBOOK, node().disk("/dev/sdb").pv("/dev/sdb", "").build())))
        .isEqualTo(all.subList(1, 9));
    assertThat(lines(PoolPlanner.plan(RUNBOOK, ourVg(511).build()))).isEqualTo(all.subList(2, 9));
    assertThat(lines(PoolPlanner.plan(RUNBOOK, ourVg(52, linear("thinpool", 459)).build())))
        .isEqualTo(all.subList(3, 9));
    assertThat(
            lines(
                PoolPlanner.plan(
                    RUNBOOK,
                    node()
                        .pv("/dev/sdb", "docker")
                        .vg(
                            "docker",
                            true,
                            511,
                            27,
                            linear("thinpool", 459),
                            linear("thinpoolmeta", 25))
                        .build())))
        .isEqualTo(all.subList(4, 9));
    assertThat(lines(PoolPlanner.plan(RUNBOOK, ourVg(2, pool("thinpool", 459, "", true)).build())))
        .isEqualTo(all.subList(5, 9));
    assertThat(
            lines(
                PoolPlanner.plan(
                    RUNBOOK, ourVg(2, pool("thinpool", 459, "", true)).runbookProfile().build())))
        .isEqualTo(all.subList(8, 9));
  }

  @Test
  void whenThePoolIsNotMonitoredThenMonitoringIsTurnedOn() {
    HostState state =
        ourVg(2, pool("thinpool", 459, "docker-thinpool", false)).runbookProfile().build();

    assertThat(PoolPlanner.plan(RUNBOOK, state).steps())
        .extracting(Step::intent, step -> String.join(" ", step.argv()))
        .containsExactly(tuple(Intent.ENABLE_MONITORING, "lvchange --monitor y docker/thinpool"));
  }

  @Test
  void whenTheProfileFileDriftedThenItIsRewrittenButNotReattached() {
    HostState state =
        runbookPool("/dev/sdb")
            .profile("docker-thinpool", "activation { thin_pool_autoextend_threshold=100 }\n")
            .build();

    assertThat(lines(PoolPlanner.plan(RUNBOOK, state)))
        .extracting(line -> line.split(" ")[0])
        .containsExactly("mkdir", "dd", "mv");
  }

  @Test
  void whenADeviceCarriesASignatureThenItIsExcludedNamingDeviceAndSignature() {
    Plan plan =
        PoolPlanner.plan(RUNBOOK, node().disk("/dev/sdb").signature("/dev/sdb", "xfs").build());

    assertThat(plan.refusal().reason()).isEqualTo(Plan.Reason.NO_USABLE_DEVICE);
    assertThat(plan.refusal().message())
        .contains("/dev/sdb")
        .contains("xfs")
        .contains("destroyExistingData");
    assertThat(plan.excludedDevices())
        .singleElement()
        .satisfies(e -> assertThat(e.device()).isEqualTo("/dev/sdb"));
    assertThat(plan.steps()).isEmpty();
  }

  @Test
  void whenDestroyingDataIsAllowedThenSignaturesAndForeignPvsAreWipedFirst() {
    PoolSpec forced =
        PoolSpec.runbook("/dev/sdb", "/dev/sdc").toBuilder().destroyExistingData(true).build();
    HostState state =
        node()
            .disk("/dev/sdb")
            .signature("/dev/sdb", "dos")
            .disk("/dev/sdc")
            .pv("/dev/sdc", "old")
            .vg("old", false, 100, 100)
            .build();

    assertThat(lines(PoolPlanner.plan(forced, state)))
        .startsWith(
            "wipefs --all -- /dev/sdb",
            "pvcreate /dev/sdb",
            "wipefs --all -- /dev/sdc",
            "pvcreate /dev/sdc",
            "vgcreate --addtag thinpool.io/managed --addtag thinpool.io/config=engine --addtag thinpool.io/node=node docker /dev/sdb /dev/sdc");
  }

  @Test
  void whenADeviceIsMountedOrHeldThenItIsExcludedEvenWhenDestroyingDataIsAllowed() {
    PoolSpec forced =
        PoolSpec.runbook("/dev/sdb", "/dev/sdc", "/dev/sdd").toBuilder()
            .destroyExistingData(true)
            .build();
    BlockDevice mounted =
        new BlockDevice("/dev/sdb", "disk", States.DISK, false, "/var/lib/docker", List.of());
    BlockDevice crypt =
        new BlockDevice("/dev/mapper/secret", "crypt", States.DISK, false, "", List.of());
    BlockDevice mountedPart =
        new BlockDevice("/dev/sdd1", "part", States.DISK, false, "/boot", List.of());

    Plan plan =
        PoolPlanner.plan(
            forced,
            node().device(mounted).disk("/dev/sdc", crypt).disk("/dev/sdd", mountedPart).build());

    assertThat(plan.refusal().reason()).isEqualTo(Plan.Reason.NO_USABLE_DEVICE);
    assertThat(plan.excludedDevices())
        .extracting(Plan.ExcludedDevice::reason)
        .containsExactly(
            "/dev/sdb is mounted at /var/lib/docker",
            "/dev/sdc is in use by /dev/mapper/secret",
            "/dev/sdd is in use by /dev/sdd1 mounted at /boot");
  }

  @Test
  void whenSomeDevicesAreUnusableThenTheOthersAreUsedAndTheRestReported() {
    PoolSpec spec = PoolSpec.runbook("/dev/sdb", "/dev/sdc", "/dev/sdx");
    HostState state =
        node()
            .disk("/dev/sdb")
            .disk("/dev/sdc")
            .pv("/dev/sdc", "theirs")
            .vg("theirs", false, 10, 10)
            .build();

    Plan plan = PoolPlanner.plan(spec, state);

    assertThat(lines(plan))
        .startsWith(
            "pvcreate /dev/sdb",
            "vgcreate --addtag thinpool.io/managed --addtag thinpool.io/config=engine --addtag thinpool.io/node=node docker /dev/sdb");
    assertThat(plan.excludedDevices())
        .extracting(Plan.ExcludedDevice::reason)
        .containsExactly(
            "/dev/sdc holds existing data (it is a physical volume of volume group theirs, which thinpool-operator does not own); set destroyExistingData to wipe it",
            "/dev/sdx does not exist on this node");
  }

  @Test
  void whenAPhysicalVolumesVgIsMissingThenItIsDataUnlessDestroyingIsAllowed() {
    PoolSpec spec = PoolSpec.runbook("/dev/sdb", "/dev/sdc", "/dev/sdd");
    HostState state =
        node()
            .disk("/dev/sdb")
            .disk("/dev/sdc")
            .disk("/dev/sdd")
            .pvWithoutMetadataArea("/dev/sdc")
            .pv("/dev/sdd", "[unknown]")
            .build();

    Plan kept = PoolPlanner.plan(spec, state);
    Plan wiped = PoolPlanner.plan(spec.toBuilder().destroyExistingData(true).build(), state);

    assertThat(lines(kept))
        .startsWith(
            "pvcreate /dev/sdb",
            "vgcreate --addtag thinpool.io/managed --addtag thinpool.io/config=engine --addtag thinpool.io/node=node docker /dev/sdb");
    assertThat(kept.excludedDevices())
        .extracting(Plan.ExcludedDevice::reason)
        .containsExactly(
            "/dev/sdc holds existing data (it is an LVM physical volume that no volume group on"
                + " this node names: its volume group's metadata may be on a missing disk); set"
                + " destroyExistingData to wipe it",
            "/dev/sdd holds existing data (it is an LVM physical volume that no volume group on"
                + " this node names: its volume group's metadata may be on a missing disk); set"
                + " destroyExistingData to wipe it");
    assertThat(lines(wiped))
        .contains(
            "wipefs --all -- /dev/sdc",
            "pvcreate /dev/sdc",
            "wipefs --all -- /dev/sdd",
            "pvcreate /dev/sdd");
    assertThat(wiped.excludedDevices()).isEmpty();
  }

  @Test
  void whenDevicesAreNamedByIdThenCommandsUseTheKernelName() {
    PoolSpec spec = PoolSpec.runbook("/dev/disk/by-id/wwn-0x5000c500a1b2c3d4");
    HostState state =
        node().link("/dev/disk/by-id/wwn-0x5000c500a1b2c3d4", "/dev/sdb").disk("/dev/sdb").build();

    assertThat(lines(PoolPlanner.plan(spec, state)))
        .startsWith(
            "pvcreate /dev/sdb",
            "vgcreate --addtag thinpool.io/managed --addtag thinpool.io/config=engine --addtag thinpool.io/node=node docker /dev/sdb");
  }

  @Test
  void whenAVgOfThatNameIsNotOursThenThePlanRefusesAndSaysHowToHandItOver() {
    Plan plan =
        PoolPlanner.plan(
            RUNBOOK,
            node()
                .pv("/dev/sdb", "docker")
                .vg("docker", false, 511, 2, pool("thinpool", 459, "", true))
                .build());

    assertThat(plan.refusal().reason()).isEqualTo(Plan.Reason.FOREIGN_VOLUME_GROUP);
    assertThat(plan.refusal().message()).contains("set adoptExisting");
    assertThat(plan.steps()).isEmpty();
  }

  /** A pool made by hand with the runbook: untagged, no profile, not monitored, one thin volume. */
  private static States handMade(String... devices) {
    States node = node();
    for (String device : devices) {
      node.pv(device, "docker");
    }
    return node.vg(
        "docker",
        false,
        511,
        2,
        States.pool("thinpool", 459, "", false),
        States.thin("images", "thinpool"));
  }

  @Test
  void whenAdoptionIsAskedForAMatchingVgThenItIsTaggedAndGivenProfileAndMonitoringOnly() {
    PoolSpec adopt = RUNBOOK.toBuilder().adoptExisting(true).build();

    Plan plan = PoolPlanner.plan(adopt, handMade("/dev/sdb").build());

    assertThat(plan.isRefused()).isFalse();
    assertThat(plan.steps())
        .extracting(Step::intent)
        .containsExactly(
            Step.Intent.ADOPT_VOLUME_GROUP,
            Step.Intent.MAKE_PROFILE_DIRECTORY,
            Step.Intent.WRITE_PROFILE_COPY,
            Step.Intent.PUT_PROFILE_IN_PLACE,
            Step.Intent.ATTACH_PROFILE,
            Step.Intent.ENABLE_MONITORING);
    assertThat(lines(plan).get(0))
        .isEqualTo(
            "vgchange --addtag thinpool.io/managed --addtag thinpool.io/config=engine"
                + " --addtag thinpool.io/node=node docker");
    assertThat(plan.steps().get(0).why())
        .contains("on /dev/sdb")
        .contains("thin volumes images (kept as they are)");
  }

  @Test
  void whenTheAdoptedVgDoesNotMatchThenEachDifferenceIsARefusalReason() {
    PoolSpec adopt =
        PoolSpec.runbook("/dev/sdb", "/dev/sdd").toBuilder().adoptExisting(true).build();
    HostState mismatched =
        node()
            .pv("/dev/sdb", "docker")
            .pv("/dev/sdc", "docker")
            .vg(
                "docker",
                false,
                1022,
                100,
                States.linear("thinpool", 459),
                States.linear("precious", 10))
            .build();

    Plan plan = PoolPlanner.plan(adopt, mismatched);

    assertThat(plan.refusal().reason()).isEqualTo(Plan.Reason.ADOPTION_MISMATCH);
    assertThat(plan.refusal().message())
        .contains("thinpool is a linear volume, not a thin pool")
        .contains("it is also on /dev/sdc, which devices does not list")
        .contains("devices lists /dev/sdd, which it is not on")
        .contains("it also holds precious, which is not a thin volume of thinpool");
    assertThat(plan.steps()).isEmpty();
  }

  @Test
  void whenTheForeignVgHasNoPoolThenAdoptionIsRefused() {
    PoolSpec adopt = RUNBOOK.toBuilder().adoptExisting(true).build();

    Plan plan =
        PoolPlanner.plan(
            adopt, node().pv("/dev/sdb", "docker").vg("docker", false, 511, 511).build());

    assertThat(plan.refusal().reason()).isEqualTo(Plan.Reason.ADOPTION_MISMATCH);
    assertThat(plan.refusal().message()).contains("it holds no LV named thinpool");
  }

  @Test
  void whenTheVgIsOursAlreadyTheAdoptionFlagChangesNothing() {
    PoolSpec adopt = RUNBOOK.toBuilder().adoptExisting(true).build();

    assertThat(PoolPlanner.plan(adopt, runbookPool("/dev/sdb").build()).isEmpty()).isTrue();
  }

  @Test
  void whenADeviceIsAddedThenItJoinsTheVgAndThePoolGrowsOnTheNextRound() {
    PoolSpec two = PoolSpec.runbook("/dev/sdb", "/dev/sdc");

    Plan join = PoolPlanner.plan(two, runbookPool("/dev/sdb").disk("/dev/sdc").build());
    assertThat(lines(join)).containsExactly("pvcreate /dev/sdc", "vgextend docker /dev/sdc");

    HostState joined =
        node()
            .pv("/dev/sdb", "docker")
            .pv("/dev/sdc", "docker")
            .vg("docker", true, 1022, 513, pool("thinpool", 459, "docker-thinpool", true))
            .runbookProfile()
            .build();
    assertThat(PoolPlanner.plan(two, joined).steps())
        .extracting(Step::intent, step -> String.join(" ", step.argv()))
        .containsExactly(tuple(Intent.GROW_POOL, "lvextend -l 919 docker/thinpool"));
  }

  @Test
  void whenThePoolIsLargerThanItsShareThenItIsNotShrunk() {
    HostState extended =
        ourVg(2, pool("thinpool", 480, "docker-thinpool", true)).runbookProfile().build();

    assertThat(PoolPlanner.plan(RUNBOOK, extended).isEmpty()).isTrue();
  }

  @Test
  void whenZeroingOrActivationDifferThenTheyAreChangedInPlaceAndChunkSizeOnlyReported() {
    LogicalVolume inactive =
        new LogicalVolume(
            "thinpool",
            "twi---t---",
            459 * States.EXTENT,
            "",
            null,
            null,
            0,
            "docker-thinpool",
            false,
            "thin-pool",
            64 * 1024,
            false,
            "",
            "",
            null);
    HostState state = ourVg(2, inactive).runbookProfile().build();

    Plan plan = PoolPlanner.plan(RUNBOOK.toBuilder().zeroing(true).build(), state);

    assertThat(lines(plan))
        .containsExactly(
            "lvchange --activate y docker/thinpool",
            "lvchange --zero y docker/thinpool",
            "lvchange --monitor y docker/thinpool");
    assertThat(plan.notes())
        .singleElement()
        .asString()
        .contains("chunk size")
        .contains("cannot change");
  }

  @Test
  void whenTheRunbooksMetadataShareExceedsLvmsMaximumThenItIsClampedAndNoted() {
    long disk = 400L * 1024 * States.MIB;
    HostState blank =
        node().device(new BlockDevice("/dev/sdb", "disk", disk, false, "", List.of())).build();

    Plan plan = PoolPlanner.plan(RUNBOOK, blank);

    assertThat(lines(plan))
        .contains(
            "lvcreate --wipesignatures y --yes -n thinpool docker -l 90%VG",
            "lvcreate --wipesignatures y --yes -n thinpoolmeta docker -L 16978542592b");
    assertThat(plan.notes())
        .singleElement()
        .asString()
        .contains("metadataPercentOfVg")
        .contains("20480 MiB")
        .contains("16192 MiB");
  }

  @Test
  void whenTheClampedPoolExistsThenTheNoteStaysAndAnOversizedMetadataLvIsCalledOut() {
    long extents = 400L * 1024 / 4;
    LogicalVolume clamped =
        withMetadata(pool("thinpool", extents * 90 / 100, "docker-thinpool", true), 4048);
    LogicalVolume oversized = withMetadata(clamped, 5120);

    Plan keeping = PoolPlanner.plan(RUNBOOK, bigVg(extents, clamped).build());
    Plan wasteful = PoolPlanner.plan(RUNBOOK, bigVg(extents, oversized).build());

    assertThat(keeping.steps()).isEmpty();
    assertThat(keeping.notes()).singleElement().asString().contains("limited to 16192 MiB");
    assertThat(wasteful.notes())
        .singleElement()
        .asString()
        .contains("metadata LV of 20480 MiB")
        .contains("unused");
  }

  @Test
  void whenAnAbsoluteMetadataSizeIsGivenThenItReplacesThePercentage() {
    PoolSpec sized = RUNBOOK.toBuilder().metadataSizeBytes(1024 * States.MIB).build();

    Plan plan = PoolPlanner.plan(sized, node().disk("/dev/sdb").build());

    assertThat(lines(plan))
        .contains("lvcreate --wipesignatures y --yes -n thinpoolmeta docker -L 1073741824b");
    assertThat(plan.notes()).isEmpty();
  }

  @Test
  void whenTheVgIsSmallThenTheMetadataShareIsThePercentageAsInTheRunbook() {
    assertThat(MetadataSizing.of(RUNBOOK, 316L * 1024 * States.MIB).sizeArguments())
        .containsExactly("-l", "5%VG");
    assertThat(MetadataSizing.of(RUNBOOK, 317L * 1024 * States.MIB).sizeArguments())
        .containsExactly("-L", "16978542592b");
  }

  private static States bigVg(long extents, LogicalVolume pool) {
    return node()
        .pv("/dev/sdb", "docker")
        .vg("docker", true, extents, extents - pool.sizeBytes() / States.EXTENT - 2 * 4048, pool)
        .runbookProfile();
  }

  private static LogicalVolume withMetadata(LogicalVolume lv, long metadataExtents) {
    return States.changed(lv, lv.attr(), lv.dataPercent(), metadataExtents * States.EXTENT);
  }

  @Test
  void whenThePoolIsOutOfDataSpaceAndTheVgHasRoomThenItIsExtendedByThePolicysStep() {
    HostState full =
        ourVg(100, States.full(pool("thinpool", 459, "docker-thinpool", true)))
            .runbookProfile()
            .build();

    Plan plan = PoolPlanner.plan(RUNBOOK.toBuilder().sizes(40, 2).build(), full);

    // 459 extents + 20% (92, rounded up), as an absolute size: never added twice.
    assertThat(lines(plan)).containsExactly("lvextend -l 551 docker/thinpool");
    assertThat(plan.steps().get(0).intent()).isEqualTo(Intent.RESCUE_FULL_POOL);
    assertThat(plan.steps().get(0).why()).contains("out of data space");
  }

  @Test
  void whenThePoolIsOutOfDataSpaceWithoutRoomOrWithAutoextendOffThenNothingIsPlanned() {
    LogicalVolume full = States.full(pool("thinpool", 459, "docker-thinpool", true));
    PoolSpec off =
        RUNBOOK.toBuilder()
            .sizes(40, 2)
            .autoextend(new PoolSpec.AutoextendPolicy("docker-thinpool", 100, 20))
            .build();
    HostState offState =
        ourVg(100, full)
            .profile("docker-thinpool", LvmNames.profileContent(off.autoextend()))
            .build();

    assertThat(PoolPlanner.plan(RUNBOOK, ourVg(0, full).runbookProfile().build()).steps())
        .isEmpty();
    assertThat(PoolPlanner.plan(off, offState).steps()).isEmpty();
    PoolReport noRoom = PoolReport.of(RUNBOOK, ourVg(0, full).runbookProfile().build());
    assertThat(noRoom.health()).isEqualTo(PoolHealth.OUT_OF_DATA_SPACE);
    assertThat(noRoom.healthReason())
        .contains("60 s")
        .contains("has no free space")
        .contains("add a device");
    assertThat(PoolReport.of(off, offState).healthReason()).contains("autoextend is off");
  }

  @Test
  void whenThePoolsHealthCharacterSaysSoThenTheReportNamesItAndTheFix() {
    LogicalVolume ok = pool("thinpool", 459, "docker-thinpool", true);
    LogicalVolume readOnly = States.changed(ok, "twi-aotzM-", 10.0, ok.metadataSizeBytes());
    LogicalVolume failed = States.changed(ok, "twi-aotzF-", 10.0, ok.metadataSizeBytes());

    assertThat(PoolReport.of(RUNBOOK, ourVg(2, ok).build()).health()).isEqualTo(PoolHealth.HEALTHY);
    PoolReport metadata = PoolReport.of(RUNBOOK, ourVg(2, readOnly).build());
    assertThat(metadata.health()).isEqualTo(PoolHealth.METADATA_READ_ONLY);
    assertThat(metadata.healthReason())
        .contains("lvextend --poolmetadatasize")
        .contains("lvconvert --repair docker/thinpool");
    assertThat(PoolReport.of(RUNBOOK, ourVg(2, failed).build()).health())
        .isEqualTo(PoolHealth.FAILED);
    assertThat(PoolPlanner.plan(RUNBOOK, ourVg(100, readOnly).runbookProfile().build()).steps())
        .isEmpty();
  }

  @Test
  void whenDmeventdIsNotMonitoringAndUsageIsPastTheThresholdThenTheAgentAppliesThePolicyFirst() {
    LogicalVolume unmonitored = pool("thinpool", 200, "docker-thinpool", false);
    LogicalVolume past =
        States.changed(unmonitored, unmonitored.attr(), 85.0, unmonitored.metadataSizeBytes());
    PoolSpec spec = RUNBOOK.toBuilder().sizes(30, 2).build();

    Plan plan = PoolPlanner.plan(spec, ourVg(250, past).runbookProfile().build());

    assertThat(lines(plan))
        .containsExactly(
            "lvextend --use-policies docker/thinpool", "lvchange --monitor y docker/thinpool");
    assertThat(plan.steps().get(0).intent()).isEqualTo(Intent.AUTOEXTEND_BY_AGENT);
    assertThat(lines(PoolPlanner.plan(spec, ourVg(250, unmonitored).runbookProfile().build())))
        .containsExactly("lvchange --monitor y docker/thinpool");
    LogicalVolume metadataPast = States.withMetadataPercent(unmonitored, 85.0);
    Plan metadata = PoolPlanner.plan(spec, ourVg(250, metadataPast).runbookProfile().build());
    assertThat(lines(metadata)).first().isEqualTo("lvextend --use-policies docker/thinpool");
    assertThat(metadata.steps().get(0).why()).contains("metadata is 85.0% full");
  }

  @Test
  void whenTheSpecIsInvalidThenNothingIsPlannedAndEveryErrorIsListed() {
    PoolSpec bad = RUNBOOK.toBuilder().devices("/dev/sdb; rm -rf /").sizes(96, 5).build();

    Plan plan = PoolPlanner.plan(bad, node().disk("/dev/sdb").build());

    assertThat(plan.refusal().reason()).isEqualTo(Plan.Reason.INVALID_SPEC);
    assertThat(plan.refusal().message()).contains("/dev/sdb; rm -rf /").contains("96 + 5 = 101");
  }

  @Test
  void whenDeviceMapperLeftoversHoldTheDiskThenTheyAreRemovedTopDownBeforeTheRebuild() {
    BlockDevice tdata =
        new BlockDevice(
            "/dev/mapper/docker-thinpool_tdata",
            "dm",
            States.DISK,
            false,
            "",
            List.of(
                new BlockDevice(
                    "/dev/mapper/docker-thinpool", "dm", States.DISK, false, "", List.of())));
    HostState state =
        node()
            .disk("/dev/sdb", tdata)
            .dm("docker-thinpool_tdata", 1)
            .dm("docker-thinpool_tmeta", 1)
            .dm("docker-thinpool", 0)
            .build();

    assertThat(lines(PoolPlanner.plan(RUNBOOK, state)))
        .startsWith(
            "dmsetup remove docker-thinpool",
            "dmsetup remove docker-thinpool_tmeta",
            "dmsetup remove docker-thinpool_tdata",
            "pvcreate /dev/sdb");
  }

  @Test
  void whenATableLvmDidNotMakeHasThePoolsNameThenItIsNeverRemovedAndTheBuildIsRefused() {
    HostState state = node().disk("/dev/sdb").dm("docker-thinpool", "CRYPT-LUKS2-abc", 0).build();

    Plan build = PoolPlanner.plan(RUNBOOK.toBuilder().destroyExistingData(true).build(), state);
    Plan teardown = PoolPlanner.planTeardown(RUNBOOK, state, TeardownConsent.FORCE);

    assertThat(build.refusal().reason()).isEqualTo(Plan.Reason.NAME_TAKEN);
    assertThat(build.refusal().message()).contains("docker-thinpool", "not made by LVM");
    assertThat(lines(teardown)).noneMatch(line -> line.startsWith("dmsetup"));
  }

  @Test
  void whenALeftoverIsStillOpenThenNothingIsRemoved() {
    HostState state =
        node().disk("/dev/sdb").dm("docker-thinpool", 1).dm("docker-thinpool_tdata", 1).build();

    Plan plan = PoolPlanner.plan(RUNBOOK, state);

    assertThat(plan.refusal().reason()).isEqualTo(Plan.Reason.DEVICE_IN_USE);
    assertThat(plan.refusal().message()).contains("docker-thinpool").contains("still open");
  }

  @Test
  void whenTearingDownWithThinVolumesThenItRefusesUnlessForced() {
    HostState state =
        node()
            .pv("/dev/sdb", "docker")
            .vg(
                "docker",
                true,
                511,
                2,
                pool("thinpool", 459, "docker-thinpool", true),
                thin("images", "thinpool"))
            .runbookProfile()
            .build();

    Plan refused = PoolPlanner.planTeardown(RUNBOOK, state, TeardownConsent.NONE);
    assertThat(refused.refusal().reason()).isEqualTo(Plan.Reason.VOLUMES_EXIST);
    assertThat(refused.refusal().message()).contains("images");

    Plan forced = PoolPlanner.planTeardown(RUNBOOK, state, TeardownConsent.FORCE);
    assertThat(lines(forced))
        .containsExactly(
            "vgremove --force --yes docker",
            "pvremove --yes /dev/sdb",
            "rm -f -- /etc/lvm/profile/docker-thinpool.profile");
    assertThat(forced.steps())
        .extracting(Step::intent)
        .containsExactly(
            Intent.REMOVE_VOLUME_GROUP, Intent.REMOVE_PHYSICAL_VOLUME, Intent.REMOVE_PROFILE);
  }

  @Test
  void whenTearingDownAfterAnInterruptedTeardownThenOnlyTheRestIsDone() {
    HostState vgGone = node().pv("/dev/sdb", "").runbookProfile().build();

    assertThat(lines(PoolPlanner.planTeardown(RUNBOOK, vgGone, TeardownConsent.NONE)))
        .containsExactly(
            "pvremove --yes /dev/sdb", "rm -f -- /etc/lvm/profile/docker-thinpool.profile");
    assertThat(
            PoolPlanner.planTeardown(RUNBOOK, node().disk("/dev/sdb").build(), TeardownConsent.NONE)
                .steps())
        .isEmpty();
  }

  @Test
  void whenTearingDownAForeignVgOrAProfileOthersUseThenThoseAreLeftAlone() {
    assertThat(
            PoolPlanner.planTeardown(
                    RUNBOOK, node().vg("docker", false, 10, 10).build(), TeardownConsent.FORCE)
                .refusal()
                .reason())
        .isEqualTo(Plan.Reason.FOREIGN_VOLUME_GROUP);

    HostState shared =
        runbookPool("/dev/sdb")
            .pv("/dev/sdc", "other")
            .vg("other", true, 100, 10, pool("pool2", 50, "docker-thinpool", true))
            .build();
    assertThat(lines(PoolPlanner.planTeardown(RUNBOOK, shared, TeardownConsent.NONE)))
        .containsExactly("vgremove --force --yes docker", "pvremove --yes /dev/sdb");
  }

  @Test
  void thePlannerNeverBuildsAShellCommand() {
    Plan plan = PoolPlanner.plan(RUNBOOK, node().disk("/dev/sdb").build());

    assertThat(plan.steps())
        .extracting(step -> step.argv().get(0))
        .doesNotContain("sh", "bash", "/bin/sh");
  }
}
