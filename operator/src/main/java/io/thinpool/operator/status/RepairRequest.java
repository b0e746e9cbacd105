package io.thinpool.operator.status;

import io.thinpool.operator.api.ThinPool;
import io.thinpool.operator.api.ThinPoolStatus.MetadataRepairStatus;
import io.thinpool.operator.rules.Defaults;
import java.util.Map;
import java.util.Objects;

/**
 * What the annotation {@value ThinPool#REPAIR_ANNOTATION} asks of the agent, read against the
 * ThinPool's status: a repair runs only when its value is the token of the damage seen now, and
 * never twice for one token, so an annotation left behind never repairs again later.
 *
 * @param token the annotation's value (null when there is none)
 * @param why for {@link Verdict#IGNORED}: why nothing is done, in words for the user
 */
public record RepairRequest(Verdict verdict, String token, String why) {

  public enum Verdict {
    /** No annotation, or one whose token was acted on already. */
    NONE,
    /** The token names the damage seen now: repair. */
    APPROVED,
    /** An annotation that does not name the damage seen now: nothing is done, and the user told. */
    IGNORED
  }

  public static RepairRequest of(ThinPool pool) {
    Map<String, String> annotations = pool.getMetadata().getAnnotations();
    String asked = annotations == null ? null : annotations.get(ThinPool.REPAIR_ANNOTATION);
    MetadataRepairStatus repair = pool.getStatus() == null ? null : pool.getStatus().metadataRepair;
    if (asked == null || (repair != null && asked.equals(repair.lastRepairToken))) {
      return new RepairRequest(Verdict.NONE, asked, "");
    }
    String annotation = ThinPool.REPAIR_ANNOTATION + "=" + asked;
    if (pool.getSpec() != null
        && Objects.requireNonNullElse(pool.getSpec().planOnly, Defaults.PLAN_ONLY)) {
      return ignored(
          asked,
          annotation
              + " is not acted on: planOnly changes nothing on the node, a repair"
              + " included");
    }
    if (repair == null || repair.token == null) {
      return ignored(
          asked,
          annotation
              + " is not acted on: the pool's metadata has not failed its check, so there is"
              + " nothing to repair");
    }
    if (!asked.equals(repair.token)) {
      return ignored(
          asked,
          annotation
              + " is not acted on: it is not the token of the damage seen at "
              + repair.damageSeen
              + ", which is "
              + repair.token);
    }
    return new RepairRequest(Verdict.APPROVED, asked, "");
  }

  private static RepairRequest ignored(String token, String why) {
    return new RepairRequest(Verdict.IGNORED, token, why);
  }

  public boolean approved() {
    return verdict == Verdict.APPROVED;
  }
}
