package io.thinpool.operator.testvm;

import io.thinpool.operator.lvm.CommandResult;
import io.thinpool.operator.lvm.HostCommand;
import io.thinpool.operator.lvm.HostCommandException;
import io.thinpool.operator.lvm.HostCommandRunner;
import io.thinpool.operator.lvm.SocketCommandRunner;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A node with a real kernel: a qemu guest (scripts/vm) with blank virtio disks, real device-mapper,
 * lvm2 and dmeventd. Commands reach it over a virtio-serial channel, so it plugs into the engine as
 * a {@link HostCommandRunner}, like nsenter does on a real node.
 */
public final class TestVm implements HostCommandRunner, AutoCloseable {

  public static final int DISKS = 4;
  public static final long DISK_BYTES = 2L * 1024 * 1024 * 1024;
  private static final Duration BOOT_TIMEOUT = Duration.ofSeconds(180);

  private final Path state;
  private final Process qemu;
  private final SocketCommandRunner node;
  private final List<String> shippedProfiles;

  private TestVm(Path state, Process qemu, SocketCommandRunner node) {
    this.state = state;
    this.qemu = qemu;
    this.node = node;
    this.shippedProfiles = run(HostCommand.of("ls", "/etc/lvm/profile")).stdout().lines().toList();
  }

  /** Boots a VM, failing loudly (never skipping) when a prerequisite is missing. */
  public static TestVm boot() {
    Path scripts =
        Path.of(System.getProperty("thinpool.vm.scripts", "../scripts/vm"))
            .toAbsolutePath()
            .normalize();
    if (!Files.isExecutable(scripts.resolve("boot.sh"))) {
      throw new IllegalStateException(
          "VM harness not found at " + scripts + " (system property thinpool.vm.scripts)");
    }
    for (String tool :
        List.of("qemu-system-x86_64", "lvm", "dmeventd", "thin_check", "busybox", "python3")) {
      if (!onPath(tool)) {
        throw new IllegalStateException(
            "the real-kernel tests need '"
                + tool
                + "' on this machine: run scripts/install-test-deps.sh");
      }
    }
    try {
      Path state = Files.createTempDirectory("thinpool-vm-");
      List<String> argv =
          new ArrayList<>(List.of(scripts.resolve("boot.sh").toString(), state.toString()));
      for (int i = 0; i < DISKS; i++) {
        Path disk = state.resolve("disk" + i + ".img");
        try (RandomAccessFile file = new RandomAccessFile(disk.toFile(), "rw")) {
          file.setLength(DISK_BYTES); // sparse
        }
        argv.add(disk.toString());
      }
      Process qemu =
          new ProcessBuilder(argv)
              .redirectErrorStream(true)
              .redirectOutput(state.resolve("qemu.log").toFile())
              .start();
      long deadline = System.nanoTime() + BOOT_TIMEOUT.toNanos();
      Path console = state.resolve("console.log");
      while (!(Files.exists(console)
          && Files.readString(console, StandardCharsets.ISO_8859_1)
              .contains("thinpool-vm: ready"))) {
        if (!qemu.isAlive() || System.nanoTime() > deadline) {
          qemu.destroyForcibly();
          throw new IllegalStateException(
              "the test VM did not boot: "
                  + tail(state.resolve("qemu.log"))
                  + "\n--- console ---\n"
                  + tail(console));
        }
        Thread.sleep(200);
      }
      SocketCommandRunner node;
      try {
        node =
            SocketCommandRunner.connect(
                state.resolve("cmd.sock"),
                Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
      } catch (HostCommandException e) {
        qemu.destroyForcibly();
        throw new IllegalStateException(
            "the test VM booted but its command agent does not answer: "
                + e.getMessage()
                + "\n--- console ---\n"
                + tail(console),
            e);
      }
      return new TestVm(state, qemu, node);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The guest's disks, /dev/vda .. /dev/vdd: blank after {@link #reset()}. */
  public static String disk(int index) {
    return "/dev/vd" + (char) ('a' + index);
  }

  @Override
  public CommandResult run(HostCommand command) {
    if (!qemu.isAlive()) {
      throw new IllegalStateException(
          "the test VM has stopped:\n" + tail(state.resolve("console.log")));
    }
    return node.run(command);
  }

  /** Runs a test-setup command that must succeed. */
  public String must(String... argv) {
    CommandResult result = run(HostCommand.of(argv));
    if (!result.succeeded()) {
      throw new IllegalStateException(
          "`"
              + String.join(" ", argv)
              + "` failed in the test VM (exit "
              + result.exitCode()
              + "): "
              + result.stderr());
    }
    return result.stdout();
  }

  /**
   * Back to blank disks: every VG removed, every device-mapper table gone, signatures wiped,
   * profiles the tests wrote removed, and dmeventd still running.
   */
  public void reset() {
    for (String vg :
        must("vgs", "--noheadings", "-o", "vg_name")
            .lines()
            .map(String::strip)
            .filter(s -> !s.isEmpty())
            .toList()) {
      run(HostCommand.of("vgremove", "--force", "--force", "--yes", vg));
    }
    run(HostCommand.of("dmsetup", "remove_all", "--force"));
    for (int i = 0; i < DISKS; i++) {
      must("wipefs", "--all", "--force", disk(i));
      must("dd", "if=/dev/zero", "of=" + disk(i), "bs=1M", "count=4", "conv=fsync", "status=none");
    }
    for (String profile : must("ls", "/etc/lvm/profile").lines().toList()) {
      if (!shippedProfiles.contains(profile)) {
        must("rm", "-f", "/etc/lvm/profile/" + profile);
      }
    }
    must("rm", "-rf", "/etc/lvm/backup", "/etc/lvm/archive");
  }

  @Override
  public void close() {
    qemu.descendants().forEach(ProcessHandle::destroyForcibly);
    qemu.destroyForcibly();
    try {
      node.close();
      qemu.waitFor(10, TimeUnit.SECONDS);
      try (var files = Files.walk(state)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    } catch (IOException e) {
      // best effort: the temp dir is the only thing left behind
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static boolean onPath(String tool) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (Files.isExecutable(Path.of(dir, tool))) {
        return true;
      }
    }
    return Files.isExecutable(Path.of("/usr/sbin", tool))
        || Files.isExecutable(Path.of("/sbin", tool));
  }

  private static String tail(Path file) {
    try {
      List<String> lines = Files.readAllLines(file, StandardCharsets.ISO_8859_1);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    } catch (IOException e) {
      return "(no " + file.getFileName() + ")";
    }
  }
}
