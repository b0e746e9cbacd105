package io.thinpool.operator.lvm.plan;

import static io.thinpool.operator.lvm.plan.States.node;
import static io.thinpool.operator.lvm.plan.States.runbookPool;
import static org.assertj.core.api.Assertions.assertThat;

import io.thinpool.operator.lvm.observe.HostState.DmDevice;
import io.thinpool.operator.lvm.observe.PoolContents;
import io.thinpool.operator.lvm.observe.PoolContents.MappedThinDevice;
import io.thinpool.operator.lvm.spec.PoolSpec;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The stuck-pool recovery drops nothing from the metadata while something uses it. */
class RecoveryPlannerTest {

  private static final PoolSpec RUNBOOK = PoolSpec.runbook("/dev/sdb");
  private static final List<String> DROPPED = List.of("thinpool", "images");

  @Test
  void whenTheVgIsMissingOrNotOursThenRecoveryIsRefused() {
    assertThat(RecoveryPlanner.refusal(RUNBOOK, node().build()).orElseThrow().refusal().reason())
        .isEqualTo(Plan.Reason.FOREIGN_VOLUME_GROUP);
    assertThat(
            RecoveryPlanner.refusal(RUNBOOK, node().vg("docker", false, 10, 10).build())
                .orElseThrow()
                .refusal()
                .message())
        .contains("never modifies");
  }

  @Test
  void whenAThinVolumeOfThePoolIsMountedThenRecoveryDoesNotStart() {
    PoolContents mounted =
        new PoolContents(
            true,
            "",
            1,
            1L << 20,
            2,
            1,
            List.of(new MappedThinDevice("docker-images", true, 1)),
            List.of(1L),
            Set.of(1L),
            "pool-uuid");

    Plan refused =
        RecoveryPlanner.refusal(RUNBOOK, runbookPool("/dev/sdb").contents(mounted).build())
            .orElseThrow();

    assertThat(refused.refusal().reason()).isEqualTo(Plan.Reason.DEVICE_IN_USE);
    assertThat(refused.refusal().message()).contains("docker-images").contains("nothing");
  }

  @Test
  void whenAThinVolumeStaysOpenAfterTheDeactivationsThenTheMetadataIsNotRestored() {
    List<DmDevice> after =
        List.of(
            new DmDevice("docker-thinpool-tpool", "LVM-a-tpool", 2),
            new DmDevice("docker-images", "LVM-b", 1));

    Plan plan = RecoveryPlanner.restore(RUNBOOK, DROPPED, "/backup.without", after);

    assertThat(plan.refusal().reason()).isEqualTo(Plan.Reason.DEVICE_IN_USE);
    assertThat(plan.refusal().message()).contains("still open after deactivation: docker-images");
    assertThat(plan.steps()).isEmpty();
  }

  @Test
  void whenOnlyThePoolsOwnTablesStayThenTheMetadataIsRestoredAndTheyAreRemovedAfter() {
    List<DmDevice> after =
        List.of(
            new DmDevice("docker-thinpool-tpool", "LVM-a-tpool", 1),
            new DmDevice("docker-thinpool", "LVM-a", 0),
            new DmDevice("docker-images", "LVM-b", 0));

    Plan plan = RecoveryPlanner.restore(RUNBOOK, DROPPED, "/backup.without", after);

    assertThat(plan.isRefused()).isFalse();
    assertThat(plan.steps())
        .extracting(Step::intent)
        .containsExactly(Step.Intent.RESTORE_METADATA_WITHOUT_POOL);
    assertThat(RecoveryPlanner.leftoverRemoval(RUNBOOK, DROPPED, after))
        .extracting(step -> step.argv().get(2))
        .containsExactly("docker-thinpool", "docker-thinpool-tpool", "docker-images");
  }
}
