package io.thinpool.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.thinpool.operator.lvm.CommandResult;
import io.thinpool.operator.lvm.FakeLvmNode;
import io.thinpool.operator.lvm.PoolEngine;
import io.thinpool.operator.lvm.PoolSpec;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** When the agent looks at a pool again without an API event. */
class ThinPoolReconcilerTest {

  private static final Duration REFRESH = Duration.ofSeconds(30);
  private static final PoolSpec RUNBOOK = PoolSpec.runbook("/dev/sdb");

  /** An engine outcome on a node where every command fails with this stderr. */
  private static PoolEngine.Outcome failingWith(String stderr) {
    return new PoolEngine(command -> new CommandResult(5, "", stderr, false)).reconcile(RUNBOOK);
  }

  @Test
  void whenLvmsLockIsHeldThenTheNextAttemptComesSoonerThanTheRefresh() {
    PoolEngine.Outcome contended = failingWith("  Can't get lock for docker");

    assertThat(ThinPoolReconciler.nextAttempt(contended, REFRESH))
        .isEqualTo(ThinPoolReconciler.TRANSIENT_RETRY)
        .isLessThan(REFRESH);
  }

  @Test
  void whenAFailureWillNotGoAwayByItselfThenTheRefreshIsKept() {
    PoolEngine.Outcome missing = failingWith("lvm: command not found");

    assertThat(missing.failure().kind().transientFailure()).isFalse();
    assertThat(ThinPoolReconciler.nextAttempt(missing, REFRESH)).isEqualTo(REFRESH);
  }

  @Test
  void whenThePoolConvergedOrTheRefreshIsShorterThenTheRefreshIsKept() {
    PoolEngine.Outcome converged =
        new PoolEngine(new FakeLvmNode(2L * 1024 * 1024 * 1024, "/dev/sdb")).reconcile(RUNBOOK);
    Duration quick = Duration.ofSeconds(1);

    assertThat(ThinPoolReconciler.nextAttempt(converged, REFRESH)).isEqualTo(REFRESH);
    assertThat(ThinPoolReconciler.nextAttempt(failingWith("  Can't get lock for docker"), quick))
        .isEqualTo(quick);
  }
}
