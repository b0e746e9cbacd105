package io.thinpool.operator.status;

import io.thinpool.operator.api.ThinPool;
import io.thinpool.operator.api.ThinPoolStatus.MetadataRepairStatus;
import io.thinpool.operator.lvm.PoolEngine;
import io.thinpool.operator.lvm.PoolReport;
import io.thinpool.operator.lvm.host.FailureKind;
import io.thinpool.operator.lvm.plan.Step;
import io.thinpool.operator.lvm.spec.LvmNames;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * {@code status.metadataRepair} after one engine outcome: damage seen (and its token, which stays
 * the same while the damage lasts), the last repair run, and the old metadata kept on the node.
 */
final class MetadataRepairs {

  private MetadataRepairs() {}

  /** The new record, or null when there is nothing to say (no damage, no repair, nothing kept). */
  static MetadataRepairStatus next(
      ThinPool resource, RepairRequest request, PoolEngine.Outcome outcome, Instant now) {
    MetadataRepairStatus before =
        resource.getStatus() == null ? null : resource.getStatus().metadataRepair;
    PoolReport report = outcome.report();
    MetadataRepairStatus after = new MetadataRepairStatus();
    if (before != null) {
      after.lastRepairToken = before.lastRepairToken;
      after.lastRepairTime = before.lastRepairTime;
      after.lastRepairResult = before.lastRepairResult;
      after.lastRepairMessage = before.lastRepairMessage;
      after.keptMetadataVolumes = Objects.requireNonNullElse(before.keptMetadataVolumes, List.of());
    }
    if (report != null) {
      after.keptMetadataVolumes = report.keptMetadataVolumes();
    }
    boolean active = report != null && report.poolActive();
    boolean ran =
        outcome.executed().stream().anyMatch(s -> s.intent() == Step.Intent.REPAIR_METADATA);
    // A request the engine could not get to for a moment (the node lock held, LVM's lock busy)
    // is not used up: the retry a few seconds later acts on it. A repair that started is, even
    // when it timed out: thin_repair may have written, and only a new request may start another.
    boolean usedUp =
        request.approved()
            && (outcome.started(Step.Intent.REPAIR_METADATA) || !outcome.failedTransiently());
    if (usedUp) {
      recordRepair(after, request.token(), outcome, ran, now);
    }
    boolean notRepaired = usedUp && !MetadataRepairStatus.REPAIRED.equals(after.lastRepairResult);
    boolean checkFailed =
        outcome.failure() != null && outcome.failure().kind() == FailureKind.METADATA_DAMAGED;
    boolean gone = report != null && !report.poolExists();
    if ((checkFailed || notRepaired) && !active) {
      // A new token after each repair run: trying again takes a new, explicit request.
      after.damageSeen =
          before != null && before.damageSeen != null && !usedUp
              ? before.damageSeen
              : now.toString();
      after.token = resource.getMetadata().getUid() + "@" + after.damageSeen;
    } else if (before != null && !active && !gone) {
      // Not observed, or stopped before activation was tried: the damage seen still stands.
      after.damageSeen = before.damageSeen;
      after.token = before.token;
    }
    after.requestIgnored =
        request.verdict() == RepairRequest.Verdict.IGNORED ? request.why() : null;
    boolean empty =
        after.damageSeen == null
            && after.lastRepairToken == null
            && after.requestIgnored == null
            && after.keptMetadataVolumes.isEmpty();
    return empty ? null : after;
  }

  private static void recordRepair(
      MetadataRepairStatus after,
      String token,
      PoolEngine.Outcome outcome,
      boolean ran,
      Instant now) {
    after.lastRepairToken = token;
    after.lastRepairTime = now.toString();
    PoolReport report = outcome.report();
    if (outcome.status() == PoolEngine.Status.REFUSED && !ran) {
      after.lastRepairResult = MetadataRepairStatus.NOT_RUN;
      after.lastRepairMessage = outcome.plan().refusal().message();
    } else if (ran && report != null && report.poolActive()) {
      List<String> kept = report.keptMetadataVolumes();
      after.lastRepairResult = MetadataRepairStatus.REPAIRED;
      after.lastRepairMessage =
          "lvconvert --repair rebuilt the metadata of "
              + LvmNames.lvPath(report.volumeGroup(), report.poolName())
              + " and the pool is active again"
              + (kept.isEmpty()
                  ? ""
                  : "; the damaged metadata is kept in "
                      + kept.get(kept.size() - 1)
                      + ": check the thin volumes' data, then remove it with lvremove");
    } else {
      after.lastRepairResult = MetadataRepairStatus.FAILED;
      after.lastRepairMessage =
          (ran ? "the pool still does not activate after lvconvert --repair: " : "")
              + Objects.requireNonNullElse(
                  outcome.failure() == null ? null : outcome.failure().getMessage(),
                  "the pool is not active")
              + "; status.metadataRepair.token has a new token to try again";
    }
  }

  /** Whether the record says the pool's metadata is damaged now. */
  static boolean damaged(MetadataRepairStatus repair) {
    return repair != null && repair.token != null;
  }

  /** The Ready and Healthy message while the metadata is damaged: what, and how to ask. */
  static String damageMessage(ThinPool resource, String poolPath, MetadataRepairStatus repair) {
    return "pool "
        + poolPath
        + " failed its metadata check (thin_check) when LVM activated it"
        + (MetadataRepairStatus.FAILED.equals(repair.lastRepairResult)
            ? ", and its last repair failed"
            : "")
        + ". thinpool-operator never repairs on its own: `lvconvert --repair "
        + poolPath
        + "` rebuilds the metadata from what thin_repair can read (mappings it cannot read are"
        + " lost) and keeps the damaged metadata in an LV. To run it once, on this pool: kubectl"
        + " annotate thinpool "
        + resource.getMetadata().getName()
        + " --overwrite "
        + ThinPool.REPAIR_ANNOTATION
        + "="
        + repair.token;
  }
}
