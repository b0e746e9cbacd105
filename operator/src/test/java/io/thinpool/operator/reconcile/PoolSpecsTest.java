package io.thinpool.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.thinpool.operator.api.PoolParameters;
import io.thinpool.operator.api.ThinPool;
import io.thinpool.operator.api.ThinPoolSpec;
import io.thinpool.operator.lvm.spec.PoolOwner;
import io.thinpool.operator.lvm.spec.PoolSpec;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PoolSpecsTest {

  private static final PoolOwner OWNER = PoolSpec.runbook().owner();

  @Test
  void whenAThinPoolIsTranslatedThenItsOwnerIsTheConfigThatControlsItOnItsNode() {
    ThinPool pool = new ThinPool();
    pool.setMetadata(
        new ObjectMetaBuilder()
            .withName(ThinPool.nameFor("a-very-long-config-name", "n1"))
            .withLabels(Map.of(ThinPool.CONFIG_LABEL, "cut-by-the-label-limit"))
            .withOwnerReferences(
                new OwnerReferenceBuilder()
                    .withKind("ThinPoolConfig")
                    .withName("a-very-long-config-name")
                    .withController(true)
                    .build())
            .build());
    pool.setSpec(new ThinPoolSpec());
    pool.getSpec().nodeName = "n1";

    assertThat(PoolSpecs.of(pool).owner())
        .isEqualTo(new PoolOwner("a-very-long-config-name", "n1"));
  }

  @Test
  void whenFieldsAreUnsetThenTheEngineGetsTheRunbook() {
    ThinPoolSpec parameters = new ThinPoolSpec();
    parameters.devices = null;
    parameters.volumeGroup = null;
    parameters.chunkSize = null;
    parameters.zeroing = null;
    parameters.wipeSignatures = null;
    parameters.autoextend = null;

    assertThat(PoolSpecs.of(parameters, OWNER)).isEqualTo(PoolSpec.runbook());
  }

  @Test
  void whenTheChunkSizeIsWrittenAsTheRulesAllowThenItIsInBytesAndWhenNotTheEngineRefusesIt() {
    PoolParameters parameters = new ThinPoolSpec();
    parameters.devices.add("/dev/sdb");
    parameters.chunkSize = "64Ki";
    assertThat(PoolSpecs.of(parameters, OWNER).chunkSizeBytes()).isEqualTo(64 * 1024);

    parameters.chunkSize = "1Mi";
    assertThat(PoolSpecs.of(parameters, OWNER).chunkSizeBytes()).isEqualTo(1024 * 1024);

    parameters.chunkSize = "0.5Mi";
    assertThat(PoolSpecs.of(parameters, OWNER).chunkSizeBytes()).isEqualTo(-1);
    parameters.chunkSize = "lots";
    assertThat(PoolSpecs.of(parameters, OWNER).chunkSizeBytes()).isEqualTo(-1);
    assertThat(PoolSpecs.of(parameters, OWNER).validationErrors())
        .anySatisfy(error -> assertThat(error).contains("chunk"));
  }
}
