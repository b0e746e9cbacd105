package io.thinpool.operator.testnode;

import io.thinpool.operator.lvm.host.CommandResult;
import io.thinpool.operator.lvm.host.HostCommand;
import io.thinpool.operator.lvm.host.HostCommandRunner;
import io.thinpool.operator.lvm.host.NodeLock;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * A node with a real kernel for the engine's tests: a real Debian node of one release ({@link
 * NodeVm}: its own kernel, systemd, udev, lvm2, lvm2-monitor and dmeventd, Debian's default
 * lvm.conf) with four blank sparse 2 GiB disks, /dev/vda .. /dev/vdd, and one large sparse disk,
 * /dev/vde, for what only shows on big disks. It plugs into the engine as a {@link
 * HostCommandRunner}, like nsenter does on a real node.
 */
public final class TestVm implements HostCommandRunner, AutoCloseable {

  public static final int DISKS = 4;
  public static final long DISK_BYTES = 2L * 1024 * 1024 * 1024;

  /**
   * /dev/vde: 400 GiB, big enough that the runbook's 5% metadata share passes LVM's maximum. Sparse
   * and never filled, it costs the host only the blocks LVM writes.
   */
  public static final String LARGE_DISK = NodeVm.disk(DISKS);

  public static final long LARGE_DISK_BYTES = 400L * 1024 * 1024 * 1024;

  /**
   * The test node's reset, run by the node's sh with the disks as arguments: test scaffolding, not
   * the product (which never runs a shell).
   */
  private static final String RESET =
      """
      umount /usr/sbin/dmeventd 2>/dev/null
      # udev may still be probing what the last test made: "in use" for a moment.
      udevadm settle --timeout=20
      vgs=$(vgs --noheadings -o vg_name)
      for vg in $vgs; do
        vgremove --force --force --yes "$vg" || { udevadm settle --timeout=20; vgremove --force --force --yes "$vg"; }
      done
      dmsetup remove_all --force
      udevadm settle --timeout=20
      # A VG that went without vgremove (hidden from LVM, or its removal failed) leaves its /dev
      # directory, and vgcreate then refuses the name: the tests' names go with the rest.
      for vg in $vgs docker other; do rm -rf "/dev/$vg"; done
      set -e
      for disk in "$@"; do
        wipefs --all --force "$disk" >/dev/null
        dd if=/dev/zero of="$disk" bs=1M count=4 conv=fsync status=none
      done
      rm -rf /etc/lvm/profile /etc/lvm/backup /etc/lvm/archive /etc/lvm/devices
      cp -a /run/thinpool-test/shipped-profiles /etc/lvm/profile
      systemctl start dm-event.socket
      """;

  private final Path state;
  private final NodeVm node;

  private TestVm(Path state, NodeVm node) {
    this.state = state;
    this.node = node;
    // The profiles the node's lvm2 ships, kept aside: a reset puts back exactly these.
    must("mkdir", "-p", "/run/thinpool-test");
    must("cp", "-a", "/etc/lvm/profile", "/run/thinpool-test/shipped-profiles");
  }

  /** Boots a node of {@code release}, failing loudly (never skipping) when it cannot. */
  public static TestVm boot(String release) {
    NodeImage image = NodeImage.of(release, NodeImage.Flavour.LVM);
    try {
      Path state = Files.createTempDirectory("thinpool-vm-" + release + "-");
      List<Path> disks = new ArrayList<>();
      for (int i = 0; i <= DISKS; i++) {
        Path disk = state.resolve("disk" + i + ".img");
        try (RandomAccessFile file = new RandomAccessFile(disk.toFile(), "rw")) {
          file.setLength(i < DISKS ? DISK_BYTES : LARGE_DISK_BYTES); // sparse
        }
        disks.add(disk);
      }
      NodeVm node =
          NodeVm.boot(
              image,
              state,
              // Two vCPUs: TCG runs them on two host threads, and udev works beside LVM.
              new NodeVm.Options(disks, Optional.empty(), Optional.empty(), 1024, 2));
      return new TestVm(state, node);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The guest's disks, /dev/vda .. /dev/vdd: blank after {@link #reset()}. */
  public static String disk(int index) {
    return NodeVm.disk(index);
  }

  /** The node's Debian release and the versions of its kernel and lvm2. */
  public String describe() {
    return node.image().release() + ": " + node.image().versions().replace("\n", ", ");
  }

  @Override
  public NodeLock nodeLock() {
    return node.nodeLock();
  }

  @Override
  public CommandResult run(HostCommand command) {
    return node.run(command);
  }

  /** Runs a test-setup command that must succeed. */
  public String must(String... argv) {
    return node.must(argv);
  }

  /** The tags of a volume group, as LVM lists them. */
  public List<String> volumeGroupTags(String volumeGroup) {
    return List.of(must("vgs", "--noheadings", "-o", "vg_tags", volumeGroup).strip().split(","));
  }

  /**
   * Back to blank disks: every VG removed, every device-mapper table gone, signatures wiped,
   * profiles the tests wrote removed, LVM's backups and devices file gone, and dmeventd back and
   * its socket listening (a test may have stopped it or hidden its binary).
   */
  public void reset() {
    List<String> argv = new ArrayList<>(List.of("sh", "-c", RESET, "reset"));
    for (int i = 0; i < DISKS; i++) {
      argv.add(disk(i));
    }
    argv.add(LARGE_DISK);
    // One round trip: each command to the node costs a few hundred milliseconds under TCG.
    CommandResult reset = run(HostCommand.of(argv));
    if (!reset.succeeded()) {
      throw new IllegalStateException("resetting the test node failed: " + reset.stderr());
    }
  }

  @Override
  public void close() {
    node.close();
    try (var files = Files.walk(state)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // best effort: the temp dir is the only thing left behind
    }
  }
}
