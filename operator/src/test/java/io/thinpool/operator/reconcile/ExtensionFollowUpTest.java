package io.thinpool.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.thinpool.operator.api.ThinPool;
import io.thinpool.operator.lvm.FakeLvmNode;
import io.thinpool.operator.lvm.PoolEngine;
import io.thinpool.operator.lvm.PoolReport;
import io.thinpool.operator.lvm.spec.PoolSpec;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ExtensionFollowUpTest {

  private static final Duration REFRESH = Duration.ofSeconds(30);
  private static final PoolSpec SPEC =
      PoolSpec.runbook("/dev/sdb").toBuilder().sizes(60, 5).build();
  private static final Instant T0 = Instant.parse("2026-12-01T12:00:00Z");

  @Test
  void whileDmeventdsExtensionIsDueTheAgentLooksAgainSoonForABoundedWindow() {
    FakeLvmNode node = new FakeLvmNode(2L << 30, "/dev/sdb");
    PoolEngine engine = new PoolEngine(node);
    engine.reconcile(SPEC);
    ExtensionFollowUp followUp = new ExtensionFollowUp();
    ThinPool pool = pool();

    Duration quiet = followUp.next(pool, engine.observe(SPEC), REFRESH, T0);
    node.fill("docker", "thinpool", 85);
    PoolReport past = engine.observe(SPEC);
    Duration due = followUp.next(pool, past, REFRESH, T0.plusSeconds(1));
    Duration stillDue = followUp.next(pool, past, REFRESH, T0.plusSeconds(15));
    Duration givenUp = followUp.next(pool, past, REFRESH, T0.plusSeconds(25));
    node.autoextend("docker", "thinpool", 20);
    Duration extended = followUp.next(pool, engine.observe(SPEC), REFRESH, T0.plusSeconds(26));

    assertThat(quiet).isEqualTo(REFRESH);
    assertThat(due).isEqualTo(ExtensionFollowUp.INTERVAL);
    assertThat(stillDue).isEqualTo(ExtensionFollowUp.INTERVAL);
    assertThat(givenUp).as("dmeventd did not act within the window").isEqualTo(REFRESH);
    assertThat(extended).isEqualTo(REFRESH);
    assertThat(followUp.next(pool, past, REFRESH, T0.plusSeconds(27)))
        .as("a new threshold crossing opens a new window")
        .isEqualTo(ExtensionFollowUp.INTERVAL);
  }

  private static ThinPool pool() {
    ThinPool pool = new ThinPool();
    pool.setMetadata(new ObjectMetaBuilder().withName("runbook.node-a").build());
    return pool;
  }
}
