package io.thinpool.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.thinpool.operator.api.ConditionTypes;
import io.thinpool.operator.api.ThinPoolConfig;
import io.thinpool.operator.api.ThinPoolConfigStatus;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ThinPoolConfigStatusesTest {

  @Test
  void whenTheSpecBreaksTheRulesThenTheConfigIsNotReadyAndSaysWhy() {
    ThinPoolConfig config = new ThinPoolConfig();
    config.setMetadata(new ObjectMetaBuilder().withName("runbook").withGeneration(4L).build());

    ThinPoolConfigStatus status =
        ThinPoolConfigStatuses.invalidSpec(
            config,
            List.of("nodeSelector.matchExpressions[0].operator: 'in' is not an operator"),
            Instant.parse("2026-12-01T10:00:00Z"));

    assertThat(status.observedGeneration).isEqualTo(4L);
    assertThat(status.conditions)
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.getType()).isEqualTo(ConditionTypes.READY);
              assertThat(c.getStatus()).isEqualTo("False");
              assertThat(c.getReason()).isEqualTo("InvalidSpec");
              assertThat(c.getMessage()).contains("'in' is not an operator");
            });
  }
}
