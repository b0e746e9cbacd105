package io.thinpool.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.thinpool.operator.api.ThinPoolSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What makes the newer of two ThinPools on one node a Conflict that touches nothing. */
class ClashTest {

  private static ThinPoolSpec spec(String volumeGroup, String... devices) {
    ThinPoolSpec spec = new ThinPoolSpec();
    spec.nodeName = "node-a";
    spec.volumeGroup = volumeGroup;
    spec.devices = List.of(devices);
    return spec;
  }

  @Test
  void theSameVolumeGroupOrASharedDeviceClash() {
    assertThat(ThinPoolReconciler.clash(spec("docker", "/dev/sdb"), spec("docker", "/dev/sdc")))
        .contains("volume group docker");
    assertThat(ThinPoolReconciler.clash(spec("docker", "/dev/sdb"), spec("images", "/dev/sdb")))
        .contains("device /dev/sdb");
  }

  @Test
  void oneProfileFileUnderTwoSettingsClashesButSharedUnchangedItDoesNot() {
    ThinPoolSpec older = spec("docker", "/dev/sdb");
    ThinPoolSpec newer = spec("images", "/dev/sdc");
    assertThat(ThinPoolReconciler.clash(older, newer)).isEmpty();

    newer.autoextend.thresholdPercent = 70;

    assertThat(ThinPoolReconciler.clash(older, newer))
        .contains(
            "autoextend profile docker-thinpool with other settings (80% threshold, 20% extension)");
    newer.autoextend.profile = "images-thinpool";
    assertThat(ThinPoolReconciler.clash(older, newer)).isEmpty();
  }
}
