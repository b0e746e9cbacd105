package io.thinpool.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.thinpool.operator.api.PoolParameters;
import io.thinpool.operator.api.ThinPool;
import io.thinpool.operator.api.ThinPoolSpec;
import io.thinpool.operator.lvm.spec.PoolOwner;
import io.thinpool.operator.lvm.spec.PoolSpec;
import io.thinpool.operator.rules.Defaults;
import io.thinpool.operator.rules.PoolRules;
import io.thinpool.operator.rules.Violation;
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

    assertThat(PoolSpecs.of(pool).spec().owner())
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

    assertThat(PoolSpecs.of(parameters, OWNER).spec()).isEqualTo(PoolSpec.runbook());
    assertThat(PoolSpecs.of(parameters, OWNER).unreadable()).isEmpty();
  }

  @Test
  void whenASizeIsWrittenAsTheRulesAllowThenItIsInBytesAndWhenNotItIsNamedAsWritten() {
    PoolParameters parameters = new ThinPoolSpec();
    parameters.devices.add("/dev/sdb");
    parameters.chunkSize = "64Ki";
    assertThat(PoolSpecs.of(parameters, OWNER).spec().chunkSizeBytes()).isEqualTo(64 * 1024);

    parameters.chunkSize = "1Mi";
    parameters.metadataSize = "8Mi";
    assertThat(PoolSpecs.of(parameters, OWNER).spec().chunkSizeBytes()).isEqualTo(1024 * 1024);
    assertThat(PoolSpecs.of(parameters, OWNER).spec().metadataSize()).hasValue(8L << 20);

    parameters.chunkSize = "0.5Mi";
    parameters.metadataSize = "lots";
    PoolSpecs.Reading unreadable = PoolSpecs.of(parameters, OWNER);
    assertThat(unreadable.unreadable())
        .extracting(Violation::describe)
        .containsExactly(
            "chunkSize: '0.5Mi' " + PoolRules.NOT_A_CHUNK_SIZE,
            "metadataSize: 'lots' " + PoolRules.NOT_A_METADATA_SIZE);
    assertThat(unreadable.spec().chunkSizeBytes()).isEqualTo(Defaults.CHUNK_SIZE_BYTES);
    assertThat(unreadable.violations()).hasSize(2);
  }
}
