package io.thinpool.operator.lvm;

/**
 * The seam between the engine and a node. Production runs commands in the host's namespaces ({@link
 * NsenterCommandRunner}); the tests run them inside a VM with a real kernel.
 */
@FunctionalInterface
public interface HostCommandRunner {

  /**
   * Runs the command and reports its outcome; a non-zero exit is a result, not an exception.
   *
   * @throws HostCommandException when the command could not be started or was interrupted
   */
  CommandResult run(HostCommand command);
}
