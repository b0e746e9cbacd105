package io.thinpool.operator.lvm;

import static io.thinpool.operator.testnode.TestVm.disk;
import static org.assertj.core.api.Assertions.assertThat;

import io.thinpool.operator.Tiers;
import io.thinpool.operator.lvm.PoolEngine.Outcome;
import io.thinpool.operator.lvm.PoolEngine.Status;
import io.thinpool.operator.lvm.plan.States;
import io.thinpool.operator.lvm.plan.Step;
import io.thinpool.operator.lvm.spec.PoolSpec;
import io.thinpool.operator.testnode.TestVm;
import io.thinpool.operator.testnode.TestVmExtension;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Plan first, on a real Debian node (bookworm): the plan changes nothing, applying runs it. */
@ExtendWith(TestVmExtension.class)
@Tag(Tiers.KERNEL)
class PlanIT {

  @Test
  void aPlanListsTheStepsChangesNothingAndApplyingRunsExactlyThem(TestVm vm) {
    PoolSpec spec = PoolSpec.runbook(disk(1));
    PoolEngine engine = new PoolEngine(vm);

    Outcome planned = engine.plan(spec);

    assertThat(planned.status()).isEqualTo(Status.PLANNED);
    assertThat(planned.executed()).isEmpty();
    assertThat(planned.plan().steps())
        .extracting(Step::intent)
        .containsExactlyElementsOf(States.RUNBOOK_INTENTS);
    assertThat(vm.must("pvs", "--noheadings")).isBlank();
    assertThat(vm.must("wipefs", "--no-act", "--noheadings", disk(1))).isBlank();

    Outcome applied = engine.reconcile(spec);

    assertThat(applied.status()).isEqualTo(Status.CONVERGED);
    assertThat(applied.executed()).isEqualTo(planned.plan().steps());
    assertThat(engine.plan(spec).status()).isEqualTo(Status.CONVERGED);
  }
}
