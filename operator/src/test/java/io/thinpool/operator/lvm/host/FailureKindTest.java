package io.thinpool.operator.lvm.host;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FailureKindTest {

  private static CommandResult failed(int exit, String stderr) {
    return new CommandResult(exit, "", stderr, false);
  }

  @Test
  void lvmAndDmsetupMessagesAreClassified() {
    assertThat(FailureKind.of(new CommandResult(-9, "", "", true))).isEqualTo(FailureKind.TIMEOUT);
    assertThat(
            FailureKind.of(
                failed(127, "nsenter: failed to execute lvm: No such file or directory")))
        .isEqualTo(FailureKind.NOT_FOUND);
    assertThat(
            FailureKind.of(
                failed(
                    5,
                    "  Volume group \"docker\" not found\n  Cannot process volume group docker")))
        .isEqualTo(FailureKind.NOT_FOUND);
    assertThat(
            FailureKind.of(
                failed(5, "  Giving up waiting for lock.\n  Can't get lock for docker.")))
        .isEqualTo(FailureKind.LOCK_CONTENTION);
    assertThat(
            FailureKind.of(
                failed(
                    1,
                    "device-mapper: remove ioctl on docker-thinpool_tdata failed: Device or resource busy")))
        .isEqualTo(FailureKind.DEVICE_BUSY);
    assertThat(
            FailureKind.of(
                failed(5, "  Logical volume docker/thinpool contains a filesystem in use.")))
        .isEqualTo(FailureKind.DEVICE_BUSY);
    assertThat(
            FailureKind.of(
                failed(5, "  Insufficient free space: 92 extents needed, but only 2 available")))
        .isEqualTo(FailureKind.FAILED);
  }

  @Test
  void whenThePoolFailsItsMetadataCheckAtActivationThenItIsDamageNotARetryableFailure() {
    FailureKind kind =
        FailureKind.of(
            failed(
                5,
                "  Check of pool docker/thinpool failed (status:1). Manual repair required!\n"
                    + "  Failed to activate thin pool docker/thinpool."));

    assertThat(kind).isEqualTo(FailureKind.METADATA_DAMAGED);
    assertThat(kind.transientFailure()).isFalse();
  }

  @Test
  void onlyTimeoutsLocksAndBusyDevicesAreWorthRetrying() {
    assertThat(FailureKind.TIMEOUT.transientFailure()).isTrue();
    assertThat(FailureKind.LOCK_CONTENTION.transientFailure()).isTrue();
    assertThat(FailureKind.DEVICE_BUSY.transientFailure()).isTrue();
    assertThat(FailureKind.NOT_FOUND.transientFailure()).isFalse();
    assertThat(FailureKind.FAILED.transientFailure()).isFalse();
  }
}
