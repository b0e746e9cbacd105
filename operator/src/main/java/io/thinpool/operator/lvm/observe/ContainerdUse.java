package io.thinpool.operator.lvm.observe;

/**
 * Whether the node's containerd is configured to keep its snapshots in the pool (its devmapper
 * snapshotter's {@code pool_name}), and whether that snapshotter loaded. It does not load when its
 * pool is missing as containerd starts, and stays unloaded until containerd restarts.
 *
 * @param configured containerd's config names this pool for its devmapper snapshotter
 * @param snapshotterState what {@code ctr plugins ls} says of it: {@code ok}, {@code error}, ...
 */
public record ContainerdUse(boolean configured, String snapshotterState) {

  public static final String CONFIG = "/etc/containerd/config.toml";

  public static final ContainerdUse NONE = new ContainerdUse(false, "");

  public boolean loaded() {
    return "ok".equals(snapshotterState);
  }
}
