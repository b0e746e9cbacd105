package io.thinpool.operator.lvm.observe;

import static org.assertj.core.api.Assertions.assertThat;

import io.thinpool.operator.lvm.host.ScriptedRunner;
import org.junit.jupiter.api.Test;

/** Whether the node's containerd keeps its snapshots in the pool, and loaded the snapshotter. */
class ContainerdProbeTest {

  /** Bookworm's node config with the devmapper section the README gives. */
  private static final String CONFIG =
      """
      version = 2
      [plugins."io.containerd.grpc.v1.cri"]
        sandbox_image = "localhost/pause:3.10.1"

      [plugins."io.containerd.snapshotter.v1.devmapper"]
        pool_name = "docker-thinpool"
        root_path = "/var/lib/containerd/devmapper"
        base_image_size = "1GB"
      """;

  /** `ctr plugins ls` on bookworm's containerd 1.6, cut to the snapshotters. */
  private static String plugins(String devmapperState) {
    return """
        TYPE                            ID                       PLATFORMS      STATUS
        io.containerd.snapshotter.v1    btrfs                    linux/amd64    skip
        io.containerd.snapshotter.v1    devmapper                linux/amd64    %s
        io.containerd.snapshotter.v1    overlayfs                linux/amd64    ok
        """
        .formatted(devmapperState);
  }

  @Test
  void whenContainerdGivesThePoolToItsSnapshotterButItDidNotLoadThenThatIsWhatIsSeen() {
    ScriptedRunner node =
        new ScriptedRunner()
            .answer("cat -- /etc/containerd/config.toml", CONFIG)
            .answer("ctr plugins ls", plugins("error"));

    ContainerdUse use = new ContainerdProbe(node).read("docker-thinpool");

    assertThat(use.configured()).isTrue();
    assertThat(use.loaded()).isFalse();
    assertThat(use.snapshotterState()).isEqualTo("error");
  }

  @Test
  void whenTheSnapshotterLoadedThenThePoolIsInUseByIt() {
    ScriptedRunner node =
        new ScriptedRunner()
            .answer("cat -- /etc/containerd/config.toml", CONFIG)
            .answer("ctr plugins ls", plugins("ok"));

    assertThat(new ContainerdProbe(node).read("docker-thinpool").loaded()).isTrue();
  }

  @Test
  void whenContainerdNamesAnotherPoolOrIsNotThereThenNoPluginsAreAskedFor() {
    ScriptedRunner other =
        new ScriptedRunner().answer("cat -- /etc/containerd/config.toml", CONFIG);
    ScriptedRunner none =
        new ScriptedRunner().fail("cat -- /etc/containerd/config.toml", 1, "No such file\n");

    assertThat(new ContainerdProbe(other).read("other-pool")).isEqualTo(ContainerdUse.NONE);
    assertThat(new ContainerdProbe(none).read("docker-thinpool")).isEqualTo(ContainerdUse.NONE);
    assertThat(other.programs()).containsExactly("cat");
  }
}
