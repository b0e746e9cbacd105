package io.thinpool.operator.lvm.spec;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** device-mapper's names for LVs, as containerd's devmapper snapshotter wants its pool_name. */
class LvmNamesTest {

  @ParameterizedTest
  @CsvSource({
    "docker, thinpool, docker-thinpool",
    "vg-data, thinpool, vg--data-thinpool",
    "docker, thin-pool, docker-thin--pool",
    "a--b, c-, a----b-c--",
    "vg.1+x, pool_0, vg.1+x-pool_0"
  })
  void aDashInsideANameIsDoubledAndOneDashJoinsThem(String vg, String lv, String expected) {
    assertThat(LvmNames.dmName(vg, lv)).isEqualTo(expected);
    assertThat(LvmNames.devicePath(vg, lv)).isEqualTo("/dev/mapper/" + expected);
  }
}
