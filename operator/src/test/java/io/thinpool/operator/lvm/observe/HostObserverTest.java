package io.thinpool.operator.lvm.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.thinpool.operator.lvm.host.FailureKind;
import io.thinpool.operator.lvm.host.HostCommandException;
import io.thinpool.operator.lvm.host.ScriptedRunner;
import io.thinpool.operator.lvm.observe.HostState.LogicalVolume;
import io.thinpool.operator.lvm.observe.HostState.Signature;
import io.thinpool.operator.lvm.plan.PoolPlanner;
import io.thinpool.operator.lvm.spec.LvmNames;
import io.thinpool.operator.lvm.spec.PoolSpec;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Parsing of what lvm2 and util-linux print (recorded from the test VM) and which probes run when.
 */
class HostObserverTest {

  private static final String PROFILE = LvmNames.profileContent(PoolSpec.AutoextendPolicy.RUNBOOK);

  private static String resource(String name) {
    try (InputStream in = HostObserverTest.class.getResourceAsStream("/lvm/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static ScriptedRunner node() {
    return new ScriptedRunner()
        .answer("lvm fullreport", resource("fullreport-runbook.json"))
        .answer("realpath", "/dev/vdc\n")
        .answer("lsblk", resource("lsblk.json"))
        .answer("wipefs", resource("wipefs.json"))
        .answer("dmsetup info", "docker-thinpool_tmeta::1\ndocker-thinpool_tdata::1\n")
        .answer("cat -- /etc/lvm/profile/docker-thinpool.profile", PROFILE);
  }

  @Test
  void aPoolIsActiveWhetherLvmSaysSoInAWordOrAsABinaryField() {
    String words = resource("fullreport-runbook.json");
    // lvm2 2.03.31 (Debian trixie) prints lv_active as 1 under --binary; older ones "active".
    String binary = words.replace("\"lv_active\":\"active\"", "\"lv_active\":\"1\"");
    assertThat(binary).isNotEqualTo(words);

    for (String report : List.of(words, binary)) {
      LogicalVolume pool =
          HostObserver.parseFullReport(report)
              .volumeGroups()
              .get(0)
              .logicalVolume("thinpool")
              .orElseThrow();
      assertThat(pool.active()).isTrue();
    }
  }

  @Test
  void aSteadyPoolIsObservedWithOneLvmCallAndOneFileRead() {
    ScriptedRunner runner = node();

    HostState state = new HostObserver(runner).observe(PoolSpec.runbook("/dev/vdb"));

    assertThat(runner.programs()).containsExactly("lvm", "cat");
    LogicalVolume pool =
        state.volumeGroup("docker").orElseThrow().logicalVolume("thinpool").orElseThrow();
    assertThat(pool.thinPool()).isTrue();
    assertThat(pool.sizeBytes()).isEqualTo(1925185536L);
    assertThat(pool.chunkSizeBytes()).isEqualTo(524288);
    assertThat(pool.zeroing()).isFalse();
    assertThat(pool.monitored()).isTrue();
    assertThat(pool.profile()).isEqualTo("docker-thinpool");
    assertThat(pool.dataPercent()).isEqualTo(0.0);
    assertThat(pool.metadataPercent()).isEqualTo(10.04);
    assertThat(state.volumeGroup("docker").orElseThrow().ownedByUs()).isTrue();
    assertThat(state.volumeGroup("docker").orElseThrow().freeExtents()).isEqualTo(2);
    assertThat(state.profile("docker-thinpool")).contains(PROFILE);
    assertThat(PoolPlanner.plan(PoolSpec.runbook("/dev/vdb"), state).isEmpty()).isTrue();
  }

  @Test
  void devicesNotYetInTheVgAreProbedForTopologyAndSignatures() {
    ScriptedRunner runner = node();

    HostState state =
        new HostObserver(runner).observe(PoolSpec.runbook("/dev/vdb", "/dev/vdc", "/dev/vdd"));

    assertThat(runner.programs()).containsExactly("lvm", "lsblk", "wipefs", "cat");
    assertThat(runner.calls.get(2).argv())
        .containsExactly("wipefs", "--no-act", "--json", "--", "/dev/vdc", "/dev/vdd");
    assertThat(state.physicalVolume("/dev/vdc").orElseThrow().orphan()).isTrue();
    assertThat(state.signaturesOf("/dev/vdd")).containsExactly(new Signature("ext4", "0x438"));
    HostState.BlockDevice vdd = state.blockDevice("/dev/vdd").orElseThrow();
    assertThat(vdd.readOnly()).isTrue();
    assertThat(vdd.mountpoint()).isEqualTo("/mnt/data");
    assertThat(vdd.sizeBytes()).isEqualTo(2147483648L);
    assertThat(state.blockDevice("/dev/vdb").orElseThrow().children()).hasSize(2);
    assertThat(state.blockDevice("/dev/mapper/docker-thinpool_tdata").orElseThrow().type())
        .isEqualTo("lvm");
  }

  @Test
  void aByIdLinkIsResolvedToItsKernelNameBeforeProbing() {
    ScriptedRunner runner = node();

    HostState state =
        new HostObserver(runner)
            .observe(PoolSpec.runbook("/dev/vdb", "/dev/disk/by-id/virtio-disk2"));

    assertThat(runner.programs()).containsExactly("lvm", "lsblk", "realpath", "wipefs", "cat");
    assertThat(runner.calls.get(2).argv())
        .containsExactly("realpath", "-m", "--", "/dev/disk/by-id/virtio-disk2");
    assertThat(state.canonical("/dev/disk/by-id/virtio-disk2")).isEqualTo("/dev/vdc");
    assertThat(state.physicalVolume("/dev/vdc").orElseThrow().orphan()).isTrue();
  }

  @Test
  void deviceMapperIsListedOnlyWhenThePoolIsMissingAndAMissingProfileIsNoError() {
    ScriptedRunner runner =
        node()
            .fail(
                "cat",
                1,
                "cat: /etc/lvm/profile/docker-thinpool.profile: No such file or directory");

    HostState state =
        new HostObserver(runner)
            .observe(PoolSpec.runbook("/dev/vdb").toBuilder().poolName("other").build());

    assertThat(runner.programs()).containsExactly("lvm", "dmsetup", "cat");
    assertThat(state.dmDevices())
        .extracting(HostState.DmDevice::name)
        .containsExactly("docker-thinpool_tmeta", "docker-thinpool_tdata");
    assertThat(state.profile("docker-thinpool")).isEmpty();
  }

  @Test
  void aFailingReportIsAClassifiedErrorNotAnEmptyNode() {
    ScriptedRunner runner =
        new ScriptedRunner()
            .fail(
                "lvm fullreport", 5, "  Giving up waiting for lock.\n  Can't get lock for docker");

    assertThatThrownBy(() -> new HostObserver(runner).observe(PoolSpec.runbook("/dev/vdb")))
        .isInstanceOfSatisfying(
            HostCommandException.class,
            e -> assertThat(e.kind()).isEqualTo(FailureKind.LOCK_CONTENTION))
        .hasMessageContaining("lvm fullreport");
  }
}
