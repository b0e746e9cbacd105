package io.thinpool.operator.lvm.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.thinpool.operator.lvm.host.FailureKind;
import io.thinpool.operator.lvm.host.HostCommand;
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
        .answer("dmsetup status --target thin-pool", EMPTY_POOL_STATUS)
        .answer(
            "dmsetup info",
            "docker-thinpool:LVM-abc-pool:253:2:0\ndocker-thinpool_tmeta:LVM-abc-tmeta:253:0:1\n")
        .answer("dmsetup table --target thin", "No devices found\n")
        .answer("dmsetup message", "")
        .answer("thin_ls", "")
        .fail("cat -- /etc/containerd/config.toml", 1, "No such file or directory\n")
        .answer("cat -- /etc/lvm/profile/docker-thinpool.profile", PROFILE);
  }

  /** The kernel's status of the runbook's pool with nothing in it (bookworm, kernel 6.1). */
  private static final String EMPTY_POOL_STATUS =
      "docker-thinpool: 0 3760128 thin-pool 0 10/1020 0/3672 - rw discard_passdown"
          + " queue_if_no_space - 1024\n";

  /** The pool after a runtime made three thin devices (ids 1-3) and wrote 96 chunks. */
  private static ScriptedRunner usedByARuntime() {
    return node()
        .answer(
            "dmsetup status --target thin-pool",
            "docker-thinpool: 0 3760128 thin-pool 3 27/1020 96/3672 - rw discard_passdown"
                + " queue_if_no_space - 1024\n")
        .answer(
            "dmsetup info",
            "docker-thinpool:LVM-abc-pool:253:2:3\ndocker-1::253:5:0\nother-pool-thin::253:10:1\n")
        .answer(
            "dmsetup table --target thin",
            "docker-1: 0 20971520 thin 253:2 1\nother-pool-thin: 0 2048 thin 253:9 1\n")
        .answer("thin_ls", "1\n2\n3\n");
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
  void aSteadyPoolIsObservedWithOneLvmCallItsDeviceMapperReadsAndOneFileRead() {
    ScriptedRunner runner = node();

    HostState state = new HostObserver(runner).observe(PoolSpec.runbook("/dev/vdb"));

    assertThat(runner.programs())
        .containsExactly(
            "lvm", "dmsetup", "dmsetup", "dmsetup", "dmsetup", "thin_ls", "dmsetup", "cat", "cat");
    assertThat(state.poolContents().holdsData()).isFalse();
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
    assertThat(state.volumeGroup("docker").orElseThrow().tags())
        .containsExactly(LvmNames.OWNER_TAG, "thinpool.io/config=engine", "thinpool.io/node=node");
    assertThat(state.volumeGroup("docker").orElseThrow().freeExtents()).isEqualTo(2);
    assertThat(state.profile("docker-thinpool")).contains(PROFILE);
    assertThat(PoolPlanner.plan(PoolSpec.runbook("/dev/vdb"), state).isEmpty()).isTrue();
  }

  @Test
  void devicesNotYetInTheVgAreProbedForTopologyAndSignatures() {
    ScriptedRunner runner = node();

    HostState state =
        new HostObserver(runner).observe(PoolSpec.runbook("/dev/vdb", "/dev/vdc", "/dev/vdd"));

    assertThat(runner.programs()).startsWith("lvm", "lsblk", "wipefs").endsWith("cat");
    assertThat(runner.calls.get(2).argv())
        .containsExactly("wipefs", "--no-act", "--json", "--", "/dev/vdc", "/dev/vdd");
    assertThat(state.physicalVolume("/dev/vdc").orElseThrow().orphan()).isTrue();
    assertThat(state.signaturesOf("/dev/vdd"))
        .containsExactly(new Signature("ext4", "0x438", "278d96da-6536-4393-b912-52e3ba53ee53"));
    HostState.BlockDevice vdd = state.blockDevice("/dev/vdd").orElseThrow();
    assertThat(vdd.readOnly()).isTrue();
    assertThat(vdd.mountpoint()).isEqualTo("/mnt/data");
    assertThat(vdd.sizeBytes()).isEqualTo(2147483648L);
    assertThat(state.blockDevice("/dev/vdb").orElseThrow().children()).hasSize(2);
    assertThat(state.blockDevice("/dev/mapper/docker-thinpool_tdata").orElseThrow().type())
        .isEqualTo("lvm");
  }

  @Test
  void aDeviceWhoseLabelIsAPvLvmNamesOtherwiseIsThatPvByItsUuid() {
    String report =
        resource("fullreport-runbook.json")
            .replace(
                "\"pv_mda_used_count\":\"1\"}",
                "\"pv_mda_used_count\":\"1\"},\n{\"pv_name\":\"/dev/mapper/disk2\","
                    + " \"vg_name\":\"docker\", \"pv_size\":\"2143289344\","
                    + " \"pv_free\":\"2143289344\", \"pv_mda_used_count\":\"1\","
                    + " \"pv_uuid\":\"f4mxyN-dVpu-Jf2G-jlkH-Whd6-4Db6-WYfIod\"}");
    ScriptedRunner runner = node().answer("lvm fullreport", report);

    HostState state = new HostObserver(runner).observe(PoolSpec.runbook("/dev/vdb", "/dev/vdc"));

    assertThat(state.canonical("/dev/vdc")).isEqualTo("/dev/mapper/disk2");
    assertThat(state.physicalVolume(state.canonical("/dev/vdc")).orElseThrow().volumeGroup())
        .isEqualTo("docker");
    assertThat(PoolPlanner.plan(PoolSpec.runbook("/dev/vdb", "/dev/vdc"), state).isRefused())
        .isFalse();
  }

  @Test
  void aByIdLinkIsResolvedToItsKernelNameBeforeProbing() {
    ScriptedRunner runner = node();

    HostState state =
        new HostObserver(runner)
            .observe(PoolSpec.runbook("/dev/vdb", "/dev/disk/by-id/virtio-disk2"));

    assertThat(runner.programs()).startsWith("lvm", "lsblk", "realpath", "wipefs").endsWith("cat");
    assertThat(runner.calls.get(2).argv())
        .containsExactly("realpath", "-m", "--", "/dev/disk/by-id/virtio-disk2");
    assertThat(state.canonical("/dev/disk/by-id/virtio-disk2")).isEqualTo("/dev/vdc");
    assertThat(state.physicalVolume("/dev/vdc").orElseThrow().orphan()).isTrue();
  }

  @Test
  void deviceMapperIsListedOnlyWhenThePoolIsMissingAndAMissingProfileIsNoError() {
    ScriptedRunner runner =
        node()
            // What a failed removal leaves: the pool's parts, with no LVM owner.
            .answer(
                "dmsetup info", "docker-thinpool_tmeta::253:0:1\ndocker-thinpool_tdata::253:1:1\n")
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

  @Test
  void thinDevicesARuntimeMadeAreCountedFromThePoolsMetadataReadOnASnapshot() {
    ScriptedRunner runner = usedByARuntime();

    PoolContents contents =
        new HostObserver(runner).observe(PoolSpec.runbook("/dev/vdb")).poolContents();

    assertThat(contents.read()).isTrue();
    assertThat(contents.thinDeviceIds()).containsExactly(1L, 2L, 3L);
    assertThat(contents.foreignThinDevices()).isEqualTo(3);
    assertThat(contents.usedDataBytes()).isEqualTo(96L * 512 * 1024);
    assertThat(contents.transactionId()).isEqualTo(3);
    assertThat(contents.mapped())
        .containsExactly(new PoolContents.MappedThinDevice("docker-1", false, 0));
    assertThat(contents.otherOpeners()).isEqualTo(2);
    assertThat(contents.holdsData()).isTrue();
    List<String> lines = runner.calls.stream().map(HostCommand::display).toList();
    assertThat(lines)
        .containsSubsequence(
            "dmsetup message docker-thinpool 0 reserve_metadata_snap",
            "thin_ls --metadata-snap --no-headers -o DEV" + " /dev/mapper/docker-thinpool_tmeta",
            "dmsetup message docker-thinpool 0 release_metadata_snap");
  }

  @Test
  void whenThePoolsMetadataCannotBeReadThenItCountsAsHoldingDataAndTheSnapshotIsReleased() {
    ScriptedRunner runner = node().fail("thin_ls", 1, "bad checksum in superblock\n");

    PoolContents contents =
        new HostObserver(runner).observe(PoolSpec.runbook("/dev/vdb")).poolContents();

    assertThat(contents.read()).isFalse();
    assertThat(contents.holdsData()).isTrue();
    assertThat(contents.unreadableWhy()).contains("thin_ls").contains("bad checksum");
    assertThat(runner.calls.stream().map(HostCommand::display))
        .contains("dmsetup message docker-thinpool 0 release_metadata_snap");
  }

  @Test
  void whenAnotherToolHoldsAMetadataSnapshotThenThePoolCountsAsHoldingDataAndTheirsIsKept() {
    ScriptedRunner runner =
        node()
            .answer(
                "dmsetup status --target thin-pool",
                "docker-thinpool: 0 3760128 thin-pool 0 10/1020 0/3672 17 rw discard_passdown"
                    + " queue_if_no_space - 1024\n");

    PoolContents contents =
        new HostObserver(runner).observe(PoolSpec.runbook("/dev/vdb")).poolContents();

    assertThat(contents.holdsData()).isTrue();
    assertThat(contents.unreadableWhy()).contains("metadata snapshot").contains("already held");
    assertThat(runner.calls.stream().map(HostCommand::display))
        .noneMatch(line -> line.startsWith("dmsetup message"));
  }
}
