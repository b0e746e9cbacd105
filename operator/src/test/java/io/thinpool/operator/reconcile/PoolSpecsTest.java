package io.thinpool.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.thinpool.operator.api.PoolParameters;
import io.thinpool.operator.api.ThinPoolSpec;
import io.thinpool.operator.lvm.spec.PoolSpec;
import org.junit.jupiter.api.Test;

class PoolSpecsTest {

  @Test
  void whenFieldsAreUnsetThenTheEngineGetsTheRunbook() {
    ThinPoolSpec parameters = new ThinPoolSpec();
    parameters.devices = null;
    parameters.volumeGroup = null;
    parameters.chunkSize = null;
    parameters.zeroing = null;
    parameters.wipeSignatures = null;
    parameters.autoextend = null;

    assertThat(PoolSpecs.of(parameters)).isEqualTo(PoolSpec.runbook());
  }

  @Test
  void whenTheChunkSizeIsWrittenAsTheRulesAllowThenItIsInBytesAndWhenNotTheEngineRefusesIt() {
    PoolParameters parameters = new ThinPoolSpec();
    parameters.devices.add("/dev/sdb");
    parameters.chunkSize = "64Ki";
    assertThat(PoolSpecs.of(parameters).chunkSizeBytes()).isEqualTo(64 * 1024);

    parameters.chunkSize = "1Mi";
    assertThat(PoolSpecs.of(parameters).chunkSizeBytes()).isEqualTo(1024 * 1024);

    parameters.chunkSize = "0.5Mi";
    assertThat(PoolSpecs.of(parameters).chunkSizeBytes()).isEqualTo(-1);
    parameters.chunkSize = "lots";
    assertThat(PoolSpecs.of(parameters).chunkSizeBytes()).isEqualTo(-1);
    assertThat(PoolSpecs.of(parameters).validationErrors())
        .anySatisfy(error -> assertThat(error).contains("chunk"));
  }
}
