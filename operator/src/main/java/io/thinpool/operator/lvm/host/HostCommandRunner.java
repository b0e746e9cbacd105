package io.thinpool.operator.lvm.host;

/**
 * The seam between the engine and a node. Production runs commands in the host's namespaces ({@link
 * NsenterCommandRunner}); the tests run them inside a VM with a real kernel.
 */
@FunctionalInterface
public interface HostCommandRunner {

  /**
   * The lock two engines on this node share (see {@link NodeLock}). By default none: a node only
   * this runner reaches (an in-memory test node) has no other engine to wait for. Runners that wrap
   * another must pass its lock on.
   */
  default NodeLock nodeLock() {
    return NodeLock.UNSHARED;
  }

  /**
   * Runs the command and reports its outcome; a non-zero exit is a result, not an exception.
   *
   * @throws HostCommandException when the command could not be started or was interrupted
   */
  CommandResult run(HostCommand command);

  /**
   * Runs the command and returns its standard output.
   *
   * @throws HostCommandException when it fails, with the failure classified
   */
  default String runChecked(HostCommand command) {
    CommandResult result = run(command);
    if (!result.succeeded()) {
      throw HostCommandException.failed(command, result);
    }
    return result.stdout();
  }
}
