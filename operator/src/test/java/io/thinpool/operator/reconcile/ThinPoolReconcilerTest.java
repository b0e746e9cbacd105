package io.thinpool.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.thinpool.operator.api.ThinPool;
import io.thinpool.operator.api.ThinPoolStatus;
import io.thinpool.operator.lvm.FakeLvmNode;
import io.thinpool.operator.lvm.PoolEngine;
import io.thinpool.operator.lvm.host.CommandResult;
import io.thinpool.operator.lvm.host.DeviceMapperEvents;
import io.thinpool.operator.lvm.spec.PoolSpec;
import io.thinpool.operator.metrics.PoolMetrics;
import io.thinpool.operator.status.PoolReconcile;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** When the agent looks at a pool again without an API event, and what it counts as growth. */
class ThinPoolReconcilerTest {

  private static final Duration REFRESH = Duration.ofSeconds(30);
  private static final long DISK = 2L * 1024 * 1024 * 1024;
  private static final PoolSpec RUNBOOK = PoolSpec.runbook("/dev/sdb");
  private static final PoolSpec HALF = RUNBOOK.toBuilder().sizes(50, 2).build();
  private static final PoolSpec LARGER = HALF.toBuilder().sizes(70, 2).build();

  /** An engine outcome on a node where every command fails with this stderr. */
  private static PoolEngine.Outcome failingWith(String stderr) {
    return new PoolEngine(command -> new CommandResult(5, "", stderr, false)).reconcile(RUNBOOK);
  }

  @Test
  void whenLvmsLockStaysHeldThenEachAttemptWaitsTwiceAsLongUpToTheRefresh() {
    TransientRetries retries = new TransientRetries();
    ThinPool pool = pool(null);
    PoolEngine.Outcome contended = failingWith("  Can't get lock for docker");

    List<Duration> waits = new ArrayList<>();
    for (int attempt = 0; attempt < 6; attempt++) {
      waits.add(retries.next(pool, contended, REFRESH));
    }

    assertThat(waits)
        .containsExactly(
            Duration.ofSeconds(5),
            Duration.ofSeconds(10),
            Duration.ofSeconds(20),
            REFRESH,
            REFRESH,
            REFRESH);
  }

  @Test
  void whenAFailureWillNotGoAwayByItselfThenTheRefreshIsKept() {
    PoolEngine.Outcome missing = failingWith("lvm: command not found");

    assertThat(missing.failure().kind().transientFailure()).isFalse();
    assertThat(new TransientRetries().next(pool(null), missing, REFRESH)).isEqualTo(REFRESH);
  }

  @Test
  void whenThePoolConvergesThenTheNextFailureIsRetriedSoonAgain() {
    TransientRetries retries = new TransientRetries();
    ThinPool pool = pool(null);
    PoolEngine.Outcome contended = failingWith("  Can't get lock for docker");
    retries.next(pool, contended, REFRESH);
    retries.next(pool, contended, REFRESH);
    PoolEngine.Outcome converged =
        new PoolEngine(new FakeLvmNode(2L * 1024 * 1024 * 1024, "/dev/sdb")).reconcile(RUNBOOK);

    assertThat(retries.next(pool, converged, REFRESH)).isEqualTo(REFRESH);
    assertThat(retries.next(pool, contended, REFRESH)).isEqualTo(TransientRetries.FIRST);
    assertThat(retries.next(pool, contended, Duration.ofSeconds(1)))
        .isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void whenTheStatusWriteAfterTheAgentsOwnGrowthFailed_thenTheRetryCountsNoExtension() {
    FakeLvmNode node = new FakeLvmNode(DISK, "/dev/sdb");
    ThinPoolReconciler agent = agentOn(node);
    ThinPool pool = pool(null);
    ThinPoolStatus built = agent.recordAfter(pool, new PoolEngine(node).reconcile(HALF)).after();
    pool.setStatus(built);

    // The spec grows: the agent runs lvextend, then its status write conflicts and is lost.
    ThinPoolStatus grown = agent.recordAfter(pool, new PoolEngine(node).reconcile(LARGER)).after();
    assertThat(grown.pool.sizeBytes).isGreaterThan(built.pool.sizeBytes);
    // The retry starts from the status as it was: the pool is larger, and no step of this
    // reconcile made it so.
    PoolEngine.Outcome retry = new PoolEngine(node).reconcile(LARGER);
    assertThat(retry.executed()).isEmpty();
    assertThat(retry.extendedSince(built.pool.sizeBytes)).isTrue();

    PoolReconcile retried = agent.recordAfter(pool, retry);

    assertThat(retried.extensionObserved()).isFalse();
    assertThat(retried.after().autoextend.extensionsObserved).isZero();
    assertThat(PoolEvents.of(retried))
        .extracting(PoolEvents.PoolEvent::reason)
        .doesNotContain("Extended");

    // Once the status shows the agent's size, dmeventd's extensions count again.
    pool.setStatus(retried.after());
    node.fill("docker", "thinpool", 85);
    node.autoextend("docker", "thinpool", 20);
    PoolReconcile extended = agent.recordAfter(pool, new PoolEngine(node).reconcile(LARGER));
    assertThat(extended.extensionObserved()).isTrue();
    assertThat(extended.after().autoextend.extensionsObserved).isEqualTo(1);
  }

  private static ThinPoolReconciler agentOn(FakeLvmNode node) {
    return new ThinPoolReconciler(
        "node-a",
        node,
        new DeviceMapperEvents(node),
        REFRESH,
        Clock.systemUTC(),
        new PoolMetrics(new SimpleMeterRegistry(), "node-a"));
  }

  private static ThinPool pool(ThinPoolStatus status) {
    ThinPool pool = new ThinPool();
    pool.setMetadata(new ObjectMetaBuilder().withName("runbook.node-a").withGeneration(1L).build());
    pool.setStatus(status);
    return pool;
  }
}
