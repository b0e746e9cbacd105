package io.thinpool.operator.lvm.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** On a vgcfgbackup recorded in the test VM: the runbook pool with one thin volume. */
class LvmMetadataTextTest {

  private static String backup() throws IOException {
    try (InputStream in =
        LvmMetadataTextTest.class.getResourceAsStream(
            "/lvm/vgcfgbackup-pool-with-thin-volume.vg")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void aPoolsVolumesAreItsThinVolumesFirstThenThePoolAndItsHiddenParts() throws IOException {
    assertThat(LvmMetadataText.poolVolumes(backup(), "thinpool"))
        .containsExactly("thin1", "thinpool", "thinpool_tmeta", "thinpool_tdata", "lvol0_pmspare");
  }

  @Test
  void removingThePoolLeavesTheVgAndPvsAndNoLogicalVolume() throws IOException {
    String original = backup();

    String edited =
        LvmMetadataText.withoutLogicalVolumes(
            original, LvmMetadataText.poolVolumes(original, "thinpool"));

    assertThat(edited).doesNotContain("thin1 {", "thinpool {", "thinpool_tdata {", "thin_pool =");
    assertThat(edited).contains("physical_volumes {", "pv0 {", "tags = [\"thinpool.io/managed\"]");
    assertThat(edited).contains("logical_volumes {");
    assertThat(count(edited, '{')).isEqualTo(count(edited, '}'));
    assertThat(edited.lines().filter(l -> l.contains("seqno")).toList())
        .isEqualTo(original.lines().filter(l -> l.contains("seqno")).toList());
  }

  @Test
  void removingNothingChangesNothing() throws IOException {
    assertThat(LvmMetadataText.withoutLogicalVolumes(backup(), List.of("absent")))
        .isEqualTo(backup());
  }

  private static long count(String text, char c) {
    return text.chars().filter(ch -> ch == c).count();
  }
}
