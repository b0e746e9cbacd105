package io.thinpool.operator.rules;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** The Java side of the rules; RulesParityIT holds them against the schema's CEL. */
class PoolRulesTest {

  @Test
  void sizesAreReadAsBytesOrWithABinarySuffixAndNothingElse() {
    assertThat(PoolRules.sizeBytes("512Ki")).hasValue(512 * 1024);
    assertThat(PoolRules.sizeBytes("1Gi")).hasValue(1024L * 1024 * 1024);
    assertThat(PoolRules.sizeBytes("65536")).hasValue(65536);
    assertThat(PoolRules.sizeBytes("0512Ki")).hasValue(512 * 1024);
    for (String text : List.of("0.5Mi", "512k", "512KiB", " 512Ki", "-64Ki", "", "Ki")) {
      assertThat(PoolRules.sizeBytes(text)).as(text).isEqualTo(OptionalLong.empty());
    }
    assertThat(PoolRules.sizeBytes("9999999999999Gi")).as("past a long").isEmpty();
  }

  @Test
  void eachRefusalNamesTheFieldAndTheValueAndSaysWhatIsAllowed() {
    assertThat(PoolRules.volumeNameErrors("poolName", ".."))
        .containsExactly(Violation.of("poolName", "'..'", PoolRules.NOT_AN_LVM_NAME));
    assertThat(PoolRules.deviceErrors(List.of("/dev/sdb", "/dev/sdb")))
        .containsExactly(Violation.of("devices", "'/dev/sdb'", PoolRules.LISTED_TWICE));
    assertThat(PoolRules.autoextendErrors(80, 0))
        .extracting(Violation::describe)
        .containsExactly("autoextend.extendPercent: 0 is out of range: use 1 to 100");
    assertThat(PoolRules.percentOfVgErrors(90, 15))
        .extracting(v -> v.describe(field -> "--" + field))
        .containsExactly(
            "--dataPercentOfVg + --metadataPercentOfVg: 90 + 15 = 105 "
                + PoolRules.SHARE_ONE_VOLUME_GROUP);
    assertThat(PoolRules.profileErrors("snapshots")).as("a profile is not an LV").isEmpty();
  }

  @Test
  void whenAProfileIsOneLvm2ShipsThenItIsRefusedSoItsFileIsNeverRewrittenOrRemoved() {
    for (String shipped : List.of("thin-performance", "thin-generic", "lvmdbusd", "cache-smq")) {
      assertThat(PoolRules.profileErrors(shipped))
          .containsExactly(
              Violation.of("autoextend.profile", "'" + shipped + "'", PoolRules.SHIPPED_BY_LVM2));
    }
    assertThat(PoolRules.profileErrors("thin-performance-docker")).isEmpty();
  }
}
