package io.thinpool.operator.lvm.host;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Keeps two engines on one node apart (the agent and an admin's {@code engine} command): each
 * observes, plans and then runs LVM commands, and would otherwise act on a picture the other is
 * changing. LVM's own locks only serialise single commands, not a plan. Held for a whole reconcile,
 * teardown or recovery; observing needs none.
 */
public interface NodeLock {

  /** For a node no other engine can reach (an in-memory test node): there is no one to wait for. */
  NodeLock UNSHARED = (purpose, wait) -> () -> {};

  /**
   * Takes the lock, waiting up to {@code wait} for another engine to let it go.
   *
   * @param purpose what this engine is about to do, shown to an engine that has to wait
   * @throws HostCommandException ({@link FailureKind#LOCK_CONTENTION}) naming the holder when it is
   *     still held after {@code wait}
   */
  Held acquire(String purpose, Duration wait);

  /** A taken lock; closing it lets the next engine in. */
  interface Held extends AutoCloseable {
    @Override
    void close();
  }

  /** A lock on a file of the node, see {@link FileNodeLock}. */
  static NodeLock file(Path path) {
    return new FileNodeLock(path);
  }
}
