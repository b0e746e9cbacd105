package io.thinpool.operator.lvm;

import static org.assertj.core.api.Assertions.assertThat;

import io.thinpool.operator.lvm.PoolEngine.Outcome;
import io.thinpool.operator.lvm.PoolEngine.Status;
import io.thinpool.operator.lvm.spec.PoolSpec;
import org.junit.jupiter.api.Test;

/**
 * The in-memory node behaves like the VM where the engine can tell (same scenarios as
 * PoolEngineIT).
 */
class FakeLvmNodeTest {

  private static final long DISK = 2L * 1024 * 1024 * 1024;

  @Test
  void theRunbookPoolIsBuiltOnceAndAutoextendHasNoRoom() {
    FakeLvmNode node = new FakeLvmNode(DISK, "/dev/sdb");

    Outcome first = new PoolEngine(node).reconcile(PoolSpec.runbook("/dev/sdb"));
    Outcome second = new PoolEngine(node).reconcile(PoolSpec.runbook("/dev/sdb"));

    assertThat(first.status()).isEqualTo(Status.CONVERGED);
    assertThat(first.executed()).hasSize(9);
    assertThat(second.executed()).isEmpty();
    assertThat(first.report().vgFreeBytes()).isEqualTo(2 * FakeLvmNode.EXTENT); // as lvm2 leaves it
    assertThat(first.report().autoextendPossible()).isFalse();
  }

  @Test
  void anExtensionIsSeenAsAGrownPool() {
    FakeLvmNode node = new FakeLvmNode(DISK, "/dev/sdb");
    PoolSpec spec = PoolSpec.runbook("/dev/sdb").toBuilder().sizes(50, 2).build();
    PoolReport before = new PoolEngine(node).reconcile(spec).report();

    node.fill("docker", "thinpool", 85);
    assertThat(node.autoextend("docker", "thinpool", 20)).isTrue();

    PoolReport after = new PoolEngine(node).observe(spec);
    assertThat(after.grewSince(before.poolSizeBytes())).isTrue();
    assertThat(after.dataPercent()).isLessThan(85.0);
  }

  @Test
  void aDeviceWithAFilesystemIsRefused() {
    FakeLvmNode node = new FakeLvmNode(DISK, "/dev/sdb").withSignature("/dev/sdb", "ext4");

    assertThat(new PoolEngine(node).reconcile(PoolSpec.runbook("/dev/sdb")).status())
        .isEqualTo(Status.REFUSED);
  }
}
