package io.thinpool.operator.lvm.plan;

import static io.thinpool.operator.lvm.plan.States.linear;
import static io.thinpool.operator.lvm.plan.States.node;
import static io.thinpool.operator.lvm.plan.States.ourVg;
import static io.thinpool.operator.lvm.plan.States.pool;
import static io.thinpool.operator.lvm.plan.States.thin;
import static org.assertj.core.api.Assertions.assertThat;

import io.thinpool.operator.lvm.observe.HostState;
import io.thinpool.operator.lvm.observe.HostState.LogicalVolume;
import io.thinpool.operator.lvm.plan.Step.Intent;
import io.thinpool.operator.lvm.spec.PoolSpec;
import org.junit.jupiter.api.Test;

/** The repair of damaged metadata, as planned, and what the LV it keeps means to other plans. */
class MetadataRepairTest {

  private static final PoolSpec RUNBOOK = PoolSpec.runbook("/dev/sdb");

  /** A pool that failed its check at activation: LVM leaves it inactive. */
  private static LogicalVolume inactivePool() {
    LogicalVolume active = pool("thinpool", 459, "docker-thinpool", true);
    return new LogicalVolume(
        active.name(),
        "twi---tz--",
        active.sizeBytes(),
        "",
        null,
        null,
        active.metadataSizeBytes(),
        active.profile(),
        false,
        "thin-pool",
        active.chunkSizeBytes(),
        false,
        "",
        active.uuid(),
        active.thinId());
  }

  @Test
  void whenAnInactivePoolIsToBeRepairedThenLvmsRepairIsTheOnlyStepAndNamesTheKeptMetadata() {
    Plan plan = MetadataRepair.plan(RUNBOOK, ourVg(2, inactivePool()).build());

    assertThat(plan.steps())
        .singleElement()
        .extracting(Step::intent)
        .isEqualTo(Intent.REPAIR_METADATA);
    assertThat(plan.steps().get(0).argv())
        .containsExactly("lvconvert", "--repair", "--yes", "docker/thinpool");
    assertThat(plan.steps().get(0).why()).contains("docker/thinpool_meta0");
  }

  @Test
  void whenAnEarlierRepairKeptMetadataThenTheNextOneIsKeptBesideIt() {
    Plan plan =
        MetadataRepair.plan(RUNBOOK, ourVg(2, inactivePool(), linear("thinpool_meta0", 6)).build());

    assertThat(plan.steps().get(0).why()).contains("docker/thinpool_meta1");
  }

  @Test
  void whenThereIsNoInactivePoolOfOursThenNothingIsRepaired() {
    Plan active = MetadataRepair.plan(RUNBOOK, ourVg(2, pool("thinpool", 459, "", true)).build());
    assertThat(active.refusal().reason()).isEqualTo(Plan.Reason.NOTHING_TO_REPAIR);
    assertThat(active.refusal().message()).contains("is active").contains("nothing was done");

    assertThat(MetadataRepair.plan(RUNBOOK, node().build()).refusal().reason())
        .isEqualTo(Plan.Reason.NOTHING_TO_REPAIR);
    assertThat(
            MetadataRepair.plan(RUNBOOK, node().vg("docker", false, 511, 2, inactivePool()).build())
                .refusal()
                .reason())
        .isEqualTo(Plan.Reason.FOREIGN_VOLUME_GROUP);
  }

  @Test
  void keptMetadataIsAPlainLvNamedAfterThePoolNeverAThinVolume() {
    HostState state =
        ourVg(
                2,
                pool("thinpool", 459, "docker-thinpool", true),
                linear("thinpool_meta0", 6),
                linear("thinpool_metadata", 6),
                linear("other_meta0", 6),
                thin("thinpool_meta7", "thinpool"))
            .build();

    assertThat(
            MetadataRepair.keptMetadataVolumes(
                "thinpool", state.volumeGroup("docker").orElseThrow()))
        .containsExactly("docker/thinpool_meta0");
  }

  @Test
  void whenAPoolWithKeptMetadataIsReconciledThenANoteSaysWhatItIsAndHowToRemoveIt() {
    HostState state =
        ourVg(2, pool("thinpool", 459, "docker-thinpool", true), linear("thinpool_meta0", 6))
            .runbookProfile()
            .build();

    Plan plan = PoolPlanner.plan(RUNBOOK, state);

    assertThat(plan.steps()).isEmpty();
    assertThat(plan.notes())
        .singleElement()
        .asString()
        .contains("docker/thinpool_meta0 holds the damaged metadata")
        .contains("`lvremove docker/thinpool_meta0`");
  }

  @Test
  void whenTearingDownAPoolWithKeptMetadataThenItGoesWithTheVgAndTheStepSaysSo() {
    HostState state =
        ourVg(2, pool("thinpool", 459, "docker-thinpool", true), linear("thinpool_meta0", 6))
            .build();

    Plan plan = PoolPlanner.planTeardown(RUNBOOK, state, TeardownConsent.NONE);

    assertThat(plan.isRefused()).isFalse();
    assertThat(plan.steps().get(0).intent()).isEqualTo(Intent.REMOVE_VOLUME_GROUP);
    assertThat(plan.steps().get(0).why())
        .contains("the damaged metadata an earlier repair kept: docker/thinpool_meta0");
  }
}
