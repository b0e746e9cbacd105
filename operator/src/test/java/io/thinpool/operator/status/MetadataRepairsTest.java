package io.thinpool.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.thinpool.operator.api.ConditionTypes;
import io.thinpool.operator.api.ThinPool;
import io.thinpool.operator.api.ThinPoolPhases;
import io.thinpool.operator.api.ThinPoolSpec;
import io.thinpool.operator.api.ThinPoolStatus;
import io.thinpool.operator.api.ThinPoolStatus.MetadataRepairStatus;
import io.thinpool.operator.lvm.PoolEngine;
import io.thinpool.operator.lvm.PoolEngine.Outcome;
import io.thinpool.operator.lvm.PoolEngine.Status;
import io.thinpool.operator.lvm.PoolReport;
import io.thinpool.operator.lvm.StepFailedException;
import io.thinpool.operator.lvm.host.FailureKind;
import io.thinpool.operator.lvm.host.HostCommandException;
import io.thinpool.operator.lvm.observe.ContainerdUse;
import io.thinpool.operator.lvm.observe.HostState;
import io.thinpool.operator.lvm.observe.HostState.LogicalVolume;
import io.thinpool.operator.lvm.observe.HostState.PhysicalVolume;
import io.thinpool.operator.lvm.observe.HostState.VolumeGroup;
import io.thinpool.operator.lvm.observe.PoolContents;
import io.thinpool.operator.lvm.plan.Plan;
import io.thinpool.operator.lvm.plan.Step;
import io.thinpool.operator.lvm.spec.LvmNames;
import io.thinpool.operator.lvm.spec.PoolSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Damaged metadata in the ThinPool's status, and the annotation that asks for its repair: the token
 * stays while the damage lasts, is acted on once, and anything else is refused with a reason.
 */
class MetadataRepairsTest {

  private static final String UID = "0f6c2f0e-3a7d-4b8e-9a64-5b0e2c1d9f10";
  private static final Instant T0 = Instant.parse("2026-12-01T22:00:00Z");
  private static final Instant T1 = Instant.parse("2026-12-01T22:00:30Z");
  private static final Instant T2 = Instant.parse("2026-12-01T22:01:00Z");
  private static final PoolSpec SPEC = PoolSpec.runbook("/dev/sdb");
  private static final long MIB = 1024 * 1024;

  private final ThinPool resource = resource();

  private static ThinPool resource() {
    ThinPool pool = new ThinPool();
    pool.setMetadata(
        new ObjectMetaBuilder().withName("runbook.node-a").withUid(UID).withGeneration(2L).build());
    pool.setSpec(new ThinPoolSpec());
    return pool;
  }

  /** The node with the pool, active or not, and the given extra LVs. */
  private static HostState node(boolean poolActive, String... extraLvs) {
    List<LogicalVolume> lvs = new ArrayList<>();
    lvs.add(
        new LogicalVolume(
            "thinpool",
            poolActive ? "twi-a-tz--" : "twi---tz--",
            1836 * MIB,
            "",
            poolActive ? 1.0 : null,
            poolActive ? 10.0 : null,
            100 * MIB,
            "docker-thinpool",
            poolActive,
            "thin-pool",
            512 * 1024,
            false,
            poolActive ? "monitored" : "",
            "",
            null));
    for (String name : extraLvs) {
      lvs.add(
          new LogicalVolume(
              name,
              "-wi-------",
              100 * MIB,
              "",
              null,
              null,
              0,
              "",
              false,
              "linear",
              0,
              false,
              "",
              "",
              null));
    }
    VolumeGroup vg =
        new VolumeGroup(
            "docker", 2044 * MIB, 8 * MIB, 4 * MIB, 511, 2, List.of(LvmNames.OWNER_TAG), lvs);
    return new HostState(
        List.of(vg),
        List.of(new PhysicalVolume("/dev/sdb", "docker", 2044 * MIB, 8 * MIB, 1, "")),
        Map.of(),
        List.of(),
        Map.of(),
        List.of(),
        Map.of(),
        PoolContents.empty(),
        ContainerdUse.NONE);
  }

