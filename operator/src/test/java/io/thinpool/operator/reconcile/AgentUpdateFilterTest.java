package io.thinpool.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.thinpool.operator.api.ThinPool;
import io.thinpool.operator.api.ThinPoolStatus;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which updates wake the agent: the spec, its finalizer, a deletion, a repair request. */
class AgentUpdateFilterTest {

  private final AgentUpdateFilter filter = new AgentUpdateFilter();

  private static ThinPool pool(long generation, Map<String, String> annotations) {
    ThinPool pool = new ThinPool();
    pool.setMetadata(
        new ObjectMetaBuilder()
            .withName("runbook.node-a")
            .withGeneration(generation)
            .withFinalizers(List.of(ThinPoolReconciler.FINALIZER))
            .withAnnotations(annotations)
            .build());
    return pool;
  }

  @Test
  void whenOnlyTheStatusOrAnotherAnnotationChangesThenTheAgentIsNotWoken() {
    ThinPool old = pool(3, Map.of());
    ThinPool updated = pool(3, Map.of("note", "x"));
    updated.setStatus(new ThinPoolStatus());

    assertThat(filter.accept(updated, old)).isFalse();
  }

  @Test
  void whenTheSpecChangesOrTheRepairAnnotationIsSetOrChangedThenTheAgentIsWoken() {
    assertThat(filter.accept(pool(4, Map.of()), pool(3, Map.of()))).isTrue();
    assertThat(
            filter.accept(pool(3, Map.of(ThinPool.REPAIR_ANNOTATION, "uid@t1")), pool(3, Map.of())))
        .isTrue();
    assertThat(
            filter.accept(
                pool(3, Map.of(ThinPool.REPAIR_ANNOTATION, "uid@t2")),
                pool(3, Map.of(ThinPool.REPAIR_ANNOTATION, "uid@t1"))))
        .isTrue();
  }

  @Test
  void whenTheFinalizerIsMissingOrJustAddedOrTheThinPoolIsDeletedThenTheAgentIsWoken() {
    ThinPool withoutFinalizer = pool(3, Map.of());
    withoutFinalizer.getMetadata().setFinalizers(List.of());
    ThinPool deleted = pool(3, Map.of());
    deleted.getMetadata().setDeletionTimestamp("2026-12-01T22:00:00Z");

    assertThat(filter.accept(withoutFinalizer, pool(3, Map.of()))).isTrue();
    assertThat(filter.accept(pool(3, Map.of()), withoutFinalizer)).isTrue();
    assertThat(filter.accept(deleted, pool(3, Map.of()))).isTrue();
  }
}
