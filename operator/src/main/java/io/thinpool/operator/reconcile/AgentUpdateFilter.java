package io.thinpool.operator.reconcile;

import io.javaoperatorsdk.operator.processing.event.source.filter.OnUpdateFilter;
import io.thinpool.operator.api.ThinPool;
import java.util.Map;
import java.util.Objects;

/**
 * Which updates of a ThinPool wake its agent: what JOSDK's generation-aware filtering lets through
 * (a new spec generation, the agent's finalizer missing or just added, a deletion), and a change of
 * the repair annotation, which leaves the generation as it is. The agent's own status writes wake
 * nothing; its refresh timer drives observation.
 */
public final class AgentUpdateFilter implements OnUpdateFilter<ThinPool> {

  @Override
  public boolean accept(ThinPool updated, ThinPool old) {
    return generation(updated) > generation(old)
        || !updated.hasFinalizer(ThinPoolReconciler.FINALIZER)
        || !old.hasFinalizer(ThinPoolReconciler.FINALIZER)
        || updated.isMarkedForDeletion()
        || !Objects.equals(repairRequest(updated), repairRequest(old));
  }

  private static long generation(ThinPool pool) {
    return Objects.requireNonNullElse(pool.getMetadata().getGeneration(), 0L);
  }

  private static String repairRequest(ThinPool pool) {
    Map<String, String> annotations = pool.getMetadata().getAnnotations();
    return annotations == null ? null : annotations.get(ThinPool.REPAIR_ANNOTATION);
  }
}
