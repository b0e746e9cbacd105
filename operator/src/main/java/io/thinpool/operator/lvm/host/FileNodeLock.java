package io.thinpool.operator.lvm.host;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * A {@link NodeLock} on a file: an fcntl lock taken by the engine's own process. Not {@code flock}
 * in a host command's argv: the engine's host commands are short-lived processes, and a lock must
 * outlive them, from the first observation to the last step. The kernel keeps fcntl locks per
 * inode, so an engine in the agent's container and one an admin runs (in that container, in another
 * one, or on the host itself) contend as long as they open the same host file; the kernel drops the
 * lock when its process dies, so a killed engine never leaves a stale lock behind. The holder
 * writes who it is into the file for the engine that has to wait.
 */
final class FileNodeLock implements NodeLock {

  /** fcntl locks belong to a process, not a thread: threads of one JVM queue here first. */
  private static final ConcurrentMap<Path, Semaphore> IN_PROCESS = new ConcurrentHashMap<>();

  /**
   * Who in this process holds the lock. Read from here, never from the file: closing any descriptor
   * of the file drops every fcntl lock the process holds on it, the holder's included.
   */
  private static final ConcurrentMap<Path, String> HELD_HERE = new ConcurrentHashMap<>();

  private static final Duration POLL = Duration.ofMillis(200);

  private final Path path;

  FileNodeLock(Path path) {
    this.path = path.toAbsolutePath().normalize();
  }

  @Override
  public Held acquire(String purpose, Duration wait) {
    long deadline = System.nanoTime() + wait.toNanos();
    Semaphore local = IN_PROCESS.computeIfAbsent(path, p -> new Semaphore(1));
    try {
      if (!local.tryAcquire(wait.toNanos(), TimeUnit.NANOSECONDS)) {
        throw held(HELD_HERE.getOrDefault(path, ""), wait);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new HostCommandException(FailureKind.FAILED, "interrupted waiting for " + path, e);
    }
    try {
      FileChannel channel = open();
      FileLock lock = awaitLock(channel, deadline, wait);
      String description = description(purpose);
      channel.truncate(0);
      channel.write(ByteBuffer.wrap(description.getBytes(StandardCharsets.UTF_8)), 0);
      HELD_HERE.put(path, description);
      return () -> {
        HELD_HERE.remove(path);
        try (channel) {
          channel.truncate(0);
          lock.release();
        } catch (IOException e) {
          // closing the channel releases the lock whatever failed before
        } finally {
          local.release();
        }
      };
    } catch (IOException | RuntimeException e) {
      local.release();
      if (e instanceof HostCommandException refused) {
        throw refused;
      }
      throw new HostCommandException(
          FailureKind.FAILED, "cannot take the node lock " + path + ": " + e.getMessage(), e);
    }
  }

  private FileChannel open() throws IOException {
    Files.createDirectories(path.getParent());
    return FileChannel.open(
        path, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
  }

  private FileLock awaitLock(FileChannel channel, long deadline, Duration wait) throws IOException {
    try {
      FileLock lock;
      while ((lock = channel.tryLock()) == null) {
        if (System.nanoTime() > deadline) {
          throw held(holder(channel), wait);
        }
        Thread.sleep(POLL.toMillis());
      }
      return lock;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new HostCommandException(FailureKind.FAILED, "interrupted waiting for " + path, e);
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  private HostCommandException held(String holder, Duration wait) {
    return new HostCommandException(
        FailureKind.LOCK_CONTENTION,
        "another engine is changing this node ("
            + (holder.isEmpty() ? "holder unknown" : holder)
            + "): gave up waiting for "
            + path
            + " after "
            + wait.toSeconds()
            + " s",
        null);
  }

  /**
   * What the holder (another process) wrote, read through this engine's own descriptor, which stays
   * open; advisory locks do not stop reading.
   */
  private static String holder(FileChannel channel) {
    try {
      ByteBuffer text = ByteBuffer.allocate((int) Math.min(channel.size(), 4096));
      channel.read(text, 0);
      return new String(text.array(), 0, text.position(), StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      return "";
    }
  }

  private static String description(String purpose) {
    return purpose
        + ", pid "
        + ProcessHandle.current().pid()
        + ", since "
        + Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
  }
}