  private static Outcome checkFailed() {
    HostState state = node(false);
    return new Outcome(
        Status.FAILED,
        null,
        List.of(),
        state,
        PoolReport.of(SPEC, state),
        new HostCommandException(
            FailureKind.METADATA_DAMAGED,
            "`lvchange --activate y docker/thinpool` failed (exit 5, METADATA_DAMAGED): Check of"
                + " pool docker/thinpool failed (status:1). Manual repair required!",
            null));
  }

  /** The repair the annotation asks for, as the engine plans it. */
  private static final Step REPAIR =
      Step.of(
          Step.Intent.REPAIR_METADATA,
          "asked",
          "lvconvert",
          "--repair",
          "--yes",
          "docker/thinpool");

  private static Outcome repaired() {
    HostState state = node(true, "thinpool_meta0");
    return new Outcome(
        Status.CONVERGED,
        new Plan(List.of(), List.of(), List.of(), null),
        List.of(REPAIR),
        state,
        PoolReport.of(SPEC, state),
        null);
  }

  private ThinPoolStatus next(Outcome outcome, Instant now) {
    ThinPoolStatus status = ThinPoolStatuses.from(resource, outcome, null, now).after();
    resource.setStatus(status);
    return status;
  }

  private void annotate(String token) {
    resource.getMetadata().setAnnotations(Map.of(ThinPool.REPAIR_ANNOTATION, token));
  }

  private static Condition condition(ThinPoolStatus status, String type) {
    return Conditions.find(status.conditions, type).orElseThrow();
  }

  @Test
  void whenThePoolFailsItsMetadataCheckThenReadyAndHealthyNameTheDamageAndHowToAskForTheRepair() {
    ThinPoolStatus status = next(checkFailed(), T0);

    String token = UID + "@" + T0;
    assertThat(status.metadataRepair.token).isEqualTo(token);
    assertThat(status.metadataRepair.damageSeen).isEqualTo(T0.toString());
    assertThat(status.phase).isEqualTo(ThinPoolPhases.FAILED);
    for (String type : List.of(ConditionTypes.READY, ConditionTypes.HEALTHY)) {
      assertThat(condition(status, type).getStatus()).isEqualTo("False");
      assertThat(condition(status, type).getReason()).isEqualTo(ConditionTypes.METADATA_DAMAGED);
      assertThat(condition(status, type).getMessage())
          .contains("lvconvert --repair docker/thinpool")
          .contains(
              "kubectl annotate thinpool runbook.node-a --overwrite thinpool.io/repair-metadata="
                  + token);
    }
    assertThat(status.lastError).contains("Manual repair required");
    assertThat(RepairRequest.of(resource).verdict()).isEqualTo(RepairRequest.Verdict.NONE);
  }

  @Test
  void whileTheDamageLastsTheTokenStaysTheSame() {
    String token = next(checkFailed(), T0).metadataRepair.token;

    assertThat(next(checkFailed(), T1).metadataRepair.token).isEqualTo(token);
  }

  @Test
  void whenTheAnnotationIsNotTheCurrentTokenThenNothingIsApprovedAndTheStatusSaysWhy() {
    next(checkFailed(), T0);
    annotate(UID + "@2026-11-30T08:00:00Z");

    RepairRequest request = RepairRequest.of(resource);
    ThinPoolStatus status = next(checkFailed(), T1);

    assertThat(request.verdict()).isEqualTo(RepairRequest.Verdict.IGNORED);
    assertThat(status.metadataRepair.requestIgnored)
        .contains("is not the token of the damage seen at " + T0)
        .contains(UID + "@" + T0);
    assertThat(status.metadataRepair.lastRepairToken).isNull();
  }

  @Test
  void whenNoDamageIsKnownOrPlanOnlyIsSetThenAnAnnotationIsNotActedOn() {
    annotate(UID + "@" + T0);
    assertThat(RepairRequest.of(resource).why()).contains("has not failed its check");

    next(checkFailed(), T0);
    resource.getSpec().planOnly = true;
    assertThat(RepairRequest.of(resource).verdict()).isEqualTo(RepairRequest.Verdict.IGNORED);
    assertThat(RepairRequest.of(resource).why()).contains("planOnly");
  }

