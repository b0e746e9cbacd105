package io.thinpool.operator.testnode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The disk of a real Debian node, built once and cached by scripts/node/image.sh: the release's own
 * kernel, systemd, udev, lvm2 and dmeventd; with {@link Flavour#KUBERNETES} also containerd,
 * kubelet and kube-proxy.
 *
 * @param release the Debian release (bullseye, bookworm, trixie)
 * @param dir where root.img, vmlinuz and initrd.img are
 */
public record NodeImage(String release, Path dir) {

  /** The Debian releases users' nodes run, oldest first: the spread of lvm2 the engine meets. */
  public static final List<String> RELEASES = List.of("bullseye", "bookworm", "trixie");

  /** What the node is for: LVM only (the engine's tests), or a Kubernetes node. */
  public enum Flavour {
    LVM("lvm"),
    KUBERNETES("k8s");

    private final String argument;

    Flavour(String argument) {
      this.argument = argument;
    }
  }

  /** Builds the disk unless cached; fails with what is missing rather than skipping. */
  public static NodeImage of(String release, Flavour flavour) {
    Path script = Scripts.dir().resolve("node/image.sh");
    Processes.Result built =
        Processes.run(
            List.of(script.toString(), release, flavour.argument),
            java.time.Duration.ofMinutes(20));
    if (built.exitCode() != 0) {
      throw new IllegalStateException(
          "scripts/node/image.sh "
              + release
              + " "
              + flavour.argument
              + " failed (needs root, debootstrap and e2fsprogs: scripts/install-test-deps.sh):\n"
              + built.output());
    }
    List<String> lines = built.output().lines().toList();
    return new NodeImage(release, Path.of(lines.get(lines.size() - 1).strip()));
  }

  /** The versions that matter on this node (kernel, lvm2, ...), one per line. */
  public String versions() {
    try {
      return Files.readString(dir.resolve("versions")).strip();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
