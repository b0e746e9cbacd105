package io.thinpool.operator.lvm.host;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

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

  /** Runs argv as a child process with LC_ALL=C, feeding stdin and killing it on timeout. */
  static CommandResult runProcess(List<String> argv, HostCommand command) {
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
    boolean timedOut;
    try {
      timedOut = !process.waitFor(command.timeout().toMillis(), TimeUnit.MILLISECONDS);
      if (timedOut) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.waitFor();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new HostCommandException(
          FailureKind.FAILED, "interrupted while running `" + command.display() + "`", e);
    }
    return new CommandResult(
        timedOut ? -9 : process.exitValue(), text(stdout), text(stderr), timedOut);
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