  @Test
  void whenTheRepairRanThenItIsRecordedOnceAndTheAnnotationLeftBehindAsksForNothingMore() {
    String token = next(checkFailed(), T0).metadataRepair.token;
    annotate(token);
    assertThat(RepairRequest.of(resource).approved()).isTrue();

    ThinPoolStatus status = next(repaired(), T1);

    MetadataRepairStatus repair = status.metadataRepair;
    assertThat(repair.lastRepairResult).isEqualTo(MetadataRepairStatus.REPAIRED);
    assertThat(repair.lastRepairToken).isEqualTo(token);
    assertThat(repair.lastRepairTime).isEqualTo(T1.toString());
    assertThat(repair.token).isNull();
    assertThat(repair.damageSeen).isNull();
    assertThat(repair.keptMetadataVolumes).containsExactly("docker/thinpool_meta0");
    assertThat(repair.lastRepairMessage).contains("kept in docker/thinpool_meta0");
    assertThat(condition(status, ConditionTypes.READY).getStatus()).isEqualTo("True");
    assertThat(RepairRequest.of(resource).verdict()).isEqualTo(RepairRequest.Verdict.NONE);

    // The same damage again later: a new token; the old annotation does not repair it.
    ThinPoolStatus again = next(checkFailed(), T2);
    assertThat(again.metadataRepair.token).isEqualTo(UID + "@" + T2).isNotEqualTo(token);
    assertThat(RepairRequest.of(resource).approved()).isFalse();
  }

  @Test
  void whenTheRepairFailsThenTheDamageGetsANewTokenSoThatTryingAgainTakesANewRequest() {
    String token = next(checkFailed(), T0).metadataRepair.token;
    annotate(token);

    ThinPoolStatus status = next(checkFailed(), T1);

    assertThat(status.metadataRepair.lastRepairResult).isEqualTo(MetadataRepairStatus.FAILED);
    assertThat(status.metadataRepair.lastRepairToken).isEqualTo(token);
    assertThat(status.metadataRepair.token).isEqualTo(UID + "@" + T1);
    assertThat(condition(status, ConditionTypes.READY).getMessage())
        .contains("its last repair failed");
    assertThat(RepairRequest.of(resource).approved()).isFalse();
  }

  @Test
  void whenTheNodeIsBusyForAMomentThenTheRequestIsNotUsedUpAndTheRetryActsOnIt() {
    String token = next(checkFailed(), T0).metadataRepair.token;
    annotate(token);
    Outcome busy =
        new Outcome(
            Status.FAILED,
            null,
            List.of(),
            null,
            null,
            new HostCommandException(
                FailureKind.LOCK_CONTENTION, "another engine holds the node's lock", null));

    ThinPoolStatus status = next(busy, T1);

    assertThat(status.metadataRepair.lastRepairToken).isNull();
    assertThat(status.metadataRepair.token).isEqualTo(token);
    assertThat(RepairRequest.of(resource).approved()).isTrue();
  }

  @Test
  void whenTheRepairTimesOutThenItsTokenIsUsedUpAndIsNotStartedAgainEveryFewSeconds() {
    String token = next(checkFailed(), T0).metadataRepair.token;
    annotate(token);
    HostState state = node(false);
    Outcome timedOut =
        new Outcome(
            Status.FAILED,
            null,
            List.of(),
            state,
            PoolReport.of(SPEC, state),
            new StepFailedException(
                REPAIR,
                new HostCommandException(
                    FailureKind.TIMEOUT,
                    "`lvconvert --repair --yes docker/thinpool` failed (timed out after 1800s)",
                    null)));
    assertThat(timedOut.failedTransiently()).isTrue();

    ThinPoolStatus status = next(timedOut, T1);

    assertThat(status.metadataRepair.lastRepairToken).isEqualTo(token);
    assertThat(status.metadataRepair.lastRepairResult).isEqualTo(MetadataRepairStatus.FAILED);
    assertThat(status.metadataRepair.token).isNotEqualTo(token);
    assertThat(RepairRequest.of(resource).approved()).isFalse();
  }

  @Test
  void aPoolThatNeverFailedItsCheckHasNoRepairRecord() {
    assertThat(
            ThinPoolStatuses.from(
                    resource,
                    new PoolEngine.Outcome(
                        Status.CONVERGED,
                        new Plan(List.of(), List.of(), List.of(), null),
                        List.of(),
                        node(true),
                        PoolReport.of(SPEC, node(true)),
                        null),
                    null,
                    T0)
                .after()
                .metadataRepair)
        .isNull();
  }
}
