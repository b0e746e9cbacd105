package io.thinpool.operator.lvm.host;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs commands on the node from the agent's privileged, hostPID container: {@code nsenter} into
 * PID 1's mount, UTS, IPC, network and PID namespaces, so the host's own lvm2, /etc/lvm, locks and
 * dmeventd are used. No shell is involved anywhere: the argv goes to execve as it is.
 */
public final class NsenterCommandRunner implements HostCommandRunner {

  /** Output is drained on daemon threads of its own, never on the common pool. */
  private static final ExecutorService DRAINERS =
      Executors.newCachedThreadPool(
          task -> {
            Thread thread = new Thread(task, "host-command-output");
            thread.setDaemon(true);
            return thread;
          });

  private static final List<String> NSENTER =
      List.of("nsenter", "-t", "1", "-m", "-u", "-i", "-n", "-p", "--");

  /**
   * The host's /run as this hostPID container sees it (and as the host itself does): every engine
   * on the node, in the agent's pod or run by an admin, locks this one host file.
   */
  static final Path HOST_LOCK = Path.of("/proc/1/root/run/thinpool-operator/engine.lock");

  private static final NodeLock LOCK = NodeLock.file(HOST_LOCK);

  @Override
  public NodeLock nodeLock() {
    return LOCK;
  }

  @Override
  public CommandResult run(HostCommand command) {
    List<String> argv = new ArrayList<>(NSENTER);
    argv.addAll(command.argv());
    return runProcess(argv, command);
  }

  /**
   * How long a command that ran into its timeout (or whose caller was interrupted) has to stop on
   * SIGTERM, as LVM's commands do cleanly, before anything harder.
   */
  public static final Duration STOP_GRACE = Duration.ofSeconds(30);

  /** Runs argv as a child process with LC_ALL=C, feeding stdin and stopping it on timeout. */
  static CommandResult runProcess(List<String> argv, HostCommand command) {
    return runProcess(argv, command, STOP_GRACE);
  }

  static CommandResult runProcess(List<String> argv, HostCommand command, Duration stopGrace) {
    ProcessBuilder builder = new ProcessBuilder(argv);
    builder.environment().put("LC_ALL", "C");
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      return new CommandResult(127, "", e.getMessage(), false);
    }
    CompletableFuture<byte[]> stdout = drain(process.getInputStream());
    CompletableFuture<byte[]> stderr = drain(process.getErrorStream());
    try (OutputStream in = process.getOutputStream()) {
      in.write(command.stdin());
    } catch (IOException e) {
      // The program exited without reading its input; its exit code tells the rest.
    }
    try {
      if (process.waitFor(command.timeout().toMillis(), TimeUnit.MILLISECONDS)) {
        return new CommandResult(process.exitValue(), text(stdout), text(stderr), false);
      }
      boolean stopped = stop(process, command, stopGrace);
      return new CommandResult(
          stopped ? -15 : -1,
          stopped ? text(stdout) : textSoFar(stdout),
          stopped ? text(stderr) : textSoFar(stderr),
          true,
          !stopped);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      try {
        stop(process, command, stopGrace);
      } catch (InterruptedException again) {
        Thread.currentThread().interrupt();
      }
      throw new HostCommandException(
          FailureKind.FAILED, "interrupted while running `" + command.display() + "`", e);
    }
  }

  /**
   * Stops the command and everything it started (nsenter does not pass signals on to its child):
   * SIGTERM to all of them, then the grace period. What is still running then is killed, except a
   * command that changes LVM's metadata, which is left to finish.
   *
   * @return whether everything stopped
   */
  private static boolean stop(Process process, HostCommand command, Duration grace)
      throws InterruptedException {
    List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
    tree.add(process.toHandle());
    tree.forEach(ProcessHandle::destroy);
    long deadline = System.nanoTime() + grace.toNanos();
    for (ProcessHandle handle : tree) {
      long left = Math.max(0, deadline - System.nanoTime());
      try {
        handle.onExit().get(left, TimeUnit.NANOSECONDS);
      } catch (ExecutionException | TimeoutException e) {
        // still running: decided below
      }
    }
    if (tree.stream().noneMatch(ProcessHandle::isAlive)) {
      return true;
    }
    if (command.changesLvmMetadata()) {
      return false;
    }
    tree.forEach(ProcessHandle::destroyForcibly);
    process.waitFor();
    return true;
  }

  /** Output a process still running has written so far: nothing waits for the rest. */
  private static String textSoFar(CompletableFuture<byte[]> bytes) {
    return new String(bytes.getNow(new byte[0]), StandardCharsets.UTF_8);
  }

  private static CompletableFuture<byte[]> drain(InputStream stream) {
    return CompletableFuture.supplyAsync(
        () -> {
          try (stream) {
            ByteArrayOutputStream buffer = new ByteArrayOutputStream();
            stream.transferTo(buffer);
            return buffer.toByteArray();
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        },
        DRAINERS);
  }

  private static String text(CompletableFuture<byte[]> bytes) {
    return new String(bytes.join(), StandardCharsets.UTF_8);
  }
}
