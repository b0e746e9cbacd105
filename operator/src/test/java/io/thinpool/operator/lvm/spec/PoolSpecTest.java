package io.thinpool.operator.lvm.spec;

import static org.assertj.core.api.Assertions.assertThat;

import io.thinpool.operator.rules.PoolRules;
import io.thinpool.operator.rules.Violation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PoolSpecTest {

  private static final PoolSpec RUNBOOK = PoolSpec.runbook("/dev/sdb");

  @Test
  void theRunbookDefaultsAreValid() {
    assertThat(RUNBOOK.violations()).isEmpty();
    assertThat(RUNBOOK.volumeGroup()).isEqualTo("docker");
    assertThat(RUNBOOK.chunkSizeBytes()).isEqualTo(512 * 1024);
    assertThat(RUNBOOK.autoextend())
        .isEqualTo(new PoolSpec.AutoextendPolicy("docker-thinpool", 80, 20));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/dev/sdb",
        "/dev/nvme0n1",
        "/dev/disk/by-id/wwn-0x5000c500a1b2c3d4",
        "/dev/disk/by-path/pci-0000:00:1f.2-ata-1",
        "/dev/mapper/mpatha",
        "/dev/xvdf"
      })
  void devicePathsUnderDevAreAccepted(String device) {
    assertThat(RUNBOOK.toBuilder().devices(device).build().violations()).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/dev/sdb; rm -rf /",
        "/dev/sdb$(reboot)",
        "sdb",
        "/dev/../etc/passwd",
        "/tmp/disk.img",
        "/dev/sd b",
        "/dev/disk/by-id/../../sda",
        "/dev/-sdb",
        "/dev/sdb\n"
      })
  void devicePathsThatAreNotPlainDeviceNamesAreRejected(String device) {
    assertThat(RUNBOOK.toBuilder().devices(device).build().violations())
        .singleElement()
        .extracting(Violation::describe)
        .asString()
        .startsWith("devices:");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "-docker",
        "docker vg",
        "docker/x",
        ".",
        "..",
        "snapshot1",
        "pool_tdata",
        "a;b",
        ""
      })
  void namesLvmWouldRejectOrReservesAreRejected(String name) {
    assertThat(RUNBOOK.toBuilder().volumeGroup(name).build().violations())
        .singleElement()
        .extracting(Violation::describe)
        .asString()
        .startsWith("volumeGroup:");
  }

  @Test
  void sizesMustLeaveTheSumAtMostOneHundredAndChunkSizeMustBeA64KiMultiple() {
    assertThat(RUNBOOK.toBuilder().sizes(96, 5).build().violations())
        .singleElement()
        .extracting(Violation::describe)
        .asString()
        .isEqualTo(
            "dataPercentOfVg + metadataPercentOfVg: 96 + 5 = 101 is over 100: together they"
                + " share one volume group");
    assertThat(RUNBOOK.toBuilder().chunkSizeBytes(96 * 1024).build().violations())
        .singleElement()
        .extracting(Violation::describe)
        .asString()
        .startsWith("chunkSize:");
    assertThat(RUNBOOK.toBuilder().chunkSizeBytes(32 * 1024).build().violations())
        .singleElement()
        .extracting(Violation::describe)
        .asString()
        .startsWith("chunkSize:");
    assertThat(RUNBOOK.toBuilder().chunkSizeBytes(1024L * 1024 * 1024).build().violations())
        .isEmpty();
  }

  @Test
  void anAbsoluteMetadataSizeMustBeWithinLvmsLimits() {
    assertThat(
            RUNBOOK.toBuilder()
                .metadataSizeBytes(PoolRules.METADATA_SIZE_MAX_BYTES)
                .build()
                .violations())
        .isEmpty();
    assertThat(
            RUNBOOK.toBuilder()
                .metadataSizeBytes(PoolRules.METADATA_SIZE_MAX_BYTES + 1)
                .build()
                .violations())
        .singleElement()
        .extracting(Violation::describe)
        .asString()
        .startsWith("metadataSize:")
        .contains("15.81 GiB");
    assertThat(RUNBOOK.toBuilder().metadataSizeBytes(1024 * 1024).build().violations())
        .singleElement()
        .extracting(Violation::describe)
        .asString()
        .startsWith("metadataSize:");
  }

  @Test
  void thePoolAndItsMetadataNeedDifferentNamesAndTheProfileAValidOne() {
    assertThat(RUNBOOK.toBuilder().metadataName("thinpool").build().violations())
        .extracting(Violation::describe)
        .containsExactly(
            "metadataName: 'thinpool' is the poolName too: the metadata LV needs a name of its own");
    assertThat(
            RUNBOOK.toBuilder()
                .autoextend(new PoolSpec.AutoextendPolicy("../evil", 80, 20))
                .build()
                .violations())
        .singleElement()
        .extracting(Violation::describe)
        .asString()
        .startsWith("autoextend.profile:");
    assertThat(
            RUNBOOK.toBuilder()
                .autoextend(new PoolSpec.AutoextendPolicy("p", 40, 20))
                .build()
                .violations())
        .singleElement()
        .extracting(Violation::describe)
        .asString()
        .startsWith("autoextend.thresholdPercent:");
  }
}
