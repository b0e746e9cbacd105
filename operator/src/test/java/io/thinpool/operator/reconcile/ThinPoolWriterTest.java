package io.thinpool.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.thinpool.operator.api.ThinPool;
import io.thinpool.operator.api.ThinPoolConfig;
import io.thinpool.operator.api.ThinPoolConfigSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/** The controller's ThinPool writes, against a small in-memory stand-in for the API server. */
class ThinPoolWriterTest {

  /** ThinPools by name, and every write in the order made. Writes come from several threads. */
  private static final class FakeThinPoolApi implements ThinPoolApi {
    final Map<String, ThinPool> stored = new ConcurrentHashMap<>();
    final List<String> writes = new ArrayList<>();

    @Override
    public Optional<ThinPool> read(String name) {
      return Optional.ofNullable(stored.get(name));
    }

    @Override
    public synchronized void apply(ThinPool desired) {
      if (desired.getSpec().nodeName.equals("broken-node")) {
        throw new IllegalStateException("the API server refused " + name(desired));
      }
      stored.put(name(desired), desired);
      writes.add("apply " + name(desired));
    }

    @Override
    public synchronized void delete(String name) {
      writes.add("delete " + name);
    }

    @Override
    public synchronized void removeAgentFinalizer(String name) {
      writes.add("removeAgentFinalizer " + name);
    }
  }

  private final FakeThinPoolApi api = new FakeThinPoolApi();
  private final ThinPoolWriter writer = new ThinPoolWriter(api);
  private final ThinPoolConfig config = config("runbook", "uid-runbook");

  private static ThinPoolConfig config(String name, String uid) {
    ThinPoolConfig config = new ThinPoolConfig();
    config.setMetadata(new ObjectMetaBuilder().withName(name).withUid(uid).build());
    config.setSpec(new ThinPoolConfigSpec());
    config.getSpec().devices = List.of("/dev/sdb");
    return config;
  }

  private static String name(ThinPool pool) {
    return pool.getMetadata().getName();
  }

  /** A ThinPool in the cache, as the agent's finalizer and a deletion may have left it. */
  private static ThinPool existing(ThinPool desired, boolean deleting) {
    desired.getMetadata().setFinalizers(new ArrayList<>(List.of(ThinPoolReconciler.FINALIZER)));
    desired.getMetadata().setDeletionTimestamp(deleting ? "2026-11-23T10:00:00Z" : null);
    return desired;
  }

  @Test
  void whenNodesAreSelectedThenEachGetsAThinPoolWithTheConfigsParametersNodeLabelsAndOwner() {
    Map<String, String> taken = writer.applyDesired(config, Set.of("node-a", "node-b"), List.of());

    assertThat(taken).isEmpty();
    assertThat(api.writes)
        .containsExactlyInAnyOrder("apply runbook.node-a", "apply runbook.node-b");
    ThinPool pool = api.stored.get("runbook.node-a");
    assertThat(pool.getSpec().nodeName).isEqualTo("node-a");
    assertThat(pool.getSpec().devices).containsExactly("/dev/sdb");
    assertThat(pool.getMetadata().getLabels())
        .containsEntry(ThinPool.CONFIG_LABEL, "runbook")
        .containsEntry(ThinPool.NODE_LABEL, "node-a");
    assertThat(pool.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(
            owner -> {
              assertThat(owner.getUid()).isEqualTo("uid-runbook");
              assertThat(owner.getController()).isTrue();
            });
  }

  @Test
  void whenAThinPoolAlreadyMatchesThenOnlyTheOnesThatDifferAreWritten() {
    ThinPool same = existing(ThinPoolWriter.desired(config, "node-a"), false);
    ThinPool stale = existing(ThinPoolWriter.desired(config, "node-b"), false);
    stale.getSpec().dataPercentOfVg = 40;

    writer.applyDesired(config, Set.of("node-a", "node-b"), List.of(same, stale));

    assertThat(api.writes).containsExactly("apply runbook.node-b");
    assertThat(api.stored.get("runbook.node-b").getSpec().dataPercentOfVg).isEqualTo(90);
  }

  @Test
  void whenTheNameIsHeldByAnotherOwnerThenTheNodeIsReportedAndNothingIsTakenOver() {
    ThinPool byHand = ThinPoolWriter.desired(config, "node-a");
    byHand.getMetadata().setOwnerReferences(List.of());
    api.stored.put("runbook.node-a", byHand);
    ThinPool otherConfigs = ThinPoolWriter.desired(config("runbook.node", "uid-other"), "b");
    OwnerReference other =
        new OwnerReferenceBuilder().withKind("ThinPoolConfig").withName("runbook.node").build();
    other.setUid("uid-other");
    otherConfigs.getMetadata().setOwnerReferences(List.of(other));
    otherConfigs.getMetadata().setName("runbook.node-b");
    api.stored.put("runbook.node-b", otherConfigs);

    Map<String, String> taken =
        writer.applyDesired(config, Set.of("node-a", "node-b", "node-c"), List.of());

    assertThat(api.writes).containsExactly("apply runbook.node-c");
    assertThat(taken).containsOnlyKeys("node-a", "node-b");
    assertThat(taken.get("node-a")).contains("runbook.node-a").contains("made by hand");
    assertThat(taken.get("node-b")).contains("ThinPoolConfig runbook.node");
    assertThat(api.stored.get("runbook.node-a")).isSameAs(byHand);
  }

  @Test
  void whenANodeLeavesTheSelectionThenItsThinPoolIsDeletedAndAGoneNodesFinalizerRemoved() {
    ThinPool kept = existing(ThinPoolWriter.desired(config, "node-a"), false);
    ThinPool deselected = existing(ThinPoolWriter.desired(config, "node-b"), false);
    ThinPool nodeGone = existing(ThinPoolWriter.desired(config, "node-c"), true);

    writer.releaseDeselected(
        config, Set.of("node-a"), List.of(kept, deselected, nodeGone), Set.of("node-a", "node-b"));

    assertThat(api.writes)
        .containsExactly("delete runbook.node-b", "removeAgentFinalizer runbook.node-c");
  }

  @Test
  void whenAWriteFailsThenTheFailureReachesTheReconcile() {
    assertThatThrownBy(
            () -> writer.applyDesired(config, Set.of("node-a", "broken-node"), List.of()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("runbook.broken-node");
  }
}
