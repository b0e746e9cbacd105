package io.thinpool.operator.lvm.host;

/** A host command that failed: the classified reason, and a message naming the command. */
public class HostCommandException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final FailureKind kind;

  public HostCommandException(FailureKind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  public static HostCommandException failed(HostCommand command, CommandResult result) {
    FailureKind kind = FailureKind.of(result);
    String detail =
        result.leftRunning()
            ? "timed out after "
                + command.timeout().toSeconds()
                + "s and did not stop on SIGTERM: left running, since killing it could leave LVM's"
                + " metadata half-changed; check the node (ps, lvs) before anything else"
            : result.timedOut()
                ? "timed out after " + command.timeout().toSeconds() + "s"
                : "exit " + result.exitCode();
    String stderr = result.stderr().strip();
    return new HostCommandException(
        kind,
        "`"
            + command.display()
            + "` failed ("
            + detail
            + ", "
            + kind
            + ")"
            + (stderr.isEmpty() ? "" : ": " + stderr),
        null);
  }

  public FailureKind kind() {
    return kind;
  }
}
