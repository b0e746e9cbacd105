package io.thinpool.operator.lvm.plan;

import static io.thinpool.operator.lvm.plan.States.pool;
import static io.thinpool.operator.lvm.plan.States.thin;
import static org.assertj.core.api.Assertions.assertThat;

import io.thinpool.operator.lvm.observe.HostState;
import io.thinpool.operator.lvm.spec.LvmNames;
import io.thinpool.operator.lvm.spec.PoolOwner;
import io.thinpool.operator.lvm.spec.PoolSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A volume group says which config on which node owns it: another node's is never touched, another
 * config's only adopted, and one made before owners were recorded gets its owner.
 */
class OwnershipTest {

  private static final PoolSpec RUNBOOK = PoolSpec.runbook("/dev/sdb");
  private static final PoolOwner OURS = RUNBOOK.owner();

  @Test
  void whenTheVolumeGroupIsAnotherNodesThenNothingIsPlannedEvenWithAdoptionAndTheDestroyFlag() {
    HostState shared = converged(List.of(LvmNames.OWNER_TAG, config(OURS), "thinpool.io/node=n2"));
    PoolSpec everything = RUNBOOK.toBuilder().adoptExisting(true).destroyExistingData(true).build();

    Plan plan = PoolPlanner.plan(everything, shared);

    assertThat(plan.refusal().reason()).isEqualTo(Plan.Reason.OWNED_BY_OTHER_NODE);
    assertThat(plan.refusal().message()).contains("belongs to node n2", "adoptExisting included");
    assertThat(plan.steps()).isEmpty();
    assertThat(PoolPlanner.planTeardown(everything, shared, TeardownConsent.FORCE).notOurs())
        .isTrue();
    assertThat(RecoveryPlanner.refusal(everything, shared).orElseThrow().notOurs()).isTrue();
    assertThat(MetadataRepair.plan(everything, shared).notOurs()).isTrue();
  }

  @Test
  void whenTheVolumeGroupIsAnotherConfigsOnThisNodeThenItIsTakenOverOnlyByAdoption() {
    HostState retained =
        converged(List.of(LvmNames.OWNER_TAG, "thinpool.io/config=first", node(OURS)));

    Plan plain = PoolPlanner.plan(RUNBOOK, retained);
    assertThat(plain.refusal().reason()).isEqualTo(Plan.Reason.OWNED_BY_OTHER_CONFIG);
    assertThat(plain.refusal().message())
        .contains("belongs to ThinPoolConfig first", "set adoptExisting");
    assertThat(PoolPlanner.planTeardown(RUNBOOK, retained, TeardownConsent.FORCE).notOurs())
        .isTrue();

    Plan adopted = PoolPlanner.plan(RUNBOOK.toBuilder().adoptExisting(true).build(), retained);
    assertThat(adopted.steps())
        .extracting(Step::intent)
        .containsExactly(Step.Intent.ADOPT_VOLUME_GROUP);
    assertThat(adopted.steps().get(0).argv())
        .containsExactly(
            "vgchange", "--deltag", "thinpool.io/config=first", "--addtag", config(OURS), "docker");
    assertThat(adopted.steps().get(0).why()).contains("until now ThinPoolConfig first's");
  }

  @Test
  void whenAnotherConfigsVolumeGroupDoesNotMatchTheSpecThenAdoptionIsRefused() {
    HostState sharedWithAVolume =
        States.node()
            .pv("/dev/sdb", "docker")
            .vg(
                "docker",
                List.of(LvmNames.OWNER_TAG, "thinpool.io/config=first", node(OURS)),
                511,
                2,
                pool("thinpool", 400, "docker-thinpool", true),
                States.linear("logs", 50))
            .runbookProfile()
            .build();

    Plan plan =
        PoolPlanner.plan(RUNBOOK.toBuilder().adoptExisting(true).build(), sharedWithAVolume);

    assertThat(plan.refusal().reason()).isEqualTo(Plan.Reason.ADOPTION_MISMATCH);
    assertThat(plan.refusal().message()).contains("it also holds logs");
  }

  @Test
  void whenAnEarlierVersionMadeTheVolumeGroupThenItsOwnerIsRecordedAndNothingElseChanges() {
    HostState earlier = converged(List.of(LvmNames.OWNER_TAG));

    Plan plan = PoolPlanner.plan(RUNBOOK, earlier);

    assertThat(plan.steps()).extracting(Step::intent).containsExactly(Step.Intent.RECORD_OWNER);
    assertThat(plan.steps().get(0).argv())
        .containsExactly("vgchange", "--addtag", config(OURS), "--addtag", node(OURS), "docker");
    assertThat(PoolPlanner.planTeardown(RUNBOOK, earlier, TeardownConsent.NONE).isRefused())
        .isFalse();
  }

  @Test
  void whenTheVolumeGroupIsOursThenAConvergedPoolPlansNothing() {
    assertThat(PoolPlanner.plan(RUNBOOK, States.runbookPool("/dev/sdb").build()).isEmpty())
        .isTrue();
  }

  @Test
  void whenAPoolWithAThinVolumeIsAnotherNodesThenTheForceFlagDoesNotRemoveIt() {
    HostState shared =
        States.node()
            .pv("/dev/sdb", "docker")
            .vg(
                "docker",
                List.of(LvmNames.OWNER_TAG, config(OURS), "thinpool.io/node=n2"),
                511,
                2,
                pool("thinpool", 459, "docker-thinpool", true),
                thin("images", "thinpool"))
            .build();

    Plan teardown = PoolPlanner.planTeardown(RUNBOOK, shared, TeardownConsent.FORCE);

    assertThat(teardown.refusal().reason()).isEqualTo(Plan.Reason.OWNED_BY_OTHER_NODE);
    assertThat(teardown.steps()).isEmpty();
  }

  private static HostState converged(List<String> tags) {
    return States.node()
        .pv("/dev/sdb", "docker")
        .vg("docker", tags, 511, 2, pool("thinpool", 459, "docker-thinpool", true))
        .runbookProfile()
        .build();
  }

  private static String config(PoolOwner owner) {
    return owner.tags().get(0);
  }

  private static String node(PoolOwner owner) {
    return owner.tags().get(1);
  }
}
