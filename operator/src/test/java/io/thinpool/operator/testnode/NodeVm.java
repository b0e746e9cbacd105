package io.thinpool.operator.testnode;

import io.thinpool.operator.lvm.host.CommandResult;
import io.thinpool.operator.lvm.host.HostCommand;
import io.thinpool.operator.lvm.host.HostCommandException;
import io.thinpool.operator.lvm.host.HostCommandRunner;
import io.thinpool.operator.lvm.host.NodeLock;
import io.thinpool.operator.lvm.host.SocketCommandRunner;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A real Debian node under qemu (scripts/node/boot.sh): systemd as PID 1, udev, lvm2 with
 * lvm2-monitor and dmeventd, on a copy-on-write overlay of a cached {@link NodeImage}, with raw
 * data disks as /dev/vda, /dev/vdb, ... Commands reach it over its virtio-serial channel, so it
 * plugs into the engine as a {@link HostCommandRunner}, as nsenter does on a real node. It can be
 * powered off and booted again on the same disks: a reboot.
 */
public final class NodeVm implements HostCommandRunner, AutoCloseable {

  private static final Duration BOOT_TIMEOUT = Duration.ofMinutes(4);
  private static final String READY = "thinpool-vm: ready";
  private static final String GUEST_PANIC = "Kernel panic - not syncing";

  /**
   * How the node is attached and what it gets.
   *
   * @param disks raw images, the node's /dev/vda, /dev/vdb, ...
   * @param network the network namespace and TAP device the node's NIC uses; none: no NIC at all
   * @param seed a directory the node mounts read-only at /seed (credentials, images)
   */
  public record Options(
      List<Path> disks, Optional<Network> network, Optional<Path> seed, int memoryMiB, int cpus) {}

  /** A TAP device inside a network namespace the test made. */
  public record Network(String namespace, String tap) {}

  private final NodeImage image;
  private final Path state;
  private final Options options;
  private Process qemu;
  private SocketCommandRunner channel;

  private NodeVm(NodeImage image, Path state, Options options) {
    this.image = image;
    this.state = state;
    this.options = options;
  }

  /**
   * Boots a node from {@code image}, with its state (overlay, sockets, console) in {@code state}.
   */
  public static NodeVm boot(NodeImage image, Path state, Options options) {
    NodeVm vm = new NodeVm(image, state, options);
    vm.start();
    return vm;
  }

  /**
   * Boots the node (again, after {@link #powerOff}): same overlay, same disks. A guest kernel that
   * panics while it boots is booted once more, and says so: under TCG (no KVM here) an SMP guest's
   * early code patching has trapped (an int3 oops in the trixie kernel's scheduler clock, 6 s in,
   * before any disk is written) — the emulator's fault, not the node's, which the tests are about.
   */
  public void start() {
    requireTools();
    try {
      boot();
    } catch (IllegalStateException e) {
      // The console is the failed boot's until the next boot starts a new one.
      if (!consoleTail().contains(GUEST_PANIC)) {
        throw e;
      }
      System.err.printf(
          "%s: the guest kernel panicked while booting; booting it again once%n%s%n",
          state, e.getMessage());
      boot();
    }
  }

  private static void requireTools() {
    for (String tool : List.of("qemu-system-x86_64", "qemu-img")) {
      if (Processes.run(List.of("sh", "-c", "command -v " + tool), Duration.ofSeconds(10))
              .exitCode()
          != 0) {
        throw new IllegalStateException(
            "the real-node tests need '" + tool + "': run scripts/install-test-deps.sh");
      }
    }
  }

  private void boot() {
    List<String> argv = new ArrayList<>();
    options.network().ifPresent(n -> argv.addAll(List.of("ip", "netns", "exec", n.namespace())));
    argv.add(Scripts.dir().resolve("node/boot.sh").toString());
    argv.addAll(
        List.of(state.toString(), image.dir().toString(), state.resolve("root.qcow2").toString()));
    options.disks().forEach(d -> argv.add(d.toString()));
    try {
      Files.createDirectories(state);
      Files.deleteIfExists(console());
      ProcessBuilder builder =
          new ProcessBuilder(argv)
              .redirectErrorStream(true)
              .redirectOutput(state.resolve("qemu.log").toFile());
      builder.environment().put("THINPOOL_NODE_MEMORY", String.valueOf(options.memoryMiB()));
      builder.environment().put("THINPOOL_NODE_CPUS", String.valueOf(options.cpus()));
      options.network().ifPresent(n -> builder.environment().put("THINPOOL_NODE_TAP", n.tap()));
      options.seed().ifPresent(s -> builder.environment().put("THINPOOL_NODE_SEED", s.toString()));
      qemu = builder.start();
      awaitConsole(READY, BOOT_TIMEOUT);
      channel = SocketCommandRunner.connect(state.resolve("cmd.sock"), Duration.ofMinutes(1));
    } catch (IOException | HostCommandException e) {
      close();
      throw new IllegalStateException(
          "the node did not boot: " + e.getMessage() + "\n--- console ---\n" + consoleTail(), e);
    }
  }

  /** A clean shutdown (systemd stops everything, LVM deactivates), then qemu is gone. */
  public void powerOff(Duration within) {
    // The reply may never come: the channel goes away with the node.
    channel.run(
        new HostCommand(
            List.of("systemctl", "--no-block", "poweroff"), null, Duration.ofSeconds(30)));
    try {
      if (!qemu.waitFor(within.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new IllegalStateException(
            "the node did not power off within " + within + ":\n" + consoleTail());
      }
      channel.close();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (IOException e) {
      // the channel is gone with the node
    }
  }

  /** The node's data disk {@code index} (0 is /dev/vda). */
  public static String disk(int index) {
    return "/dev/vd" + (char) ('a' + index);
  }

  @Override
  public NodeLock nodeLock() {
    return channel.nodeLock();
  }

  @Override
  public CommandResult run(HostCommand command) {
    if (qemu == null || !qemu.isAlive()) {
      throw new IllegalStateException("the node has stopped:\n" + consoleTail());
    }
    return channel.run(command);
  }

  /** Runs a test-setup command that must succeed. */
  public String must(String... argv) {
    CommandResult result = run(HostCommand.of(argv));
    if (!result.succeeded()) {
      throw new IllegalStateException(
          "`"
              + String.join(" ", argv)
              + "` failed in the node (exit "
              + result.exitCode()
              + "): "
              + result.stderr());
    }
    return result.stdout();
  }

  public Path console() {
    return state.resolve("console.log");
  }

  public String consoleTail() {
    return Processes.tail(console(), 40);
  }

  public NodeImage image() {
    return image;
  }

  @Override
  public void close() {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException e) {
        // gone with the node
      }
    }
    if (qemu != null) {
      qemu.descendants().forEach(ProcessHandle::destroyForcibly);
      Processes.stop(qemu, Duration.ofSeconds(5));
    }
  }

  private void awaitConsole(String line, Duration within) throws IOException {
    long deadline = System.nanoTime() + within.toNanos();
    while (!(Files.exists(console())
        && Files.readString(console(), StandardCharsets.ISO_8859_1).contains(line))) {
      if (!qemu.isAlive() || System.nanoTime() > deadline) {
        throw new IOException(
            "no '"
                + line
                + "' on the console within "
                + within
                + "; qemu: "
                + Processes.tail(state.resolve("qemu.log"), 10));
      }
      try {
        Thread.sleep(250);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException(e);
      }
    }
  }
}
